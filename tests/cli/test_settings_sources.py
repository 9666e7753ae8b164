"""Where each setting came from, as `doctor` and the error lines name it: a value read
from a secret file (Docker's /run/secrets) is named by that file and never shown."""

from __future__ import annotations

from pathlib import Path

import pytest

from vitalitybot.cli import main


def setting_line(out: str, variable: str) -> list[str]:
    line = next(line for line in out.splitlines() if line.strip().startswith(f"{variable} "))
    return line.split(maxsplit=1)[1].split("  ")


def test_doctor_names_each_secret_file_and_masks_its_value(
    clean_settings: Path,
    secrets_dir: Path,
    bot_token: str,
    capsys: pytest.CaptureFixture[str],
) -> None:
    (secrets_dir / "vitalitybot_token").write_text(f"{bot_token}\n", encoding="utf-8")
    (secrets_dir / "vitalitybot_health_port").write_text("8080\n", encoding="utf-8")
    assert main(["doctor"]) == 0
    out = capsys.readouterr().out
    assert bot_token not in out and "8080" not in out
    token = secrets_dir / "vitalitybot_token"
    port = secrets_dir / "vitalitybot_health_port"
    assert setting_line(out, "VITALITYBOT_TOKEN") == ["********", f"[secret file {token}]"]
    assert setting_line(out, "VITALITYBOT_HEALTH_PORT") == ["********", f"[secret file {port}]"]
    assert setting_line(out, "VITALITYBOT_LOG_LEVEL") == ["INFO", "[default]"]
    assert "shaped like a Discord bot token" in out  # the token did load from the file


def test_the_environment_is_named_when_it_overrides_a_secret_file(
    clean_settings: Path,
    secrets_dir: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    (secrets_dir / "vitalitybot_log_level").write_text("ERROR", encoding="utf-8")
    monkeypatch.setenv("VITALITYBOT_LOG_LEVEL", "debug")
    main(["doctor"])
    assert setting_line(capsys.readouterr().out, "VITALITYBOT_LOG_LEVEL") == [
        "DEBUG",
        "[environment]",
    ]


def test_a_bad_value_in_a_secret_file_names_the_file_not_the_value(
    clean_settings: Path, secrets_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (secrets_dir / "vitalitybot_shard_count").write_text("several\n", encoding="utf-8")
    assert main(["db", "current"]) == 3
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "several" not in err
    path = secrets_dir / "vitalitybot_shard_count"
    assert f"VITALITYBOT_SHARD_COUNT is ******** (in secret file {path})" in err
    assert "valid integer" in err
