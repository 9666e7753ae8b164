"""`vitalitybot db upgrade|current` through the real CLI entry point."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from vitalitybot.cli import main


def _tables(path: Path) -> set[str]:
    with sqlite3.connect(path) as connection:
        rows = connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
        return {name for (name,) in rows}


def test_upgrade_creates_the_schema_and_reports_the_revision(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "x.sqlite3"
    url = f"sqlite+aiosqlite:///{path}"
    assert main(["db", "upgrade", "--url", url]) == 0
    assert "at revision 0001 (head)" in capsys.readouterr().out
    assert {"communities", "rounds", "answers", "alembic_version"} <= _tables(path)

    assert main(["db", "current", "--url", url]) == 0
    assert "0001 (head)" in capsys.readouterr().out


def test_upgrading_twice_is_harmless(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'x.sqlite3'}"
    assert main(["db", "upgrade", "--url", url]) == 0
    assert main(["db", "upgrade", "--url", url]) == 0
    assert capsys.readouterr().out.count("0001 (head)") == 2


def test_upgrade_never_goes_backwards(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "x.sqlite3"
    url = f"sqlite+aiosqlite:///{path}"
    assert main(["db", "upgrade", "--url", url]) == 0
    capsys.readouterr()
    # Asking "upgrade" for an older revision leaves a migrated database as it is.
    assert main(["db", "upgrade", "--url", url, "--revision", "base"]) == 0
    assert "at revision 0001 (head)" in capsys.readouterr().out
    assert "rounds" in _tables(path)


def test_url_defaults_to_the_settings(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "from-env" / "bot.sqlite3"
    monkeypatch.chdir(tmp_path)  # no stray .env
    monkeypatch.setenv("VITALITYBOT_DATABASE_URL", f"sqlite+aiosqlite:///{path}")
    assert main(["db", "upgrade"]) == 0
    assert "rounds" in _tables(path)
    assert str(path) in capsys.readouterr().out


def test_current_on_a_database_never_migrated(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "missing.sqlite3"
    assert main(["db", "current", "--url", f"sqlite+aiosqlite:///{path}"]) == 1
    assert "vitalitybot db upgrade" in capsys.readouterr().out
    assert not path.exists()  # looking does not create an empty file

    sqlite3.connect(path).close()  # exists but empty
    assert main(["db", "current", "--url", f"sqlite+aiosqlite:///{path}"]) == 1
    assert "never migrated" in capsys.readouterr().out


def test_an_unusable_url_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["db", "upgrade", "--url", "nosuchdb://here"]) == 2
    assert "not a usable database URL" in capsys.readouterr().err


def test_db_needs_an_action(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["db"])
    assert exit_info.value.code == 2
    capsys.readouterr()
