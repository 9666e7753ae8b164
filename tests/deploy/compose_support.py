"""Compose's variable filling, for tests that read compose.yaml as Compose would run it."""

from __future__ import annotations

import re
from collections.abc import Mapping

# ${NAME}, ${NAME:-default} and ${NAME:?error}: the forms compose.yaml may use.
VARIABLE = re.compile(r"\$\{(\w+)(?::([-?])([^}]*))?\}")


def interpolate(value: str, env: Mapping[str, str]) -> str:
    """``value`` with its variables filled in from ``env``, as Compose fills them from the
    shell and the .env file beside compose.yaml."""

    def fill(match: re.Match[str]) -> str:
        name, kind, word = match.groups()
        given = env.get(name, "")
        if kind == "?" and not given:
            raise LookupError(f"compose.yaml needs {name}: {word}")
        return given or word if kind == "-" else given

    return VARIABLE.sub(fill, value)
