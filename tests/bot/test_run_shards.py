"""A bot running some of the shards sees, answers and schedules only those shards' guilds."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

from loopback import LoopbackDiscord
from vitalitybot.bot.client import ShardedVitalityBot
from vitalitybot.config import Settings
from vitalitybot.scheduling.clock import ManualClock
from vitalitybot.scheduling.runner import open_job_id
from vitalitybot.services.shards import ShardSet

from .deployment import guilds_on_shards, offline_services, set_up_communities
from .support import COP, coordinator_of, reply, running_bot, text_of

NOW = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)


async def test_shard_zero_of_two_sees_answers_and_schedules_only_its_guilds(
    loopback_server: LoopbackDiscord,
    make_settings: Callable[..., Settings],
    shipped_patterns_dir: Path,
) -> None:
    by_shard = guilds_on_shards(loopback_server, 2, per_shard=2)
    mine, theirs = by_shard[0], by_shard[1]
    settings = make_settings()
    clock = ManualClock(NOW)
    async with offline_services(settings.database_url, shipped_patterns_dir, clock) as svc:
        await set_up_communities(svc, mine + theirs, COP)  # one database for every shard
        async with svc.repos() as repos:
            communities = {c.id: c.guild_id for c in await repos.communities.list_all()}
            schedules = await repos.schedules.list_enabled()

    async with running_bot(
        loopback_server, settings, shards=ShardSet(2, frozenset({0})), clock=clock
    ) as app:
        assert isinstance(app.bot, ShardedVitalityBot)
        assert app.bot.shard_count == 2 and set(app.bot.shards) == {0}
        sessions = [c.session for c in loopback_server.gateway.live_connections()]
        assert [s.shard for s in sessions if s is not None] == [(0, 2)]
        assert {g.id for g in app.bot.guilds} == {g.id for g in mine}
        await loopback_server.wait_until(
            lambda: True if app.runner.running else None, "the scheduler to start"
        )
        jobs = {job.id for job in app.runner.jobs()}
        status = await reply(await coordinator_of(mine[0]).invoke("vitality status"))

    own = {s for s in schedules if communities[s.community_id] in {g.id for g in mine}}
    assert own and len(own) < len(schedules)
    assert {j for j in jobs if j.startswith("open:")} == {open_job_id(s.id) for s in own}
    assert "CoP–Commons Alignment" in text_of(status)  # its community, read by this process
