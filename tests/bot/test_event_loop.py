"""``vitalitybot run`` serves on uvloop where it is installed (the ``fast`` extra), and on
asyncio's loop when told to or when uvloop is missing."""

from __future__ import annotations

import asyncio
import logging
import sys

import pytest
from pydantic import ValidationError

from vitalitybot.bot.event_loop import loop_name, run_on
from vitalitybot.config import Settings


async def which_loop() -> str:
    await asyncio.sleep(0)
    return loop_name()


def test_uvloop_is_the_default_and_serves_the_coroutine_to_its_end() -> None:
    assert Settings(_env_file=None).event_loop == "uvloop"  # type: ignore[call-arg]
    pytest.importorskip("uvloop", reason="uvloop is an optional extra (fast)")
    assert run_on("uvloop", which_loop()) == "uvloop"


def test_asyncio_s_own_loop_when_the_setting_asks_for_it(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("VITALITYBOT_EVENT_LOOP", "asyncio")
    settings = Settings(_env_file=None)  # type: ignore[call-arg]
    assert run_on(settings.event_loop, which_loop()) == "asyncio"


def test_without_uvloop_installed_the_bot_still_runs_and_says_on_which_loop(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setitem(sys.modules, "uvloop", None)  # as on Windows: the import fails
    caplog.set_level(logging.INFO, logger="vitalitybot.bot.event_loop")
    assert run_on("uvloop", which_loop()) == "asyncio"
    assert "uvloop is not installed here" in caplog.text


def test_an_unknown_loop_is_refused_with_the_choices(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("VITALITYBOT_EVENT_LOOP", "trio")
    with pytest.raises(ValidationError, match="uvloop"):
        Settings(_env_file=None)  # type: ignore[call-arg]
