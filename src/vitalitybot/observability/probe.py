"""``python -m vitalitybot.observability.probe``: exit 0 when ``/healthz`` says ok, else 1.

For container health checks: slim images have no curl, and this reads the same
settings as the bot, so the probe always asks the port the bot listens on. Docker's
HEALTHCHECK understands 0 (healthy) and 1 (unhealthy) only and reserves 2, so every
way of not knowing (no port set, settings that cannot be read, no answer) is 1, with
one line saying why.
"""

from __future__ import annotations

import sys
import urllib.error
import urllib.request

from pydantic import ValidationError

from vitalitybot.config import DEFAULT_HEALTH_HOST, load_settings

TIMEOUT = 4.0  # seconds; below Docker's default health-check timeout of 5 s
EXIT_HEALTHY, EXIT_UNHEALTHY = 0, 1
NO_PORT = (
    "unhealthy: VITALITYBOT_HEALTH_PORT is not set, so the bot serves no /healthz to ask; "
    "set it for the bot and the probe alike (the image sets 8080)"
)


def healthz_url(host: str, port: int | None) -> str | None:
    """Where the bot serves /healthz; None when the listener is off."""
    if port is None:
        return None
    if host in ("0.0.0.0", "::", ""):  # listening everywhere: ask on loopback
        host = DEFAULT_HEALTH_HOST
    if ":" in host:
        host = f"[{host}]"
    return f"http://{host}:{port}/healthz"


def probe(url: str, timeout: float = TIMEOUT) -> tuple[bool, str]:
    """Whether /healthz answered 200, and what it said."""
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            return response.status == 200, response.read().decode("utf-8", "replace")
    except urllib.error.HTTPError as failing:
        return False, failing.read().decode("utf-8", "replace")
    except OSError as exc:
        return False, f"no answer from {url}: {exc}"


def unreadable(error: ValidationError) -> str:
    """One line naming the first setting that cannot be read."""
    first = error.errors()[0]
    where = "_".join(str(part) for part in first["loc"]).upper()
    name = f"VITALITYBOT_{where}" if where else "the settings"
    return f"unhealthy: {name}: {first['msg']}"


def main() -> int:
    try:
        settings = load_settings()
    except ValidationError as error:
        print(unreadable(error), file=sys.stderr)
        return EXIT_UNHEALTHY
    url = healthz_url(settings.health_host, settings.health_port)
    if url is None:
        print(NO_PORT, file=sys.stderr)
        return EXIT_UNHEALTHY
    healthy, said = probe(url)
    print(said, file=sys.stdout if healthy else sys.stderr)
    return EXIT_HEALTHY if healthy else EXIT_UNHEALTHY


if __name__ == "__main__":
    raise SystemExit(main())
