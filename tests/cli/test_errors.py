"""Every command's failures, as an operator meets them: one line on stderr that names
the variable, option or path to fix, no traceback (unless -v), an exit code per kind.

Each case runs the real entry point (``main``, or the installed module in a
subprocess where a signal is involved) against real files and a real SQLite database.
"""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from vitalitybot.cli import main

CONFIGURATION, DATABASE, FILE, USAGE, INTERRUPTED = 3, 4, 5, 2, 130


def one_line(err: str) -> str:
    """The only line on stderr, checked to carry no traceback or SQLAlchemy link."""
    lines = err.splitlines()
    assert len(lines) == 1, err
    assert "Traceback" not in err and "Background on this error" not in err
    return lines[0]


@pytest.fixture
def corrupt_db(tmp_path: Path) -> Path:
    path = tmp_path / "corrupt.sqlite3"
    path.write_bytes(b"this was never a SQLite database\n" * 200)
    return path


@pytest.mark.parametrize(
    "argv",
    [
        ["patterns", "check"],
        ["db", "current"],
        ["invite-url", "--client-id", "1"],
        ["harvest", "export", "--guild", "1"],
        ["simulate", "--months", "1"],
        ["run"],
    ],
)
def test_a_bad_setting_stops_every_command_naming_its_variable(
    argv: list[str],
    clean_settings: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("VITALITYBOT_HEALTH_PORT", "abc")
    assert main(argv) == CONFIGURATION
    line = one_line(capsys.readouterr().err)
    assert "VITALITYBOT_HEALTH_PORT is 'abc' (in the environment)" in line
    assert "valid integer" in line


def test_an_empty_value_in_env_file_names_the_file(
    clean_settings: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (clean_settings / ".env").write_text("VITALITYBOT_SHARD_COUNT=\n", encoding="utf-8")
    assert main(["db", "current"]) == CONFIGURATION
    line = one_line(capsys.readouterr().err)
    assert "VITALITYBOT_SHARD_COUNT is empty (in .env)" in line and "leave it out" in line


@pytest.mark.parametrize("argv", [["db", "current"], ["doctor"], ["run"]])
def test_an_env_file_that_is_not_utf8_names_the_file_and_its_line(
    argv: list[str], clean_settings: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # Saved in Latin-1 by an editor: the é on line 2 is one byte UTF-8 cannot decode.
    (clean_settings / ".env").write_bytes(b"VITALITYBOT_LOG_LEVEL=INFO\n# caf\xe9\n")
    assert main(argv) == CONFIGURATION
    line = one_line(capsys.readouterr().err)
    assert line == "error: .env is not UTF-8 text (line 2): save it with the UTF-8 encoding"


def test_a_secret_file_that_is_not_utf8_is_named(
    clean_settings: Path, secrets_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (secrets_dir / "vitalitybot_token").write_bytes(b"\xff\xfet\x00o\x00k\x00")  # UTF-16
    assert main(["db", "current"]) == CONFIGURATION
    line = one_line(capsys.readouterr().err)
    assert f"secret file {secrets_dir / 'vitalitybot_token'} is not UTF-8 text (line 1)" in line


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads a file whatever its mode")
def test_a_secret_file_this_user_may_not_read_is_named(
    clean_settings: Path, secrets_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # Compose mounts a secret with the host file's owner and mode: 0600 root, say.
    secret = secrets_dir / "vitalitybot_token"
    secret.write_text("token", encoding="utf-8")
    secret.chmod(0)
    assert main(["db", "current"]) == CONFIGURATION
    line = one_line(capsys.readouterr().err)
    assert f"cannot read a setting from {secret}: Permission denied" in line
    assert "check its owner and mode" in line


@pytest.mark.parametrize("argv", [["patterns", "check"], ["run"], ["invite-url"]])
def test_the_log_level_is_checked_alike_by_every_command(
    argv: list[str],
    clean_settings: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("VITALITYBOT_LOG_LEVEL", "LOUD")
    assert main(argv) == CONFIGURATION
    line = one_line(capsys.readouterr().err)
    assert "VITALITYBOT_LOG_LEVEL is 'LOUD'" in line and "'DEBUG'" in line


def test_the_log_level_takes_any_case(
    clean_settings: Path,
    patterns_dir: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("VITALITYBOT_LOG_LEVEL", " debug")
    assert main(["patterns", "check", str(patterns_dir)]) == 0
    assert capsys.readouterr().err == ""


def test_under_log_json_the_line_is_one_json_object(
    clean_settings: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("VITALITYBOT_HEALTH_PORT", "abc")
    for argv in (["--log-json", "db", "current"], ["db", "current"]):
        if argv[0] != "--log-json":
            monkeypatch.setenv("VITALITYBOT_LOG_JSON", "true")
        assert main(argv) == CONFIGURATION
        record = json.loads(one_line(capsys.readouterr().err))
        assert record["level"] == "ERROR" and record["exit_code"] == CONFIGURATION
        assert "VITALITYBOT_HEALTH_PORT" in record["message"]


def test_run_refuses_a_missing_token_as_a_configuration_error(
    clean_settings: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["run"]) == CONFIGURATION
    assert "VITALITYBOT_TOKEN" in one_line(capsys.readouterr().err)


@pytest.mark.parametrize(
    ("setting", "value", "said"),
    [
        ("VITALITYBOT_PATTERNS_DIR", "{tmp}/nowhere", "/nowhere, which does not exist"),
        ("VITALITYBOT_PATTERNS_DIR", "{tmp}/empty", "holds no pattern files"),
        ("VITALITYBOT_TEMPLATES_DIR", "{tmp}/nowhere", "/nowhere, which is not a folder"),
        ("VITALITYBOT_DATABASE_URL", "sqlite:///{tmp}/bot.db", "sqlite+aiosqlite://"),
        ("VITALITYBOT_DATABASE_URL", "postgresql://bot:pw@localhost/bot", "postgresql+asyncpg://"),
    ],
)
def test_run_refuses_settings_it_cannot_work_with_before_connecting(
    setting: str,
    value: str,
    said: str,
    clean_settings: Path,
    tmp_path: Path,
    bot_token: str,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    (tmp_path / "empty").mkdir()
    monkeypatch.setenv("VITALITYBOT_TOKEN", bot_token)
    monkeypatch.setenv(setting, value.format(tmp=tmp_path))
    assert main(["run"]) == CONFIGURATION
    line = one_line(capsys.readouterr().err)
    assert setting in line and said in line
    assert not list(clean_settings.glob("*.sqlite3"))  # nothing was opened


def test_patterns_check_names_the_setting_when_its_folder_is_missing(
    clean_settings: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("VITALITYBOT_PATTERNS_DIR", str(tmp_path / "nowhere"))
    assert main(["patterns", "check"]) == CONFIGURATION
    line = one_line(capsys.readouterr().err)
    assert f"VITALITYBOT_PATTERNS_DIR is {tmp_path / 'nowhere'}, which does not exist" in line


def test_a_missing_driver_says_what_to_install(
    clean_settings: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setitem(sys.modules, "asyncpg", None)  # as if it were not installed
    url = "postgresql+asyncpg://bot:secret-pw@localhost/bot"
    assert main(["db", "upgrade", "--url", url]) == USAGE
    line = one_line(capsys.readouterr().err)
    assert "pip install 'vitalitybot[postgres]'" in line
    assert "secret-pw" not in line and "bot:***@localhost" in line


def test_a_corrupt_database_at_start_is_a_database_error(
    clean_settings: Path,
    corrupt_db: Path,
    bot_token: str,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("VITALITYBOT_TOKEN", bot_token)
    monkeypatch.setenv("VITALITYBOT_DATABASE_URL", f"sqlite+aiosqlite:///{corrupt_db}")
    assert main(["run"]) == DATABASE
    # The start-up log lines (INFO, the settings' level) come first; the error is last.
    line = capsys.readouterr().err.splitlines()[-1]
    assert line.startswith("error: cannot use the database")
    assert "VITALITYBOT_DATABASE_URL" in line and f"{corrupt_db} is damaged" in line


def test_a_read_only_database_is_a_database_error(
    clean_settings: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "bot.sqlite3"
    sqlite3.connect(path).close()
    read_only = f"sqlite+aiosqlite:///file:{path}?mode=ro&uri=true"
    assert main(["db", "upgrade", "--url", read_only]) == DATABASE
    line = one_line(capsys.readouterr().err)
    assert "(--url)" in line and "readonly database" in line


def test_a_refused_connection_hides_the_password(
    clean_settings: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    pytest.importorskip("asyncpg")
    # Port 1 on the loopback: nothing listens there, so the connection is refused.
    url = "postgresql+asyncpg://bot:s3cret-pw@127.0.0.1:1/bot"
    monkeypatch.setenv("VITALITYBOT_DATABASE_URL", url)
    assert main(["db", "upgrade"]) == DATABASE
    line = one_line(capsys.readouterr().err)
    assert "VITALITYBOT_DATABASE_URL" in line and "bot:***@127.0.0.1:1" in line
    assert "s3cret-pw" not in line and "is the database server running" in line


def test_an_unknown_revision_is_a_usage_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "bot.sqlite3"
    assert (
        main(["db", "upgrade", "--url", f"sqlite+aiosqlite:///{path}", "--revision", "9999"]) == 2
    )
    line = one_line(capsys.readouterr().err)
    assert "--revision 9999" in line and "head" in line
    assert not path.exists()


def test_a_backup_into_a_missing_folder_is_a_file_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'bot.sqlite3'}"
    assert main(["db", "upgrade", "--url", url]) == 0
    capsys.readouterr()
    target = tmp_path / "no-such-folder" / "copy.sqlite3"
    assert main(["db", "backup", str(target), "--url", url]) == FILE
    assert f"{target.parent}: no such folder" in one_line(capsys.readouterr().err)


def test_keep_db_where_nothing_can_be_written_is_a_file_error(
    tmp_path: Path, clean_settings: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    in_the_way = tmp_path / "a-file"
    in_the_way.write_text("not a folder")
    target = in_the_way / "sim.sqlite3"
    assert main(["simulate", "--months", "1", "--keep-db", str(target)]) == FILE
    captured = capsys.readouterr()
    assert f"--keep-db {target}" in one_line(captured.err) and captured.out == ""


def test_an_unwritable_output_file_is_a_file_error_naming_it(
    tmp_path: Path, clean_settings: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    in_the_way = tmp_path / "a-file"
    in_the_way.write_text("not a folder")
    chart = in_the_way / "chart.png"
    assert main(["simulate", "--months", "1", "--quiet", "--chart", str(chart)]) == FILE
    assert str(in_the_way) in one_line(capsys.readouterr().err)


def test_verbose_adds_the_traceback_before_the_line(
    clean_settings: Path, corrupt_db: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["-v", "db", "upgrade", "--url", f"sqlite+aiosqlite:///{corrupt_db}"]) == DATABASE
    err = capsys.readouterr().err
    assert "Traceback" in err
    assert err.splitlines()[-1].startswith("error: cannot use the database")


def test_ctrl_c_in_simulate_leaves_nothing_half_written(tmp_path: Path) -> None:
    kept = tmp_path / "sim.sqlite3"
    env = {k: v for k, v in os.environ.items() if not k.startswith("VITALITYBOT_")}
    argv = ["simulate", "--months", "60", "--members", "300", "--quiet", "--keep-db", str(kept)]
    process = subprocess.Popen(
        [sys.executable, "-m", "vitalitybot", *argv, "--chart", str(tmp_path / "chart.png")],
        cwd=tmp_path,
        env={**env, "PYTHONUNBUFFERED": "1"},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert process.stdout is not None
    first = process.stdout.readline()  # the simulation is under way, its database open
    assert first, process.stderr.read() if process.stderr else ""
    process.send_signal(signal.SIGINT)
    _, err = process.communicate()
    assert process.returncode == INTERRUPTED
    assert one_line(err) == "error: interrupted"
    assert not kept.exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == []
