"""``vitalitybot run`` with the health listener on, in a short rehearsal: /healthz says ok,
/metrics counts what happened (a scheduled round, answers, a suggestion, a refused request,
the scheduler's lag), the Docker probe agrees, and log lines carry the community id."""

from __future__ import annotations

import asyncio
import json
import math
import signal
import socket
import sqlite3
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

import aiohttp
from prometheus_client.parser import text_string_to_metric_families

from loopback import Guild, LoopbackDiscord
from vitalitybot.patterns import load_library
from vitalitybot.scheduling.clock import ManualClock
from vitalitybot.services import set_schedule

from .deployment import (
    offline_services,
    run_env,
    set_up_communities,
    start_run,
    stop,
    wait_for_line,
)
from .support import COP, answer_survey, coordinator_of, reply

# Monday 2 March 2026: the survey is due at 06:00 UTC, half an hour after the rehearsal starts.
START = datetime(2026, 3, 2, 5, 30, tzinfo=UTC)
SPEED = 3600.0  # a simulated hour per second: the survey opens half a second after the epoch
STARTUP_MARGIN = 10.0  # seconds for the process to be ready before simulated time reaches START
EXIT_TIMEOUT = 30.0
MESSAGES = "POST /channels/{channel_id}/messages"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def rating_order(database: Path, round_id: int) -> list[tuple[str, str | None]]:
    """(kind, sign id) of the round's rating questions, in the order the survey asks them."""
    connection = sqlite3.connect(database)
    try:
        return connection.execute(
            "SELECT kind, sign_id FROM questions WHERE round_id = ? AND kind != 'prompt' "
            "ORDER BY position",
            (round_id,),
        ).fetchall()
    finally:
        connection.close()


async def test_health_metrics_and_tagged_logs_of_a_rehearsed_scheduled_round(
    loopback_server: LoopbackDiscord,
    loopback_guild: Guild,
    tmp_path: Path,
    shipped_patterns_dir: Path,
) -> None:
    database = tmp_path / "vitalitybot.sqlite3"
    url = f"sqlite+aiosqlite:///{database}"
    async with offline_services(url, shipped_patterns_dir, ManualClock(START)) as svc:
        (community,) = await set_up_communities(svc, [loopback_guild], COP)
        await set_schedule(svc, community.id, "survey", "monthly", "2", "06:00", 3)
        await set_schedule(svc, community.id, "checkin", "monthly", "20", "10:00", 3)
    remedied = {r.sign_id for r in load_library(shipped_patterns_dir).patterns[COP].remedies}
    coordinator = coordinator_of(loopback_guild)
    members = [loopback_guild.add_member(name) for name in ("ana", "ben", "cai")]
    port = free_port()
    env = run_env(loopback_server, url, shipped_patterns_dir) | {
        "VITALITYBOT_HEALTH_PORT": str(port)
    }
    log = tmp_path / "bot.log"
    rehearsal = ("--rehearse-from", START.isoformat(), "--speed", str(SPEED))
    epoch = ("--rehearse-epoch", str(time.time() + STARTUP_MARGIN))
    # The scheduled post is refused once (a rate limit): discord.py waits and retries it.
    loopback_server.rate_limit_next(MESSAGES, retry_after=0.05)

    process = await start_run(env, log, *rehearsal, *epoch, before=("--log-json",))
    try:
        await wait_for_line(
            loopback_server, log, lambda line: "schedules armed" in line, "the bot", process
        )
        async with aiohttp.ClientSession() as http:
            async with http.get(f"http://127.0.0.1:{port}/healthz") as response:
                health = (response.status, await response.json())
            post = await loopback_guild.general.wait_for_message(
                lambda m: any(c.startswith("vb:answer:") for c in m.custom_ids()),
                timeout=STARTUP_MARGIN + 20,
            )
            round_id = int(next(c for c in post.custom_ids() if c.startswith("vb:answer:"))[10:])
            order = rating_order(database, round_id)
            target = next(
                i for i, (k, sign) in enumerate(order) if k == "decay" and sign in remedied
            )
            for member in members:
                await answer_survey(member, post, lambda i: 5 if i == target else 1)
            await reply(await coordinator.invoke("vitality close"))
            await loopback_server.wait_until(
                lambda: True if loopback_server.gateway.heartbeats >= 2 else None, "heartbeats"
            )
            async with http.get(f"http://127.0.0.1:{port}/metrics") as response:
                exposition = await response.text()
        probe = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "vitalitybot.observability.probe", env=env
        )
        probed = await asyncio.wait_for(probe.wait(), EXIT_TIMEOUT)
        process.send_signal(signal.SIGTERM)
        code = await asyncio.wait_for(process.wait(), EXIT_TIMEOUT)
    finally:
        await stop(process)

    assert health == (
        200,
        {"status": "ok", "checks": {"gateway": "ok", "database": "ok", "scheduler": "ok"}},
    )
    assert probed == 0 and code == 0
    got = {
        (sample.name, tuple(sorted(sample.labels.items()))): sample.value
        for family in text_string_to_metric_families(exposition)
        for sample in family.samples
    }
    assert got[("vitalitybot_rounds_opened_total", ())] == 1.0  # by the scheduler
    assert got[("vitalitybot_rounds_closed_total", ())] == 1.0
    assert got[("vitalitybot_answers_recorded_total", ())] == 3.0 * len(order)
    assert sum(v for (name, _), v in got.items() if name.startswith("vitalitybot_suggestions")) >= 1
    assert got[("vitalitybot_discord_http_errors_total", (("status", "429"),))] == 1.0
    assert got[("vitalitybot_scheduler_job_lag_seconds_count", ())] >= 1.0
    assert got[("vitalitybot_scheduler_lag_seconds", ())] >= 0.0
    assert math.isfinite(got[("vitalitybot_gateway_latency_seconds", ())])

    lines = [json.loads(line) for line in log.read_text().splitlines()]
    refused = [line for line in lines if "rate limited" in line["message"]]
    assert refused and all(line.get("community_id") == 1 for line in refused), refused
    assert any("REHEARSAL" in line["message"] for line in lines)
