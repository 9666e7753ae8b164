"""deploy/vitalitybot.env.example lists every setting, each with its default."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from vitalitybot.config import Settings

KEY = re.compile(r"^#?\s*(VITALITYBOT_[A-Z0-9_]+)=(.*)$")


def example_keys(path: Path) -> dict[str, bool]:
    """Each key the example names, and whether its line is active (not commented)."""
    keys: dict[str, bool] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        match = KEY.match(line.strip())
        if match:
            keys[match.group(1)] = not line.lstrip().startswith("#")
    return keys


def test_every_setting_is_listed_and_nothing_else(deploy_dir: Path) -> None:
    listed = set(example_keys(deploy_dir / "vitalitybot.env.example"))
    settings = {f"VITALITYBOT_{name.upper()}" for name in Settings.model_fields}
    assert listed - settings == set(), "listed but not a setting"
    assert settings - listed == set(), "a setting the example does not list"


def test_the_example_values_are_the_defaults(
    deploy_dir: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    for name in [n for n in os.environ if n.startswith("VITALITYBOT_")]:
        monkeypatch.delenv(name)
    monkeypatch.chdir(tmp_path)
    example = deploy_dir / "vitalitybot.env.example"
    from_example = Settings(_env_file=example)  # type: ignore[call-arg]
    defaults = Settings(_env_file=None)  # type: ignore[call-arg]
    assert from_example.token is None or from_example.token.get_secret_value() == ""
    assert from_example.model_dump(exclude={"token"}) == defaults.model_dump(exclude={"token"})
    active = {k for k, on in example_keys(example).items() if on}
    assert "VITALITYBOT_TOKEN" in active  # the one line everyone must fill in
