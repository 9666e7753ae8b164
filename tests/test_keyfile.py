"""The bot key: a 0600 file made on first start and reused, or VITALITYBOT_SECRET_KEY."""

from __future__ import annotations

import base64
import logging
import os
import stat
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from vitalitybot.cli import main
from vitalitybot.config import Settings
from vitalitybot.keyfile import (
    KEY_FILE,
    BotKeyError,
    load_bot_key,
    read_or_create,
    redactable,
)

KEY = bytes(range(100, 132))


def settings(state_dir: Path, **values: object) -> Settings:
    return Settings(_env_file=None, state_dir=state_dir, **values)  # type: ignore[arg-type]


@pytest.fixture
def open_umask() -> Iterator[None]:
    """A umask that hides nothing, so only the bot's own care keeps the file private."""
    previous = os.umask(0)
    try:
        yield
    finally:
        os.umask(previous)


@pytest.mark.skipif(os.name != "posix", reason="file modes are POSIX")
def test_the_key_file_is_made_0600_on_first_start_and_reused_after(
    tmp_path: Path, open_umask: None
) -> None:
    state = tmp_path / "state"
    first = load_bot_key(settings(state))
    path = state / KEY_FILE
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert len(first) == 32 and path.read_text().strip() == first.hex()
    assert load_bot_key(settings(state)) == first  # the next start
    assert [p.name for p in state.iterdir()] == [KEY_FILE]  # nothing half-written left


def test_processes_starting_together_end_up_with_one_key(tmp_path: Path) -> None:
    path = tmp_path / KEY_FILE
    found: list[bytes] = []
    threads = [
        threading.Thread(target=lambda: found.append(read_or_create(path))) for _ in range(8)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(found) == 8 and len(set(found)) == 1


@pytest.mark.parametrize(
    "written", [KEY.hex(), KEY.hex().upper(), base64.urlsafe_b64encode(KEY).decode()]
)
def test_the_variable_wins_over_the_key_file(tmp_path: Path, written: str) -> None:
    load_bot_key(settings(tmp_path))  # a key file exists
    assert load_bot_key(settings(tmp_path, secret_key=f" {written}\n")) == KEY


@pytest.mark.parametrize("value", ["", "00" * 31, "not a key!", "zz" * 20])
def test_a_bad_variable_is_one_line_naming_it_and_the_file_is_not_made(
    tmp_path: Path, value: str
) -> None:
    with pytest.raises(BotKeyError) as refused:
        load_bot_key(settings(tmp_path, secret_key=value))
    message = str(refused.value)
    assert "VITALITYBOT_SECRET_KEY" in message and "\n" not in message
    assert value not in message or not value  # the value itself is never echoed
    assert not (tmp_path / KEY_FILE).exists()


def test_a_damaged_key_file_is_refused_rather_than_replaced(tmp_path: Path) -> None:
    path = tmp_path / KEY_FILE
    path.write_text("half a key\n")
    with pytest.raises(BotKeyError, match=str(path)):
        load_bot_key(settings(tmp_path))
    assert path.read_text() == "half a key\n"


@pytest.mark.skipif(os.name != "posix", reason="file modes are POSIX")
def test_a_key_file_others_can_read_is_warned_about(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    path = tmp_path / KEY_FILE
    path.write_text(KEY.hex())
    path.chmod(0o644)
    with caplog.at_level(logging.WARNING, logger="vitalitybot.keyfile"):
        assert load_bot_key(settings(tmp_path)) == KEY
    assert f"chmod 600 {path}" in caplog.text


def test_run_refuses_a_bad_key_with_one_line(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("VITALITYBOT_TOKEN", "a-token-never-used")
    monkeypatch.setenv("VITALITYBOT_SECRET_KEY", "too-short")
    assert main(["run"]) == 3  # a setting that cannot work
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "VITALITYBOT_SECRET_KEY" in err


def test_the_log_redactor_knows_the_key_in_every_form_it_is_written(tmp_path: Path) -> None:
    assert redactable(settings(tmp_path)) == []  # no file yet, and none is made
    assert not (tmp_path / KEY_FILE).exists()
    written = base64.urlsafe_b64encode(KEY).decode()
    assert set(redactable(settings(tmp_path, secret_key=written))) == {written, KEY.hex()}
    key = load_bot_key(settings(tmp_path))
    assert redactable(settings(tmp_path)) == [key.hex(), key.hex()]
