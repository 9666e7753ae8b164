"""Two `vitalitybot run` processes, one PostgreSQL database, one Discord: a month in seconds.

200 communities in 200 guilds spread over two shards; process A runs shard 0, process B
shard 1 (``--shard-count 2 --shard-ids 0`` / ``1``). Both rehearse March 2026 at a day per
second (``--rehearse-from``, same start, speed and epoch, so they share one simulated
time). Every community has a monthly survey (opening on days 1-9, open a day) and a
monthly check-in (days 21-28, a day); one survey in a shard-1 guild, the target, opens
on day 2 and stays open until day 29.

Three members answer the target through Discord (their clicks reach B, the process of
that shard). Once B is done with its other surveys (posted, closed, results posted), it
is killed with SIGKILL, mid-round for the target, and restarted at once with the same
shards and clock, well before its check-ins are due; a day of downtime is a second here,
and a restarted bot rightly does not open rounds that fell due days ago. Three more
members answer the target. At the end of March:

* every round is posted exactly once (one opening post per round at the Discord server)
  and closed exactly once (one results or harvest delivery), none missed: each fire
  time of each schedule in March has its round, and only those;
* each process opened rounds for its own shard's guilds only;
* the killed-and-restarted survey has all six answers.

Runs on PostgreSQL only (``VITALITYBOT_TEST_POSTGRES_URL``; ``.ci/run`` starts a server):
two processes writing one SQLite file is not a deployment the bot supports.
"""

from __future__ import annotations

import asyncio
import os
import re
import signal
import time
from collections import Counter
from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, TypeVar

import pytest
from sqlalchemy import text

from db_support import POSTGRES_SKIP_REASON, POSTGRES_URL_ENV, postgres_database
from loopback import Guild, LoopbackDiscord
from vitalitybot.scheduling.cadence import fire_times_between, period_key
from vitalitybot.scheduling.clock import AcceleratedClock, ManualClock
from vitalitybot.services import set_schedule
from vitalitybot.services.app import spec_of
from vitalitybot.services.shards import shard_of
from vitalitybot.storage import Database, Repositories, open_database

from .deployment import (
    offline_services,
    run_env,
    set_up_communities,
    start_run,
    stop,
    tail,
    wait_for_line,
)
from .support import COP, answer_survey

pytestmark = pytest.mark.slow
T = TypeVar("T")

GUILDS = 200
START = datetime(2026, 3, 1, tzinfo=UTC)
MONTH_END = datetime(2026, 4, 1, tzinfo=UTC)
# Half a simulated day per second: the month's posts then fit Discord's global limit,
# which the two processes share (each posts at its shards' half of the bot's pace). At a
# day per second the last week's check-ins needed more than the limit allows, and runs
# fell behind the clock.
SPEED = 43200.0
STARTUP_MARGIN = 12.0  # real seconds for both processes to be ready before day 1 begins
WAIT = 60.0  # real seconds any one wait may take before the test fails
EXIT_TIMEOUT = 30.0
OPENED = re.compile(r"community (\d+): opened (survey|checkin) ")


def day(n: int, hour: int = 0, minute: int = 0) -> datetime:
    return START + timedelta(days=n - 1, hours=hour, minutes=minute)


@pytest.fixture
async def database_url() -> AsyncIterator[str]:
    admin_url = os.environ.get(POSTGRES_URL_ENV)
    if not admin_url:
        pytest.skip(POSTGRES_SKIP_REASON)
    async with postgres_database(admin_url) as url:
        yield url


@pytest.fixture
async def server() -> AsyncIterator[LoopbackDiscord]:
    # No global rate limit: each process paces its own posts at 40 a second, together more
    # than Discord's 50 a second for one bot; how a deployment shares that limit is not
    # what this test is about (discord.py would wait out the 429s, only slower).
    async with LoopbackDiscord(global_rate_limit=None, timeout=WAIT) as made:
        yield made


def make_guilds(server: LoopbackDiscord, count: int) -> list[Guild]:
    """Guilds a millisecond apart: their snowflakes' timestamps, hence shards, vary."""
    guilds = []
    for number in range(count):
        guilds.append(server.add_guild(f"CoP {number + 1}"))
        time.sleep(0.001)
    return guilds


