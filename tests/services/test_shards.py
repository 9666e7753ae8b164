"""Shard ownership: Discord's guild-to-shard rule, and keepers that split the guilds."""

from __future__ import annotations

import asyncio
from collections.abc import Mapping
from datetime import UTC, datetime, timedelta

import pytest

from key_support import TEST_KEYS
from vitalitybot.patterns import Pattern
from vitalitybot.render.environment import build_environment
from vitalitybot.scheduling.clock import ManualClock
from vitalitybot.scheduling.virtual import SimulatedRunner
from vitalitybot.services import ScheduleKeeper, Services, adopt_pattern, setup_community
from vitalitybot.services.shards import ShardError, ShardSet, parse_shard_ids, shard_of
from vitalitybot.storage import Database, open_database

from .fakes import FixedDirectory, RecordingNotifier
from .support import COP, KEEPER_POLL, MEMBERS, rows

# Discord's documentation takes this id apart: its top bits are the timestamp
# 41944705796 (ms since 2015), so its shard is that number modulo the shard count.
DOCS_SNOWFLAKE = 175_928_847_299_117_063
JAN_CHECKIN = datetime(2026, 1, 6, 9, 0, tzinfo=UTC)  # first Tuesday, 10:00 in Berlin


def guild(created_ms: int, low_bits: int = 0b10101_00011_000000000111) -> int:
    """A snowflake made at ``created_ms`` after Discord's epoch (worker bits below)."""
    return (created_ms << 22) | low_bits


# Eight guilds made a millisecond apart: with two shards, four land on each.
GUILDS = [guild(160_000_000_000 + n) for n in range(8)]


# -- the rule ---------------------------------------------------------------------------


def test_a_guild_goes_to_the_shard_of_its_creation_time() -> None:
    assert shard_of(DOCS_SNOWFLAKE, 1) == 0
    assert shard_of(DOCS_SNOWFLAKE, 2) == 0  # 41944705796 is even
    assert shard_of(DOCS_SNOWFLAKE, 10) == 6  # ... ends in 6
    assert shard_of(DOCS_SNOWFLAKE, 16) == 4  # ... 5796 = 16 * 362 + 4
    # The worker, process and counter bits below the timestamp never move a guild.
    assert shard_of(guild(41_944_705_796, 0), 16) == shard_of(guild(41_944_705_796, 0x3FFFFF), 16)
    assert [shard_of(g, 3) for g in GUILDS[:6]] == [(160_000_000_000 + n) % 3 for n in range(6)]


def test_a_shard_set_owns_exactly_the_guilds_of_its_shards() -> None:
    evens = ShardSet(4, frozenset({0, 2}))
    assert [evens.owns(guild(ms)) for ms in range(8)] == [True, False] * 4
    assert all(ShardSet.all(4).owns(guild(ms)) for ms in range(8))
    assert all(ShardSet.all().owns(g) for g in (*GUILDS, DOCS_SNOWFLAKE))
    assert str(evens) == "shards 0,2 of 4"


def test_processes_share_a_per_bot_limit_by_their_shards_and_together_take_all_of_it() -> None:
    deployment = [
        ShardSet(4, frozenset({0, 2})),
        ShardSet(4, frozenset({1})),
        ShardSet(4, frozenset({3})),
    ]
    assert [part.share for part in deployment] == [0.5, 0.25, 0.25]
    assert sum(part.share for part in deployment) == 1
    assert ShardSet.all(4).share == ShardSet.all().share == 1


@pytest.mark.parametrize(
    ("count", "ids", "complaint"),
    [
        (0, frozenset({0}), "at least 1, not 0"),
        (-2, frozenset({0}), "at least 1, not -2"),
        (4, frozenset(), "at least one shard"),
        (4, frozenset({1, 4}), "from 0 to 3 with a shard count of 4; 4 is outside"),
        (2, frozenset({-1, 0, 7}), "-1, 7 are outside"),
    ],
)
def test_an_impossible_shard_set_is_refused_with_the_reason(
    count: int, ids: frozenset[int], complaint: str
) -> None:
    with pytest.raises(ShardError, match=complaint):
        ShardSet(count, ids)


