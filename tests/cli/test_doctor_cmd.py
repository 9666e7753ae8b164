"""`vitalitybot doctor`: the settings in effect with their sources, secrets masked, and
checks of what `run` needs; exit 0 when the bot could start, 3 when it could not."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from vitalitybot.cli import main
from vitalitybot.storage import head_revision


@pytest.fixture
def good_settings(
    clean_settings: Path,
    tmp_path: Path,
    patterns_dir: Path,
    bot_token: str,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> str:
    """A migrated database, a pattern folder and a token from the environment, and the
    health port from .env. Returns the database URL, with its password-free form."""
    url = f"sqlite+aiosqlite:///{tmp_path / 'bot.sqlite3'}"
    assert main(["db", "upgrade", "--url", url]) == 0
    capsys.readouterr()
    monkeypatch.setenv("VITALITYBOT_TOKEN", bot_token)
    monkeypatch.setenv("VITALITYBOT_DATABASE_URL", url)
    monkeypatch.setenv("VITALITYBOT_PATTERNS_DIR", str(patterns_dir))
    (clean_settings / ".env").write_text("VITALITYBOT_HEALTH_PORT=8080\n", encoding="utf-8")
    return url


def setting_line(out: str, variable: str) -> str:
    return next(line for line in out.splitlines() if line.strip().startswith(f"{variable} "))


def test_a_good_configuration_lists_each_setting_and_its_source(
    good_settings: str, bot_token: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["doctor"]) == 0
    out = capsys.readouterr().out
    assert bot_token not in out
    assert setting_line(out, "VITALITYBOT_TOKEN").split()[1:] == ["********", "[environment]"]
    assert setting_line(out, "VITALITYBOT_HEALTH_PORT").split()[1:] == ["8080", "[.env]"]
    assert setting_line(out, "VITALITYBOT_LOG_LEVEL").split()[1:] == ["INFO", "[default]"]
    assert f"at revision {head_revision()} (head)" in out
    assert "2 patterns loaded from 2 files" in out
    assert setting_line(out, "VITALITYBOT_MIGRATE_ON_START").split()[1] == "true"
    assert "https://discord.com/api/v10" in out and "not contacted" in out
    assert out.rstrip().endswith("all good: the bot could start with these settings")


def test_json_gives_the_same_report_as_one_object(
    good_settings: str, bot_token: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["--log-json", "doctor"]) == 0
    out = capsys.readouterr().out
    assert bot_token not in out
    report = json.loads(out)
    assert report["ok"] is True
    settings = {s["variable"]: s for s in report["settings"]}
    assert settings["VITALITYBOT_HEALTH_PORT"] == {
        "variable": "VITALITYBOT_HEALTH_PORT",
        "value": "8080",
        "source": ".env",
    }
    checks = {c["name"]: c["status"] for c in report["checks"]}
    assert checks == dict.fromkeys(
        ["settings", "token", "database", "patterns", "templates", "discord"], "ok"
    )


def test_a_database_password_is_masked(
    good_settings: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv(
        "VITALITYBOT_DATABASE_URL", "postgresql+asyncpg://bot:hunter22@127.0.0.1:1/b"
    )
    assert main(["doctor"]) == 3  # nothing listens on port 1
    out = capsys.readouterr().out
    assert "hunter22" not in out
    assert "bot:***@127.0.0.1:1/b" in setting_line(out, "VITALITYBOT_DATABASE_URL")


def test_a_bad_configuration_names_every_problem_and_exits_3(
    good_settings: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("VITALITYBOT_TOKEN", "not-a-token")
    monkeypatch.setenv("VITALITYBOT_PATTERNS_DIR", str(tmp_path / "gone"))
    monkeypatch.setenv("VITALITYBOT_TEMPLATES_DIR", str(tmp_path / "gone-too"))
    assert main(["doctor"]) == 3
    out = capsys.readouterr().out
    problems = [line.split()[1] for line in out.splitlines() if line.strip().startswith("problem")]
    assert problems == ["token", "patterns", "templates"]
    assert "not-a-token" not in out
    assert out.rstrip().endswith("3 problem(s): the bot would not start as configured")


def test_an_invalid_setting_is_shown_beside_the_others(
    good_settings: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("VITALITYBOT_SHARD_COUNT", "many")
    assert main(["doctor"]) == 3
    captured = capsys.readouterr()
    assert captured.err == ""
    assert setting_line(captured.out, "VITALITYBOT_SHARD_COUNT").split()[1:] == [
        "many",
        "[environment]",
    ]
    assert "VITALITYBOT_SHARD_COUNT is 'many' (in the environment)" in captured.out


def test_a_database_behind_is_fine_when_run_migrates_it(
    clean_settings: Path,
    tmp_path: Path,
    patterns_dir: Path,
    bot_token: str,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("VITALITYBOT_TOKEN", bot_token)
    monkeypatch.setenv("VITALITYBOT_PATTERNS_DIR", str(patterns_dir))
    monkeypatch.setenv("VITALITYBOT_DATABASE_URL", f"sqlite+aiosqlite:///{tmp_path / 'new.db'}")
    assert main(["doctor"]) == 0
    assert "no database file yet; `run` creates it" in capsys.readouterr().out
    assert not (tmp_path / "new.db").exists()

    monkeypatch.setenv("VITALITYBOT_MIGRATE_ON_START", "false")
    assert main(["doctor"]) == 3
    assert "run `vitalitybot db upgrade`" in capsys.readouterr().out
