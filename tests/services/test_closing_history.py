"""Suggestions that know their history, through real closes of monthly surveys: nothing
for a sign while a commitment for it awaits review, a replant at most once per the
pattern's replant period and saying why, and one post for signs calling for the same
advice."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from vitalitybot.domain.records import AnswerInput, Commitment, Community, Round
from vitalitybot.render.message import CommitAction
from vitalitybot.scheduling.clock import ManualClock
from vitalitybot.services import Services, close_round, open_round, record_answers
from vitalitybot.services.closing import CloseResult
from vitalitybot.services.commitments import CommitRequest, commit, list_commitments

from .fakes import Post, RecordingNotifier
from .support import COP, GUILD, MEMBERS, open_survey, questions_of, rate, rows

WRITING = "writing-nobody-reads"
NO_FEEDBACK = "no-feedback"
CROSSING = 5  # "constantly": every answer counts as seeing the sign often


def month_start(month: int) -> datetime:
    """The opening of the survey of ``month`` (1 = January 2026), the 5th at 08:00 UTC."""
    year, index = divmod(month - 1, 12)
    return datetime(2026 + year, index + 1, 5, 8, tzinfo=UTC)


class Months:
    """Monthly surveys of one community: open on the 5th, three answers, close two days on."""

    def __init__(
        self, svc: Services, community: Community, clock: ManualClock, notifier: RecordingNotifier
    ) -> None:
        self.svc, self.community, self.clock, self.notifier = svc, community, clock, notifier

    async def open(self, month: int) -> Round:
        self.clock.set(month_start(month))
        return await open_survey(self.svc, self.community, period=f"month-{month:02d}")

    async def close(self, round_: Round, crossing: tuple[str, ...]) -> list[Post]:
        """Answer ``round_`` with ``crossing`` seen constantly, close it, return its
        suggestion posts."""
        await rate(self.svc, round_, MEMBERS[:3], dict.fromkeys(crossing, CROSSING))
        self.clock.set(round_.opened_at + timedelta(days=2))
        before = len(self.notifier.posts)
        result: CloseResult = await close_round(self.svc, self.community.id, round_.id)
        assert result.closed_now
        return [p for p in self.notifier.posts[before:] if p.kind.startswith("suggestion")]

    async def run(self, month: int, *crossing: str) -> list[Post]:
        return await self.close(await self.open(month), crossing)

    async def until_replant(self, *crossing: str) -> Post:
        """Six months of remedies from January, then July's replant post."""
        for month in range(1, 7):
            await self.run(month, *crossing)
        [replant] = await self.run(7, *crossing)
        assert replant.kind == "suggestion:replant"
        return replant

    async def checkin(self, month: int, answering: int) -> tuple[Round, list[Post]]:
        """A check-in ``answering`` members answer; the round and its suggestion posts."""
        self.clock.set(month_start(month))
        round_ = await open_round(
            self.svc, self.community.id, "checkin", period=f"checkin-{month:02d}"
        )
        assert round_ is not None
        prompt = (await questions_of(self.svc, round_))[0]
        for member in MEMBERS[:answering]:
            await record_answers(
                self.svc, GUILD, round_.id, member, [AnswerInput(prompt.id, None, "ok")]
            )
        self.clock.advance(timedelta(days=2))
        before = len(self.notifier.posts)
        await close_round(self.svc, self.community.id, round_.id)
        return round_, [p for p in self.notifier.posts[before:] if p.kind.startswith("suggestion")]

    async def commit_from(
        self, post: Post, text: str, review_at: datetime | None = None
    ) -> Commitment:
        """A coordinator's "We'll try this" under ``post``, a day after it went out."""
        self.clock.advance(timedelta(days=1))
        action = post.message.commit
        assert action is not None
        request = CommitRequest(
            text,
            round_id=action.round_id,
            suggestion_ids=action.suggestion_ids,
            review_at=review_at,
        )
        return await commit(self.svc, self.community.id, request, coordinator=True)


@pytest.fixture
def months(
    svc: Services, community: Community, clock: ManualClock, notifier: RecordingNotifier
) -> Months:
    return Months(svc, community, clock, notifier)


def kinds(posts: list[Post]) -> list[str]:
    return [p.kind for p in posts]


def about(posts: list[Post], title: str) -> Post:
    [post] = [p for p in posts if title in p.message.embeds[0].title]
    return post


async def commitment(svc: Services, made: Commitment) -> Commitment:
    _, found = await list_commitments(svc, made.community_id)
    [now] = [c for c in found if c.id == made.id]
    return now


async def test_no_suggestion_for_a_sign_while_its_commitment_awaits_review(
    months: Months, svc: Services
) -> None:
    first = await months.run(1, WRITING, NO_FEEDBACK)
    assert kinds(first) == ["suggestion:remedy", "suggestion:remedy"]
    made = await months.commit_from(
        about(first, "Writing nobody reads"),
        "Pin one guide a month where the network reads",
        review_at=month_start(3) + timedelta(days=20),
    )
    for month in (2, 3):  # the review date has not come: the commitment is still being tried
        posts = await months.run(month, WRITING, NO_FEEDBACK)
        assert [p.message.embeds[0].title for p in posts] == ["No feedback"]
    fourth = await months.open(4)
    posts = await months.close(fourth, (WRITING, NO_FEEDBACK))
    assert sorted(p.message.embeds[0].title for p in posts) == [
        "No feedback",
        "Writing nobody reads",
    ]
    assert (await commitment(svc, made)).reviewed_round_id == fourth.id