async def rows(db: Database, sql: str, **params: Any) -> list[Any]:
    async with db.session() as session:
        return list((await session.execute(text(sql), params)).all())


async def until(
    probe: Callable[[], Awaitable[T | None]],
    what: str,
    timeout: float = WAIT,  # noqa: ASYNC109
) -> T:
    """Poll ``probe`` until it returns something, every 0.2 s; fail after ``timeout``."""
    deadline = time.monotonic() + timeout
    while (found := await probe()) is None:
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        await asyncio.sleep(0.2)
    return found


async def test_two_shard_processes_run_a_month_once_each_and_a_killed_one_loses_no_answer(
    server: LoopbackDiscord, database_url: str, tmp_path: Path, shipped_patterns_dir: Path
) -> None:
    guilds = make_guilds(server, GUILDS)
    shards = Counter(shard_of(g.id, 2) for g in guilds)
    assert min(shards.values()) >= GUILDS // 4, f"guilds spread over both shards: {shards}"
    target = next(g for g in guilds if shard_of(g.id, 2) == 1)
    async with offline_services(database_url, shipped_patterns_dir, ManualClock(day(0))) as svc:
        communities = await set_up_communities(svc, guilds, COP, timezone="UTC")
        for number, (guild, community) in enumerate(zip(guilds, communities, strict=True)):
            # spread over the days and the hours
            at = f"{(6 + number * 7) % 24:02d}:{(number * 13) % 60:02d}"
            survey = ("2", "06:00", 27) if guild is target else (str(1 + number % 9), at, 1)
            await set_schedule(svc, community.id, "survey", "monthly", *survey)
            await set_schedule(svc, community.id, "checkin", "monthly", str(21 + number % 8), at, 1)

    env = run_env(server, database_url, shipped_patterns_dir)
    epoch = time.time() + STARTUP_MARGIN
    clock = AcceleratedClock(START, speed=SPEED, epoch=epoch)  # what both processes read
    rehearsal = ("--rehearse-from", START.isoformat(), "--speed", str(SPEED))
    rehearsal += ("--rehearse-epoch", repr(epoch))
    logs = {name: tmp_path / f"{name}.log" for name in ("a", "b", "b-again")}

    def run(shard: int, log: Path) -> Any:
        return start_run(env, log, "--shard-count", "2", "--shard-ids", str(shard), *rehearsal)

    db = open_database(database_url)
    a = await run(0, logs["a"])
    b = await run(1, logs["b"])
    try:
        for process, log in ((a, logs["a"]), (b, logs["b"])):
            await wait_for_line(
                server, log, lambda line: "schedules armed" in line, "ready", process
            )
        assert clock.now() < day(1, 6), "both processes were ready before the first run"

        # Day 2: the target's survey opens on B; three members answer it through Discord.
        post = await target.general.wait_for_message(
            lambda m: any(c.startswith("vb:answer:") for c in m.custom_ids()), timeout=WAIT
        )
        round_id = int(next(c for c in post.custom_ids() if c.startswith("vb:answer:"))[10:])
        members = [target.add_member(f"member {n}") for n in range(6)]
        for member in members[:3]:
            await answer_survey(member, post, lambda _: 4)

        # Once B is done with every other survey (posted, closed, its results posted), and
        # so has nothing in progress: SIGKILL, then the same command again.
        shard_one = {g.id for g in guilds if shard_of(g.id, 2) == 1}

        async def b_is_idle() -> bool | None:
            found = await rows(
                db,
                "SELECT c.guild_id, r.id, r.status, r.message_id, "
                "(SELECT count(*) FROM deliveries d WHERE d.round_id = r.id "
                "AND d.kind = 'results' AND d.status = 'sent') "
                "FROM rounds r JOIN communities c ON c.id = r.community_id "
                "WHERE r.kind = 'survey'",
            )
            mine = [(r, status, m, done) for g, r, status, m, done in found if g in shard_one]
            settled = all(
                m is not None and (r == round_id or (status == "closed" and done == 1))
                for r, status, m, done in mine
            )
            return True if len(mine) == len(shard_one) and settled else None

        await until(b_is_idle, "B to be done with its other surveys")
        b.send_signal(signal.SIGKILL)
        assert await asyncio.wait_for(b.wait(), EXIT_TIMEOUT) == -signal.SIGKILL
        b = await run(1, logs["b-again"])
        await wait_for_line(
            server, logs["b-again"], lambda line: "schedules armed" in line, "B again", b
        )
        assert clock.now() < day(21), "B is back before its check-ins are due"
        for member in members[3:]:
            done = await answer_survey(member, post, lambda _: 2)
            assert done.content.startswith("Thank you"), done.content

        async def march_done() -> bool | None:
            if clock.now() < day(30):  # the last rounds close on day 29
                return None
            still = await rows(
                db, "SELECT count(*) FROM rounds WHERE status = 'open' AND period < '2026-04'"
            )
            return True if still[0][0] == 0 else None

        await until(march_done, "the end of March with every round closed")
        for process in (a, b):
            process.send_signal(signal.SIGTERM)
        exits = [await asyncio.wait_for(p.wait(), EXIT_TIMEOUT) for p in (a, b)]

        communities = dict(await rows(db, "SELECT id, guild_id FROM communities"))
        rounds = await rows(  # April's first rounds may open while the processes stop
            db,
            "SELECT id, community_id, kind, period, status FROM rounds WHERE period < '2026-04'",
        )
        async with db.transaction() as session:
            stored = await Repositories(session).schedules.list_enabled()
        closings = Counter(
            round_id
            for (round_id,) in await rows(
                db,
                "SELECT round_id FROM deliveries WHERE kind IN ('results', 'harvest') "
                "AND status = 'sent'",
            )
        )
        april = await rows(db, "SELECT id FROM rounds WHERE period >= '2026-04'")
        placed = dict(
            await rows(db, "SELECT message_id, id FROM rounds WHERE message_id IS NOT NULL")
        )
        answers = await rows(
            db,
            "SELECT (SELECT count(*) FROM answers WHERE round_id = :r), "
            "(SELECT count(*) FROM respondents WHERE round_id = :r AND status = 'answered'), "
            "(SELECT count(*) FROM questions WHERE round_id = :r AND kind != 'prompt')",
            r=round_id,
        )
    finally:
        for process in (a, b):
            await stop(process)
        await db.dispose()

    assert exits == [0, 0], tail(logs["a"]) + tail(logs["b-again"])
    assert len(stored) == 2 * GUILDS

    # None missed, none doubled: the rounds are exactly the fire times of March.
    expected = Counter()
    for schedule in stored:
        spec = spec_of(schedule, "UTC")
        for fire in fire_times_between(spec, START - timedelta(seconds=1), MONTH_END):  # March
            expected[(schedule.community_id, schedule.kind, period_key(spec, fire))] += 1
    actual = Counter((community, kind, period) for _, community, kind, period, *_ in rounds)
    assert actual == expected
    assert len(rounds) == 2 * GUILDS
    assert {status for *_, status in rounds} == {"closed"}

    # Posted exactly once each, at the Discord server; closed exactly once each.
    # A closed round's post lost its buttons at close, so it is known by the id stored for
    # the round; any second copy would still carry the round's buttons.
    posts = Counter()
    for message in server.state.messages.values():
        if message.author.id != server.bot.id:
            continue
        if message.id in placed:
            posts[placed[message.id]] += 1
            continue
        for custom in message.custom_ids():
            found = re.fullmatch(r"vb:(?:answer|reflect):(\d+)", custom)
            if found:
                posts[int(found.group(1))] += 1
    march = {round_id for round_id, *_ in rounds}
    once = dict.fromkeys(march, 1)
    assert {r: n for r, n in posts.items() if r in march} == once
    assert set(posts) - march <= {r for (r,) in april}, "any other post is of an April round"
    assert {r: n for r, n in closings.items() if r in march} == once

    # Each process opened rounds for its own shard only.
    for name, shard in (("a", 0), ("b", 1), ("b-again", 1)):
        opened = {int(c) for c, _ in OPENED.findall(logs[name].read_text())}
        assert all(shard_of(communities[c], 2) == shard for c in opened), name
    assert OPENED.search(logs["a"].read_text()) and OPENED.search(logs["b-again"].read_text())

    # No answer lost across the kill: six members, every rating question answered.
    saved, answered, per_member = answers[0]
    assert answered == 6 and saved == 6 * per_member
