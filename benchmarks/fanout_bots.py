"""The bots fanout.py measures, each in a child process of its own.

vitalitybot runs as ``vitalitybot run`` builds it; the loopback sample bot's buttons
answer at once. Discord is not on a bot's machine, so the loopback server stays in
fanout.py's process and each bot runs here, started by ``Child`` as ``python
benchmarks/fanout_bots.py KIND CONFIG``. A bot says it is ready in one JSON line on
stdout and stops on SIGTERM.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import signal
import sys
from datetime import datetime
from pathlib import Path
from typing import Any

from support import say
from tests.loopback import FAST_GUILD_READY, SampleBot

from vitalitybot.bot.event_loop import run_on
from vitalitybot.config import Settings
from vitalitybot.scheduling.clock import AcceleratedClock, Clock, SystemClock

SCRIPT = Path(__file__).resolve()
CHILD_READY_TIMEOUT = 180.0


def child_main(kind: str, config_path: str) -> None:
    config = json.loads(Path(config_path).read_text())
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    settings = Settings(  # type: ignore[call-arg]
        _env_file=None,
        token=config["token"],
        database_url=config["database_url"],
        discord_api_url=config["api_url"],
        discord_gateway_url=config["gateway_url"],
        state_dir=Path(config_path).parent,  # the key file goes with the run's database
    )
    if kind == "sample":
        run_on(settings.event_loop, run_sample_bot(settings))
    else:
        run_on(settings.event_loop, run_vitalitybot(settings, config))


async def serve_until_stopped(running: asyncio.Task[None]) -> None:
    stop = asyncio.Event()
    asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, stop.set)
    stopping = asyncio.create_task(stop.wait())
    await asyncio.wait({running, stopping}, return_when=asyncio.FIRST_COMPLETED)
    if running.done():
        running.result()


async def run_vitalitybot(settings: Settings, config: dict[str, Any]) -> None:
    """The bot as ``vitalitybot run`` builds it."""
    from vitalitybot.bot.endpoints import point_discord_at
    from vitalitybot.bot.runner import build_app

    point_discord_at(settings.discord_api_url, settings.discord_gateway_url)
    clock: Clock = SystemClock()
    if "rehearse_from" in config:
        start = datetime.fromisoformat(config["rehearse_from"])
        clock = AcceleratedClock(start, speed=1.0, epoch=config["epoch"])
    app = await build_app(settings, clock=clock, freeze_heap=True)
    assert settings.token is not None
    try:
        async with app.bot:
            running = asyncio.create_task(app.bot.start(settings.token.get_secret_value()))
            while not app.runner.running:  # the keeper has armed every schedule
                if running.done():
                    running.result()
                    return
                await asyncio.sleep(0.05)
            say({"jobs": len(app.runner.jobs())})
            await serve_until_stopped(running)
    finally:
        await app.aclose()


async def run_sample_bot(settings: Settings) -> None:
    """The loopback sample bot, whose buttons answer without doing anything."""
    from vitalitybot.bot.client import bot_intents
    from vitalitybot.bot.endpoints import point_discord_at

    point_discord_at(settings.discord_api_url, settings.discord_gateway_url)
    bot = SampleBot(intents=bot_intents(), sync=False)  # the intents vitalitybot asks for
    bot._connection.guild_ready_timeout = FAST_GUILD_READY
    assert settings.token is not None
    async with bot:
        running = asyncio.create_task(bot.start(settings.token.get_secret_value()))
        ready = asyncio.create_task(bot.wait_until_ready())
        await asyncio.wait({running, ready}, return_when=asyncio.FIRST_COMPLETED)
        if running.done():
            running.result()
            return
        say({"guilds": len(bot.guilds)})
        await serve_until_stopped(running)


class Child:
    """A bot in a child process: started, awaited until ready, stopped with SIGTERM."""

    def __init__(self, kind: str, config: dict[str, Any], folder: Path) -> None:
        self.kind = kind
        self.config_path = folder / f"{kind}.json"
        self.config_path.write_text(json.dumps(config))
        self.log_path = folder / f"{kind}.log"
        self.process: asyncio.subprocess.Process | None = None

    async def start(self) -> dict[str, Any]:
        with self.log_path.open("w") as log:
            self.process = await asyncio.create_subprocess_exec(
                sys.executable,
                *(str(SCRIPT), self.kind, str(self.config_path)),
                stdout=asyncio.subprocess.PIPE,
                stderr=log,
                cwd=self.config_path.parent,
            )
        assert self.process.stdout is not None
        try:
            line = await asyncio.wait_for(self.process.stdout.readline(), CHILD_READY_TIMEOUT)
        except TimeoutError:
            line = b""
        if not line:
            await self.stop()
            raise RuntimeError(f"the {self.kind} process did not get ready:\n{self.log_tail()}")
        found: dict[str, Any] = json.loads(line)
        return found

    async def stop(self) -> None:
        if self.process is None or self.process.returncode is not None:
            return
        self.process.send_signal(signal.SIGTERM)
        try:
            await asyncio.wait_for(self.process.wait(), 30)
        except TimeoutError:
            self.process.kill()
            await self.process.wait()
        warned = [line for line in self.log_path.read_text().splitlines() if line[:1].isupper()]
        if warned:
            print(f"  {self.kind} process: {len(warned)} log lines, first: {warned[0][:200]}")

    def log_tail(self, lines: int = 30) -> str:
        return "\n".join(self.log_path.read_text().splitlines()[-lines:])


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("kind", choices=("bot", "sample"))
    parser.add_argument("config", help="the run's settings, as JSON")
    args = parser.parse_args()
    child_main(args.kind, args.config)


if __name__ == "__main__":
    main()
