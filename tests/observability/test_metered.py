"""``MeteredNotifier`` counts what the real services open, close and suggest, and tags the
community while a post is made."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path

import pytest

from key_support import TEST_KEYS
from services.fakes import FixedDirectory, RecordingNotifier
from services.support import MEMBERS, only_community, rate
from vitalitybot.domain.records import Community, Question, Round
from vitalitybot.observability.logs import current_community
from vitalitybot.observability.metered import MeteredNotifier
from vitalitybot.observability.metrics import Metrics
from vitalitybot.patterns import load_library
from vitalitybot.render.environment import build_environment
from vitalitybot.render.message import Message
from vitalitybot.scheduling.clock import ManualClock
from vitalitybot.services import (
    PostRef,
    Services,
    adopt_pattern,
    close_round,
    open_round,
    setup_community,
)
from vitalitybot.services.outbox import RETRY_PAUSES, drain
from vitalitybot.storage import Database

GUILD = 4242
COP = "cop-commons-alignment"


class TaggedNotifier(RecordingNotifier):
    """Records the community each post was tagged with in the logs."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[int | None] = []

    async def open_round(
        self,
        community: Community,
        round: Round,
        questions: Sequence[Question],
        message: Message,
        *,
        nonce: str | None = None,
    ) -> PostRef | None:
        self.tags.append(current_community())
        return await super().open_round(community, round, questions, message, nonce=nonce)

    async def post(
        self,
        community: Community,
        message: Message,
        *,
        round: Round | None,
        kind: str,
        nonce: str | None = None,
    ) -> int | None:
        self.tags.append(current_community())
        return await super().post(community, message, round=round, kind=kind, nonce=nonce)


@pytest.fixture
def inner() -> TaggedNotifier:
    return TaggedNotifier()


@pytest.fixture
def metrics() -> Metrics:
    return Metrics()


@pytest.fixture
async def svc(
    db: Database, shipped_patterns_dir: Path, inner: TaggedNotifier, metrics: Metrics
) -> Services:
    services = Services(
        db=db,
        patterns=load_library(shipped_patterns_dir).patterns,
        clock=ManualClock(datetime(2026, 1, 5, 8, tzinfo=UTC)),
        notifier=MeteredNotifier(inner, metrics),
        members=FixedDirectory(list(MEMBERS)),
        env=build_environment(),
        keys=TEST_KEYS,
    )
    made = await setup_community(services, GUILD, "Protocol nurses", 42, "Europe/Berlin")
    await adopt_pattern(services, made.id, COP)
    return services


async def community_id(svc: Services) -> int:
    return (await only_community(svc, GUILD)).id


def value(metrics: Metrics, name: str, **labels: str) -> float:
    found = metrics.registry.get_sample_value(f"vitalitybot_{name}", labels or None)
    return 0.0 if found is None else found


async def test_rounds_opened_and_closed_and_suggestions_posted_are_counted(
    svc: Services, inner: TaggedNotifier, metrics: Metrics
) -> None:
    community = await community_id(svc)
    survey = await open_round(svc, community, "survey", period="2026-01-06")
    checkin = await open_round(svc, community, "checkin", period="2026-01-07")
    assert survey is not None and checkin is not None
    await rate(svc, survey, MEMBERS[:5], 5, guild_id=GUILD)  # every decay sign, strongly

    await close_round(svc, community, survey.id)
    await close_round(svc, community, checkin.id)
    await close_round(svc, community, survey.id)  # already closed: nothing happens again

    suggested = [p.kind.removeprefix("suggestion:") for p in inner.of("suggestion")]
    assert suggested, "five strong ratings cross the threshold"
    assert value(metrics, "rounds_opened_total") == 2.0
    assert value(metrics, "rounds_closed_total") == 2.0
    for kind in set(suggested):
        assert value(metrics, "suggestions_posted_total", kind=kind) == suggested.count(kind)
    assert set(inner.tags) == {community}


async def test_a_failed_post_still_counts_the_round_but_not_the_suggestion(
    svc: Services, inner: TaggedNotifier, metrics: Metrics
) -> None:
    community = await community_id(svc)
    inner.failing_guilds.add(GUILD)  # the bot lost the channel
    survey = await open_round(svc, community, "survey", period="2026-01-06")
    assert survey is not None
    await rate(svc, survey, MEMBERS[:5], 5, guild_id=GUILD)
    await close_round(svc, community, survey.id)

    assert value(metrics, "rounds_opened_total") == 1.0
    assert value(metrics, "rounds_closed_total") == 1.0
    assert (
        sum(
            s.value
            for family in metrics.registry.collect()
            for s in family.samples
            if s.name == "vitalitybot_suggestions_posted_total"
        )
        == 0.0
    )


async def test_a_close_whose_results_wait_out_an_outage_counts_the_round_once(
    svc: Services, inner: TaggedNotifier, metrics: Metrics
) -> None:
    community = await community_id(svc)
    survey = await open_round(svc, community, "survey", period="2026-01-06")
    assert survey is not None
    inner.down_guilds.add(GUILD)  # Discord is down when the round closes
    await close_round(svc, community, survey.id)
    assert value(metrics, "rounds_closed_total") == 0.0  # nothing settled yet

    inner.down_guilds.clear()
    assert isinstance(svc.clock, ManualClock)
    svc.clock.advance(RETRY_PAUSES[0])
    await drain(svc)

    assert [p.kind for p in inner.posts] == ["round", "results"]
    assert value(metrics, "rounds_closed_total") == 1.0
