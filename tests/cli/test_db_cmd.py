"""`vitalitybot db upgrade|current|backup` through the real CLI entry point."""

from __future__ import annotations

import sqlite3
import threading
from pathlib import Path

import pytest

from vitalitybot.cli import main
from vitalitybot.storage import head_revision

HEAD = head_revision()


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
    assert f"at revision {HEAD} (head)" in capsys.readouterr().out
    assert {"communities", "rounds", "answers", "alembic_version"} <= _tables(path)

    assert main(["db", "current", "--url", url]) == 0
    assert f"{HEAD} (head)" in capsys.readouterr().out


def test_upgrading_twice_is_harmless(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'x.sqlite3'}"
    assert main(["db", "upgrade", "--url", url]) == 0
    assert main(["db", "upgrade", "--url", url]) == 0
    assert capsys.readouterr().out.count(f"{HEAD} (head)") == 2


def test_upgrade_never_goes_backwards(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "x.sqlite3"
    url = f"sqlite+aiosqlite:///{path}"
    assert main(["db", "upgrade", "--url", url]) == 0
    capsys.readouterr()
    # Asking "upgrade" for an older revision leaves a migrated database as it is.
    assert main(["db", "upgrade", "--url", url, "--revision", "base"]) == 0
    assert f"at revision {HEAD} (head)" in capsys.readouterr().out
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
    err = capsys.readouterr().err
    assert "--url nosuchdb://here is not a database URL" in err and len(err.splitlines()) == 1


@pytest.mark.parametrize("action", [["upgrade"], ["current"], ["backup", "out.sqlite3"]])
@pytest.mark.parametrize(
    "url",
    [
        "postgresql+asyncpg://bob:hunter2@db.example:notaport/vb",  # does not parse
        "nosuchdb://bob:hunter2@db.example/vb",  # parses, no such database
    ],
)
def test_an_unusable_url_is_printed_without_its_password(
    action: list[str], url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["db", *action, "--url", url]) == 2
    printed = capsys.readouterr()
    assert "is not a database URL SQLAlchemy can use" in printed.err
    assert "bob:***@db.example" in printed.err
    assert "hunter2" not in printed.out + printed.err


def test_db_needs_an_action(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["db"])
    assert exit_info.value.code == 2
    capsys.readouterr()


class _Writer(threading.Thread):
    """Another connection that keeps committing, as the running bot would.

    Each transaction adds a community and its adopted pattern together, with guild
    ids 0, 1, 2, ... in order, so a consistent copy holds a gap-free prefix of them
    and exactly one pattern per community.
    """

    def __init__(self, path: Path) -> None:
        super().__init__(daemon=True)
        self.path = path
        self.committed = 0
        self.error: BaseException | None = None
        self._stop_event = threading.Event()
        self._progress = threading.Condition()

    def run(self) -> None:
        try:
            connection = sqlite3.connect(self.path, timeout=10)
            try:
                assert connection.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
                while not self._stop_event.is_set():
                    with connection:
                        cursor = connection.execute(
                            "INSERT INTO communities (guild_id, name, timezone, threshold, "
                            "min_respondents, max_items, anonymous, created_at) "
                            "VALUES (?, 'c', 'UTC', 0.5, 3, 8, 1, '2026-11-03 10:00:00')",
                            (self.committed,),
                        )
                        connection.execute(
                            "INSERT INTO adopted_patterns (community_id, pattern_slug, "
                            "adopted_at) VALUES (?, 'p', '2026-11-03 10:00:00')",
                            (cursor.lastrowid,),
                        )
                    with self._progress:
                        self.committed += 1
                        self._progress.notify_all()
            finally:
                connection.close()
        except BaseException as exc:
            self.error = exc
            with self._progress:
                self._progress.notify_all()

    def wait_for(self, rows: int) -> int:
        with self._progress:
            self._progress.wait_for(lambda: self.committed >= rows or self.error is not None)
            assert self.error is None, self.error
            return self.committed

    def stop(self) -> None:
        self._stop_event.set()
        self.join()
        assert self.error is None, self.error


def test_backup_copies_a_live_database_consistently(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "live.sqlite3"
    url = f"sqlite+aiosqlite:///{path}"
    assert main(["db", "upgrade", "--url", url]) == 0  # the bot's pragmas leave it in WAL
    backup = tmp_path / "backups" / "copy.sqlite3"
    backup.parent.mkdir()

    writer = _Writer(path)
    writer.start()
    try:
        before = writer.wait_for(200)
        assert main(["db", "backup", str(backup), "--url", url]) == 0
        after = writer.wait_for(writer.committed + 50)  # the writer was never blocked
    finally:
        writer.stop()
    assert "integrity ok" in capsys.readouterr().out

    with sqlite3.connect(backup) as copy:
        assert copy.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert copy.execute("PRAGMA journal_mode").fetchone()[0] == "delete"
        guilds = [g for (g,) in copy.execute("SELECT guild_id FROM communities ORDER BY id")]
        patterns = copy.execute("SELECT count(*) FROM adopted_patterns").fetchone()[0]
        revision = copy.execute("SELECT version_num FROM alembic_version").fetchone()[0]
    assert len(guilds) >= before  # everything committed before the backup started
    assert guilds == list(range(len(guilds)))  # a prefix: one moment, no torn writes
    assert patterns == len(guilds)  # no transaction copied half-way
    assert len(guilds) < after
    assert revision == HEAD
    assert not list(backup.parent.glob(".*partial"))


def test_backup_refuses_postgresql_and_points_at_pg_dump(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    url = "postgresql+asyncpg://bot@127.0.0.1/vitalitybot"
    assert main(["db", "backup", str(tmp_path / "x.sqlite3"), "--url", url]) == 2
    assert "pg_dump" in capsys.readouterr().err
    assert not (tmp_path / "x.sqlite3").exists()


def test_backup_never_overwrites_and_needs_a_database(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'bot.sqlite3'}"
    existing = tmp_path / "old-backup.sqlite3"
    existing.write_bytes(b"an older backup")

    assert main(["db", "backup", str(tmp_path / "new.sqlite3"), "--url", url]) == 4
    assert "no database file" in capsys.readouterr().err
    assert not (tmp_path / "bot.sqlite3").exists()  # not created by looking

    assert main(["db", "upgrade", "--url", url]) == 0
    assert main(["db", "backup", str(existing), "--url", url]) == 2
    assert "exists" in capsys.readouterr().err
    assert existing.read_bytes() == b"an older backup"
