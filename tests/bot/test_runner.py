"""``vitalitybot run`` as a real process: it connects, survives being killed, and a restarted
process still handles the buttons of a round posted before."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import pytest

from loopback import Guild, LoopbackDiscord
from vitalitybot.bot import runner
from vitalitybot.bot.runner import build_app
from vitalitybot.cli import main
from vitalitybot.cli.preflight import startup_library

from .conftest import MakeSettings
from .support import adopt, answer_survey, coordinator_of, open_round, reply, set_up

STARTUP_TIMEOUT = 30.0


def bot_env(server: LoopbackDiscord, tmp_path: Path, patterns_dir: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("VITALITYBOT_")}
    env.update(
        VITALITYBOT_TOKEN=server.token,
        VITALITYBOT_DATABASE_URL=f"sqlite+aiosqlite:///{tmp_path / 'vitalitybot.sqlite3'}",
        VITALITYBOT_DISCORD_API_URL=server.api_url,
        VITALITYBOT_DISCORD_GATEWAY_URL=server.gateway_url,
        VITALITYBOT_PATTERNS_DIR=str(patterns_dir),
        VITALITYBOT_LOG_LEVEL="INFO",
    )
    return env


@asynccontextmanager
async def bot_process(
    server: LoopbackDiscord, env: dict[str, str], log: Path, *, identifies: int
) -> AsyncIterator[asyncio.subprocess.Process]:
    """``python -m vitalitybot run`` until the block ends (the block may kill it first)."""
    with log.open("w") as output:
        process = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "vitalitybot",
            "run",
            cwd=log.parent,
            env=env,
            stdout=output,
            stderr=asyncio.subprocess.STDOUT,
        )
    try:
        gateway = server.gateway
        await server.wait_until(
            lambda: (
                True if gateway.identifies >= identifies and gateway.live_connections() else None
            ),
            lambda: f"the bot process to connect\n{log.read_text()}",
            timeout=STARTUP_TIMEOUT,
        )
        yield process
    finally:
        if process.returncode is None:
            process.kill()
            await process.wait()


async def test_a_restarted_process_handles_the_buttons_of_a_round_posted_before(
    loopback_server: LoopbackDiscord,
    loopback_guild: Guild,
    tmp_path: Path,
    shipped_patterns_dir: Path,
) -> None:
    coordinator = coordinator_of(loopback_guild)
    ana = loopback_guild.add_member("ana")
    env = bot_env(loopback_server, tmp_path, shipped_patterns_dir)
    first_log, second_log = tmp_path / "first.log", tmp_path / "second.log"

    async with bot_process(loopback_server, env, first_log, identifies=1) as first:
        await set_up(coordinator)
        await adopt(coordinator)
        post = await open_round(coordinator, "survey")
        first.kill()  # no goodbye: the socket just dies
        await first.wait()

    async with bot_process(loopback_server, env, second_log, identifies=2) as second:
        done = await answer_survey(ana, post, lambda _: 4)
        status = await reply(await coordinator.invoke("vitality status"))
        # A process that runs one bot for its life takes its start-up out of the
        # collector's walks once its schedules are armed (bot/heap.py).
        await loopback_server.wait_until(
            lambda: True if "frozen out of garbage collection" in second_log.read_text() else None,
            "the start-up to settle the heap",
        )
        second.send_signal(signal.SIGTERM)
        assert await asyncio.wait_for(second.wait(), STARTUP_TIMEOUT) == 0

    assert done.content.startswith("Thank you")
    assert "1 member answered so far" in "".join(
        field["value"] for embed in status.embeds for field in embed.get("fields", [])
    )
    logs = first_log.read_text() + second_log.read_text()
    assert "shutting down" in second_log.read_text()
    assert loopback_server.token not in logs


def test_run_without_a_token_explains_where_to_put_it(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    for name in list(os.environ):
        if name.startswith("VITALITYBOT_"):
            monkeypatch.delenv(name)
    monkeypatch.chdir(tmp_path)  # no .env here

    assert main(["run"]) == 3
    assert "VITALITYBOT_TOKEN" in capsys.readouterr().err


async def test_a_start_reads_the_pattern_folder_once(
    make_settings: MakeSettings, monkeypatch: pytest.MonkeyPatch
) -> None:
    # `run`'s start-up checks load the library; the app must run on that one, not load
    # the folder again (a cold load of a large library is the slowest part of a start).
    settings = make_settings()
    library = startup_library(settings)
    loads: list[Path] = []
    monkeypatch.setattr(runner, "load_library", lambda folder, *_: loads.append(folder))

    app = await build_app(settings, library=library)
    try:
        assert app.library is library and library.patterns
        assert loads == []
    finally:
        await app.aclose()