def test_shard_ids_are_read_as_an_operator_types_them() -> None:
    assert parse_shard_ids("0,2") == frozenset({0, 2})
    assert parse_shard_ids(" 3 , 1,1 ") == frozenset({1, 3})
    assert parse_shard_ids("5") == frozenset({5})
    for bad, complaint in [
        ("", "separated by commas"),
        ("0,,2", "separated by commas"),
        ("0;2", "'0;2' in '0;2' is not one"),
        ("one", "'one' in 'one' is not one"),
        ("0,-1", "start at 0; got -1"),
    ]:
        with pytest.raises(ShardError, match=complaint):
            parse_shard_ids(bad)
    with pytest.raises(ShardError, match="at least 1, not 0"):
        ShardSet.all(0)


# -- keepers that split the guilds -------------------------------------------------------


class Process:
    """One bot process of a sharded deployment: its own connection, clock, notifier, runner.

    The clock starts where ``now`` says and then moves with this process's runner alone,
    so two processes run side by side without one jumping the other's time ahead.
    """

    def __init__(
        self,
        url: str,
        library: Mapping[str, Pattern],
        now: datetime,
        shards: ShardSet | None,
    ) -> None:
        clock = ManualClock(now)
        self.db = open_database(url)
        self.notifier = RecordingNotifier()
        self.svc = Services(
            db=self.db,
            patterns=library,
            clock=clock,
            notifier=self.notifier,
            members=FixedDirectory(list(MEMBERS)),
            env=build_environment(),
            keys=TEST_KEYS,
        )
        self.runner = SimulatedRunner(clock)
        self.keeper = ScheduleKeeper(self.svc, self.runner, shards, poll=KEEPER_POLL)

    def armed(self, kind: str) -> set[str]:
        return {job.id for job in self.runner.jobs() if job.id.startswith(kind + ":")}

    def guilds_posted(self, kind: str) -> set[int]:
        return {post.guild_id for post in self.notifier.of(kind)}


# The first two guilds (one on each of two shards) hold a second community each.
SHARED_GUILDS = GUILDS[:2]
COMMUNITIES = len(GUILDS) + len(SHARED_GUILDS)


async def set_up_guilds(svc: Services) -> dict[int, int]:
    """Every guild in GUILDS set up, watching one pattern, and a second community in each
    of SHARED_GUILDS; the guild id by community id."""
    guild_of = {}
    for n, guild_id in enumerate(GUILDS):
        names = [f"CoP {n}", f"CoP {n} bis"] if guild_id in SHARED_GUILDS else [f"CoP {n}"]
        for channel_id, name in enumerate(names, start=42):
            community = await setup_community(svc, guild_id, name, channel_id, "Europe/Berlin")
            await adopt_pattern(svc, community.id, COP)
            guild_of[community.id] = guild_id
    return guild_of


async def open_jobs_by_guild(db: Database, guild_of: dict[int, int]) -> dict[int, set[str]]:
    """The open job each stored schedule should have, by the guild it belongs to."""
    found: dict[int, set[str]] = {}
    for schedule_id, community_id in await rows(db, "SELECT id, community_id FROM schedules"):
        found.setdefault(guild_of[community_id], set()).add(f"open:{schedule_id}")
    return found


