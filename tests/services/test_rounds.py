"""Opening rounds: once per period, with the right questions, and by hand."""

from __future__ import annotations

import asyncio
from collections.abc import Mapping
from typing import Any

import pytest

from vitalitybot.domain.records import Community, QuestionKind, RoundStatus
from vitalitybot.patterns import Pattern
from vitalitybot.services import (
    PostRef,
    RoundAlreadyOpen,
    Services,
    adopt_pattern,
    close_now,
    close_round,
    open_now,
    open_round,
    set_options,
)
from vitalitybot.storage import Database

from .conftest import Setup
from .fakes import FixedDirectory, RecordingNotifier
from .support import COP, GUILD, open_survey, questions_of, rows


async def test_opening_the_same_period_twice_gives_one_round(
    svc: Services, community: Community, notifier: RecordingNotifier, db: Database
) -> None:
    first = await open_survey(svc, community)
    again = await open_survey(svc, community)
    assert again.id == first.id
    together = await asyncio.gather(
        *(open_round(svc, community.id, "checkin", period="2026-01-06") for _ in range(3))
    )
    assert len({r.id for r in together if r is not None}) == 1
    assert await rows(db, "SELECT kind, period FROM rounds ORDER BY id") == [
        ("survey", "2026-01-06"),
        ("checkin", "2026-01-06"),
    ]
    assert [p.kind for p in notifier.posts] == ["round", "round"]


async def test_opening_post_lists_the_items_and_the_scale(
    svc: Services, community: Community, notifier: RecordingNotifier, library: Mapping[str, Pattern]
) -> None:
    round_ = await open_survey(svc, community)
    post = notifier.of("round")[0].text
    for word in ("never", "rarely", "sometimes", "often", "constantly"):
        assert word in post
    questions = await questions_of(svc, round_)
    decay = [q for q in questions if q.kind is QuestionKind.DECAY]
    assert {q.sign_id for q in decay} == {s.id for s in library[COP].signs_of_decay}
    for question in questions:
        assert question.text in post
    assert round_.message_id is not None and round_.thread_id is not None


async def test_a_survey_rotates_its_items_when_there_are_more_than_it_asks(
    svc: Services, community: Community
) -> None:
    await set_options(svc, community.id, max_items=3)
    first = await questions_of(svc, await open_survey(svc, community, "2026-01-06"))
    await close_round(svc, community.id, first[0].round_id)
    second = await questions_of(svc, await open_survey(svc, community, "2026-02-03"))
    assert len(first) == len(second) == 3
    assert {q.sign_id for q in first} != {q.sign_id for q in second}


async def test_open_now_refuses_while_one_of_that_kind_is_open(
    svc: Services, community: Community
) -> None:
    round_ = await open_now(svc, community.id, "checkin")
    assert round_.status is RoundStatus.OPEN
    with pytest.raises(RoundAlreadyOpen, match="already open"):
        await open_now(svc, community.id, "checkin")
    assert (await open_now(svc, community.id, "survey")).kind == "survey"


async def test_closing_and_reopening_within_the_minute_opens_a_new_round(
    svc: Services, community: Community, notifier: RecordingNotifier
) -> None:
    first = await open_now(svc, community.id, "survey")
    await close_now(svc, community.id, first.id)
    second = await open_now(svc, community.id, "survey")  # the clock has not moved
    assert second.id != first.id and second.status is RoundStatus.OPEN
    await close_now(svc, community.id, second.id)
    third = await open_now(svc, community.id, "survey")
    assert len({first.id, second.id, third.id}) == 3 and third.status is RoundStatus.OPEN
    assert len(notifier.of("round")) == 3  # each one posted, so members can answer it


async def test_rounds_opened_by_hand_are_named_by_their_date_and_time_never_their_key(
    svc: Services, community: Community, notifier: RecordingNotifier
) -> None:
    first = await open_now(svc, community.id, "survey")
    await close_now(svc, community.id, first.id)
    second = await open_now(svc, community.id, "survey")  # the same minute: a key of its own
    await close_now(svc, community.id, second.id)

    texts = [post.text for post in notifier.posts]
    assert not any("manual" in text for text in texts)
    # The clock stands at 09:00 in Berlin on 5 January 2026.
    assert "Survey 2026-01-05 09:00 · items from" in notifier.of("round")[0].text
    assert "Survey 2026-01-05 09:00 (2) · items from" in notifier.of("round")[1].text
    assert notifier.of("results")[1].text.startswith("Results of the survey 2026-01-05 09:00 (2)")


async def test_a_crowded_minute_posts_its_first_round_before_reading_for_the_rest(
    svc: Services,
    setup: Setup,
    notifier: RecordingNotifier,
    directory: FixedDirectory,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Forty communities due in the same minute: posting starts while later rounds are
    still being opened, instead of once every round has been read for (the members
    each opening counts are the last thing it reads before storing its round)."""
    communities = [await setup(GUILD + n, channel_id=100 + n) for n in range(40)]
    for made in communities:
        await adopt_pattern(svc, made.id, COP)
    read_for: list[int] = []
    read_at_first_post: list[int] = []
    members_of = directory.eligible_members
    post_round = notifier.open_round

    async def counting_reads(community: Community) -> list[int]:
        read_for.append(community.id)
        return await members_of(community)

    async def counting_posts(*args: Any, **kwargs: Any) -> PostRef | None:
        if not read_at_first_post:
            read_at_first_post.append(len(read_for))
        return await post_round(*args, **kwargs)

    monkeypatch.setattr(directory, "eligible_members", counting_reads)
    monkeypatch.setattr(notifier, "open_round", counting_posts)
    opened = await asyncio.gather(
        *(open_round(svc, made.id, "survey", period="2026-01-06") for made in communities)
    )
    assert all(round_ is not None and round_.message_id is not None for round_ in opened)
    assert {post.community_id for post in notifier.of("round")} == {c.id for c in communities}
    assert read_at_first_post[0] < len(communities) // 4
