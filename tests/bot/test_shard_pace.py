"""Two shard processes of one bot share Discord's global limit instead of each taking it all.

Discord counts a bot's requests per token, whichever process makes them. Two
`vitalitybot run` processes (``--shard-count 2 --shard-ids 0`` / ``1``) each have many
communities due at the same instant; the loopback server, which refuses nothing here,
counts the requests both send towards the global limit, and in no rolling second do
they add up to more than Discord allows.

Each process keeps its own SQLite file (two processes writing one SQLite file is not a
deployment the bot supports); the shared database of a real deployment changes nothing
about the pace. Both run on a rehearsal clock that reaches the due minute a little
after they have started, so every round falls due at once in both.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from loopback import Guild, LoopbackDiscord
from vitalitybot.scheduling.clock import ManualClock
from vitalitybot.services import set_schedule

from .deployment import (
    guilds_on_shards,
    offline_services,
    run_env,
    set_up_communities,
    start_run,
    stop,
    wait_for_line,
)
from .support import COP

pytestmark = pytest.mark.slow

DISCORD_GLOBAL_LIMIT = 50  # requests a second per bot
PER_SHARD = 60  # communities due at once in each process: two requests each
DUE = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)  # a Monday
LEAD = 20.0  # real seconds from starting the processes to the due minute
WAIT = 90.0
THREADS = "/channels/{channel_id}/messages/{message_id}/threads"


@pytest.fixture
async def server() -> AsyncIterator[LoopbackDiscord]:
    # No limit enforced: the server counts what the bot offers, rather than shaping it.
    async with LoopbackDiscord(global_rate_limit=None, timeout=WAIT) as made:
        yield made


async def set_up_shard(database_url: str, patterns_dir: Path, guilds: list[Guild]) -> None:
    """Communities whose weekly survey falls due at ``DUE``, as earlier runs would have left."""
    async with offline_services(database_url, patterns_dir, ManualClock(DUE)) as svc:
        for community in await set_up_communities(svc, guilds, COP):
            await set_schedule(svc, community.id, "checkin", "monthly", enabled=False)
            await set_schedule(
                svc, community.id, "survey", "weekly", f"{DUE:%A}".lower(), f"{DUE:%H:%M}", 1
            )


def posted_in(server: LoopbackDiscord, guilds: list[Guild]) -> list[float]:
    """When each thread of a round post in these guilds' channels arrived."""
    channels = {str(g.general.id) for g in guilds}
    return [
        r.received_at
        for r in server.requests_to("POST", THREADS)
        if r.path.split("/")[-4] in channels and r.status < 300
    ]


async def test_two_shard_processes_together_stay_under_the_bot_s_global_limit(
    server: LoopbackDiscord, tmp_path: Path, shipped_patterns_dir: Path
) -> None:
    by_shard = guilds_on_shards(server, 2, per_shard=PER_SHARD)
    urls = {shard: f"sqlite+aiosqlite:///{tmp_path / f'shard-{shard}.sqlite3'}" for shard in (0, 1)}
    for shard, guilds in by_shard.items():
        await set_up_shard(urls[shard], shipped_patterns_dir, guilds)

    epoch = time.time()
    start = DUE - timedelta(seconds=LEAD)  # speed 1: real time, reaching DUE after LEAD s
    rehearsal = ("--rehearse-from", start.isoformat(), "--rehearse-epoch", repr(epoch))
    logs = {shard: tmp_path / f"shard-{shard}.log" for shard in (0, 1)}
    processes = {
        shard: await start_run(
            run_env(server, urls[shard], shipped_patterns_dir),
            logs[shard],
            *("--shard-count", "2", "--shard-ids", str(shard), *rehearsal),
        )
        for shard in (0, 1)
    }
    try:
        for shard, process in processes.items():
            await wait_for_line(
                server, logs[shard], lambda line: "schedules armed" in line, "ready", process
            )
        assert time.time() < epoch + LEAD, "both processes were armed before the rounds fell due"
        total = sum(len(guilds) for guilds in by_shard.values())
        await server.wait_until(
            lambda: True if len(posted_in(server, by_shard[0] + by_shard[1])) >= total else None,
            f"all {total} rounds to be posted with their threads",
        )
    finally:
        await asyncio.gather(*(stop(process) for process in processes.values()))

    zero, one = (sorted(posted_in(server, by_shard[shard])) for shard in (0, 1))
    assert len(zero) == len(by_shard[0]) and len(one) == len(by_shard[1])
    assert zero[0] < one[-1] and one[0] < zero[-1], "the two processes posted at the same time"
    busiest = server.busiest_second()
    assert 0 < busiest <= DISCORD_GLOBAL_LIMIT, f"{busiest} requests in one second"