async def test_after_its_review_by_the_next_survey_the_suggestion_may_come_again(
    months: Months, svc: Services, clock: ManualClock
) -> None:
    [remedy] = await months.run(1, WRITING)
    made = await months.commit_from(remedy, "Link each new guide from the welcome post")
    second = await months.open(2)
    assert kinds(await months.close(second, (WRITING,))) == ["suggestion:remedy"]
    assert (await commitment(svc, made)).reviewed_round_id == second.id
    third = await months.open(3)
    # Made while the third survey is open, this one waits for the fourth to weigh it.
    clock.advance(timedelta(hours=1))
    late = await commit(
        svc,
        months.community.id,
        CommitRequest("Ask two readers what they used", pattern_slug=COP, sign_ids=(WRITING,)),
        coordinator=True,
    )
    assert await months.close(third, (WRITING,)) == []
    fourth = await months.open(4)
    assert kinds(await months.close(fourth, (WRITING,))) == ["suggestion:remedy"]
    assert (await commitment(svc, late)).reviewed_round_id == fourth.id


async def test_a_replant_comes_at_most_once_per_period_and_says_why(
    months: Months, notifier: RecordingNotifier
) -> None:
    posted = {month: kinds(await months.run(month, WRITING)) for month in range(1, 14)}
    assert posted == {
        **{month: ["suggestion:remedy"] for month in range(1, 7)},
        7: ["suggestion:replant"],  # January to July: the pattern's six months
        **{month: [] for month in range(8, 13)},  # the replant stands, unanswered
        13: ["suggestion:replant"],  # six months after the last one
    }
    first, again = notifier.of("suggestion:replant")
    assert "6 months passed with no commitment to change something." in first.text
    assert "6 months passed since the last replanting suggestion with no commitment" in again.text


async def test_a_replant_taken_up_returns_once_the_decay_lasted_through_the_commitment(
    months: Months, notifier: RecordingNotifier
) -> None:
    replant = await months.until_replant(WRITING)
    await months.commit_from(replant, "Rest the check-ins for a round and ask two receivers")
    # Weighed by August's survey, and the decay is still there: too soon to replant
    # again, so the pattern's steps come instead, until the period has passed.
    later = {month: kinds(await months.run(month, WRITING)) for month in range(8, 14)}
    assert later == {
        **{month: ["suggestion:remedy"] for month in range(8, 13)},
        13: ["suggestion:replant"],
    }
    again = notifier.of("suggestion:replant")[-1].text
    assert (
        'The decay lasted through our commitment "Rest the check-ins for a round and ask two '
        'receivers", made on Wed 8 Jul 2026.' in again
    )


async def test_an_acknowledged_replant_brings_the_steps_meanwhile(
    months: Months, svc: Services, community: Community, clock: ManualClock
) -> None:
    replant = await months.until_replant(WRITING)
    action = replant.message.commit
    assert action is not None
    async with svc.repos() as repos:
        assert await repos.outcomes.acknowledge_suggestion(
            community.id, action.suggestion_ids[0], at=clock.now()
        )
    assert kinds(await months.run(8, WRITING)) == ["suggestion:remedy"]


async def test_signs_calling_for_the_same_advice_make_one_post_naming_them_all(
    months: Months, svc: Services
) -> None:
    for month in range(1, 7):
        # Each sign has its own steps: two remedies, two posts.
        assert len(await months.run(month, WRITING, NO_FEEDBACK)) == 2
    [replant] = await months.run(7, WRITING, NO_FEEDBACK)
    assert replant.kind == "suggestion:replant"
    assert (
        replant.message.embeds[0].title == "Time to replant? Writing nobody reads and No feedback"
    )
    assert replant.text.count("let the check-ins rest for a round") == 1
    stored = await rows(
        svc.db,
        "SELECT id, sign_id FROM suggestions WHERE kind = 'replant' ORDER BY sign_id",
    )
    assert {sign for _, sign in stored} == {WRITING, NO_FEEDBACK}
    action = replant.message.commit
    assert action is not None and sorted(action.suggestion_ids) == sorted(i for i, _ in stored)
    made = await months.commit_from(replant, "Pause the check-ins and talk instead")
    assert set(made.sign_ids) == {WRITING, NO_FEEDBACK}


async def test_every_suggestion_and_harvest_post_carries_a_commit_action(
    months: Months, svc: Services, notifier: RecordingNotifier
) -> None:
    posts = await months.run(1, WRITING, NO_FEEDBACK)
    stored = await rows(svc.db, "SELECT id, round_id FROM suggestions ORDER BY id")
    actions = [p.message.commit for p in posts]
    assert sorted(actions, key=lambda a: a.suggestion_ids if a else ()) == [
        CommitAction(round_id, (row_id,)) for row_id, round_id in stored
    ]
    checkin, _ = await months.checkin(2, 3)
    [harvest] = notifier.of("harvest")
    assert harvest.message.commit == CommitAction(checkin.id)


async def test_no_participation_suggestion_while_a_commitment_about_it_awaits_review(
    months: Months, svc: Services
) -> None:

    for month, answering in ((1, 8), (2, 7), (3, 8)):
        await months.checkin(month, answering)
    _, [dropped] = await months.checkin(4, 2)
    assert dropped.kind == "suggestion:participation"
    made = await months.commit_from(
        dropped, "Ask one question, not five", review_at=month_start(6) - timedelta(days=10)
    )
    assert made.sign_ids == ("participation",)
    assert (await months.checkin(5, 2))[1] == []
    sixth, posts = await months.checkin(6, 1)
    assert kinds(posts) == ["suggestion:participation"]
    assert (await commitment(svc, made)).reviewed_round_id == sixth.id