async def test_two_processes_with_complementary_shards_split_every_guild_between_them(
    db: Database,
    db_url: str,
    svc: Services,
    library: Mapping[str, Pattern],
    clock: ManualClock,
) -> None:
    expected = await open_jobs_by_guild(db, await set_up_guilds(svc))
    first = Process(db_url, library, clock.now(), ShardSet(2, frozenset({0})))
    second = Process(db_url, library, clock.now(), ShardSet(2, frozenset({1})))
    try:
        await first.keeper.start()
        await second.keeper.start()

        assert first.armed("open").isdisjoint(second.armed("open"))
        assert first.armed("open") | second.armed("open") == set().union(*expected.values())
        for guild_id, jobs in expected.items():
            owner = first if shard_of(guild_id, 2) == 0 else second
            assert jobs <= owner.armed("open")
        # 4 guilds each, one of them with two communities: 2 schedules per community.
        assert len(first.armed("open")) == len(second.armed("open")) == 10

        # Each process opens, reminds and closes the rounds of its own guilds only, every
        # community of a guild with it.
        await asyncio.gather(
            first.runner.run_until(JAN_CHECKIN + timedelta(days=6)),
            second.runner.run_until(JAN_CHECKIN + timedelta(days=6)),
        )
        shard0 = {g for g in GUILDS if shard_of(g, 2) == 0}
        assert first.guilds_posted("round") == shard0
        assert second.guilds_posted("round") == set(GUILDS) - shard0
        assert first.guilds_posted("harvest") == shard0
        assert second.guilds_posted("harvest") == set(GUILDS) - shard0
        for process in (first, second):
            rounds = [p.round_id for p in process.notifier.of("round")]
            assert len(rounds) == len(set(rounds)) == COMMUNITIES // 2
        assert await rows(db, "SELECT COUNT(*) FROM rounds WHERE status = 'closed'") == [
            (COMMUNITIES,)
        ]
    finally:
        await first.db.dispose()
        await second.db.dispose()


async def test_after_a_restart_each_process_catches_up_only_its_own_guilds(
    db: Database,
    db_url: str,
    svc: Services,
    library: Mapping[str, Pattern],
    clock: ManualClock,
) -> None:
    await set_up_guilds(svc)
    everyone = Process(db_url, library, clock.now(), None)
    try:
        await everyone.keeper.start()
        await everyone.runner.run_until(JAN_CHECKIN + timedelta(hours=1))
        everyone.keeper.shutdown()
        assert len(everyone.notifier.of("round")) == COMMUNITIES
    finally:
        await everyone.db.dispose()
    # Every process stops; they come back once every check-in's window has ended.
    later = JAN_CHECKIN + timedelta(days=6)
    second = Process(db_url, library, later, ShardSet(2, frozenset({1})))
    try:
        report = await second.keeper.start()
        shard1 = {g for g in GUILDS if shard_of(g, 2) == 1}
        assert len(report.closed) == COMMUNITIES // 2  # 4 guilds, one with two communities
        assert second.guilds_posted("harvest") == shard1
        assert sorted(await rows(db, "SELECT status, COUNT(*) FROM rounds GROUP BY status")) == [
            ("closed", COMMUNITIES // 2),
            ("open", COMMUNITIES // 2),  # shard 0's, waiting for the process that owns them
        ]
    finally:
        await second.db.dispose()


async def test_two_processes_owning_the_same_guild_still_open_one_round(
    db: Database,
    db_url: str,
    svc: Services,
    library: Mapping[str, Pattern],
    clock: ManualClock,
) -> None:
    """A misconfiguration (both told they own shard 0) wastes work but posts nothing twice."""
    lone = GUILDS[0]
    made = await setup_community(svc, lone, "Protocol nurses", 42, "Europe/Berlin")
    await adopt_pattern(svc, made.id, COP)
    owner = ShardSet(2, frozenset({shard_of(lone, 2)}))
    first = Process(db_url, library, clock.now(), owner)
    second = Process(db_url, library, clock.now(), owner)
    try:
        await first.keeper.start()
        await second.keeper.start()
        assert first.armed("open") == second.armed("open") != set()

        # Both fire the check-in at the same moment, racing for the same period.
        runs = await asyncio.gather(
            first.runner.run_until(JAN_CHECKIN + timedelta(hours=1)),
            second.runner.run_until(JAN_CHECKIN + timedelta(hours=1)),
        )

        assert runs[0] >= 1 and runs[1] >= 1
        assert await rows(db, "SELECT kind, period, status FROM rounds") == [
            ("checkin", "2026-01-06", "open")
        ]
        assert len(first.notifier.of("round") + second.notifier.of("round")) == 1
        assert await rows(db, "SELECT COUNT(*) FROM deliveries WHERE kind = 'round'") == [(1,)]
    finally:
        await first.db.dispose()
        await second.db.dispose()
