"""Posting through the notifier: a failure is recorded and never stops the next community."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from vitalitybot.domain.records import Community, Round
from vitalitybot.render.message import Message
from vitalitybot.scheduling.clock import ManualClock
from vitalitybot.services import Services, close_round, open_round, status
from vitalitybot.storage import Database

from .conftest import Setup
from .fakes import RecordingNotifier
from .support import GUILD, MEMBERS, OTHER_GUILD, adopt, rate, rows, started

JAN_CHECKIN = datetime(2026, 1, 6, 9, 0, tzinfo=UTC)


class BrokenNotifier(RecordingNotifier):
    """An edge with a bug for one guild: it raises something other than DeliveryError."""

    async def post(
        self,
        community: Community,
        message: Message,
        *,
        round: Round | None,
        kind: str,
        nonce: str | None = None,
    ) -> int | None:
        if community.guild_id == GUILD:
            raise RuntimeError("the adapter tripped over its own feet")
        return await super().post(community, message, round=round, kind=kind, nonce=nonce)


async def test_a_failed_post_is_recorded_and_the_next_community_still_gets_its_own(
    svc: Services, setup: Setup, clock: ManualClock, notifier: RecordingNotifier, db: Database
) -> None:
    first = await setup(GUILD)
    second = await setup(OTHER_GUILD, name="Maintainers")
    assert first.id < second.id  # the failing community's jobs run first
    await adopt(svc, guild_id=GUILD)
    await adopt(svc, guild_id=OTHER_GUILD)
    notifier.failing_guilds.add(GUILD)
    _, runner = await started(svc, clock)

    await runner.run_until(JAN_CHECKIN + timedelta(days=6))

    assert [p.kind for p in notifier.posts if p.guild_id == OTHER_GUILD] == [
        "round",
        "reminder",
        "harvest",
    ]
    assert all(p.guild_id == OTHER_GUILD for p in notifier.posts)
    failed = await rows(
        db,
        "SELECT kind, status, error FROM deliveries WHERE community_id = :id ORDER BY id",
        id=first.id,
    )
    assert [(kind, state) for kind, state, _ in failed] == [
        ("round", "failed"),
        ("reminder", "failed"),
        ("harvest", "failed"),
    ]
    assert all("403" in (error or "") for _, _, error in failed)
    sent = await rows(
        db, "SELECT DISTINCT status FROM deliveries WHERE community_id = :id", id=second.id
    )
    assert sent == [("sent",)]
    # The round itself went ahead: it opened and closed on time, and the coordinator sees why
    # nobody answered.
    shown = await status(svc, first.id)
    assert [r.round.status.value for r in shown.recent_rounds] == ["closed"]
    assert len(shown.failed_deliveries) == 3


async def test_an_edge_that_raises_anything_is_logged_as_failed_and_the_close_completes(
    svc: Services, setup: Setup, db: Database
) -> None:
    notifier = BrokenNotifier()
    svc.notifier = notifier
    mine = await setup(GUILD)
    theirs = await setup(OTHER_GUILD, name="Maintainers")
    await adopt(svc, guild_id=GUILD)
    await adopt(svc, guild_id=OTHER_GUILD)
    rounds = [await open_round(svc, c.id, "survey", period="2026-01-06") for c in (mine, theirs)]
    for round_, guild in zip(rounds, (GUILD, OTHER_GUILD), strict=True):
        assert round_ is not None
        await rate(svc, round_, MEMBERS[:3], {"no-feedback": 5}, guild_id=guild)
    for round_ in rounds:
        assert round_ is not None
        result = await close_round(svc, round_.community_id, round_.id)
        assert result.closed_now and len(result.suggestions) == 1
    assert [p.kind for p in notifier.posts if p.kind != "round"] == [
        "results",
        "suggestion:remedy",
    ]
    errors = await rows(db, "SELECT error FROM deliveries WHERE status = 'failed'")
    assert len(errors) == 2 and all("RuntimeError" in e for (e,) in errors)
