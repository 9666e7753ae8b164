"""Commitments: stored per community, followed until a later round weighs them."""

from __future__ import annotations

from datetime import timedelta

import pytest
from storage_support import NOW, MakeRound

from vitalitybot.domain.records import (
    Commitment,
    CommitmentStatus,
    Community,
    SuggestionKind,
    SuggestionRecord,
)
from vitalitybot.storage import Database, Repositories


async def _add(db: Database, community: Community, **fields: object) -> Commitment:
    async with db.transaction() as session:
        repos = Repositories(session)
        return await repos.commitments.add(community.id, at=NOW, **fields)  # type: ignore[arg-type]


async def _suggested(
    repos: Repositories, community: Community, round_id: int, kind: SuggestionKind
) -> SuggestionRecord:
    """The community's one suggestion, for sign s1 of pattern p, as a close records it."""
    await repos.outcomes.record_suggestion(
        community.id, round_id, pattern_slug="p", sign_id="s1", kind=kind, at=NOW
    )
    (suggestion,) = await repos.outcomes.list_suggestions(community.id)
    return suggestion


async def test_a_commitment_keeps_what_was_said_and_answers_its_suggestion(
    db: Database, community: Community, make_round: MakeRound
) -> None:
    round_, _ = await make_round(community)
    async with db.transaction() as session:
        repos = Repositories(session)
        suggestion = await _suggested(repos, community, round_.id, SuggestionKind.REMEDY)
        made = await repos.commitments.add(
            community.id,
            text="  Pin one   guide a month ",
            at=NOW,
            pattern_slug="p",
            sign_ids=["s1"],
            round_id=round_.id,
            suggestion_id=suggestion.id,
            owner_role_id=42,
        )
    async with db.transaction() as session:
        read = await Repositories(session).commitments.get(community.id, made.id)
    assert read == made
    assert read is not None
    assert (read.text, read.status, read.sign_ids, read.suggestion_id, read.owner_role_id) == (
        "Pin one guide a month",
        CommitmentStatus.OPEN,
        ("s1",),
        suggestion.id,
        42,
    )
    assert read.awaiting_review


async def test_empty_or_long_words_are_refused_and_nothing_is_stored(
    db: Database, community: Community
) -> None:
    with pytest.raises(ValueError, match="few words"):
        await _add(db, community, text="   ")
    with pytest.raises(ValueError, match="at most"):
        await _add(db, community, text="x" * 301)
    async with db.transaction() as session:
        assert await Repositories(session).commitments.recent(community.id) == []


async def test_another_community_can_neither_read_nor_change_a_commitment(
    db: Database, community: Community, other_community: Community
) -> None:
    made = await _add(db, community, text="Answer every question within a week")
    async with db.transaction() as session:
        repos = Repositories(session)
        assert await repos.commitments.get(other_community.id, made.id) is None
        changed = await repos.commitments.set_status(
            other_community.id, made.id, CommitmentStatus.DONE, at=NOW
        )
        assert changed is None
        assert (await repos.commitments.get(community.id, made.id)) == made


async def test_done_and_dropped_close_it_and_reopening_clears_the_time(
    db: Database, community: Community
) -> None:
    made = await _add(db, community, text="Rotate who hosts the call", sign_ids=["s1"])
    later = NOW + timedelta(days=3)
    async with db.transaction() as session:
        repos = Repositories(session)
        done = await repos.commitments.set_status(
            community.id, made.id, CommitmentStatus.DONE, at=later
        )
        assert done is not None and (done.status, done.closed_at) == (CommitmentStatus.DONE, later)
        assert await repos.commitments.awaiting_review(community.id, sign_id="s1") == []
        again = await repos.commitments.set_status(
            community.id, made.id, CommitmentStatus.OPEN, at=later
        )
        assert again is not None and (again.status, again.closed_at) == (
            CommitmentStatus.OPEN,
            None,
        )
        open_ = await repos.commitments.recent(community.id, statuses=[CommitmentStatus.OPEN])
    assert [c.id for c in open_] == [made.id]


async def test_the_first_round_to_weigh_a_commitment_is_kept(
    db: Database, community: Community, make_round: MakeRound
) -> None:
    first, _ = await make_round(community, period="2026-12-01")
    second, _ = await make_round(community, period="2027-01-01")
    made = await _add(
        db, community, text="Pin one guide a month", pattern_slug="p", sign_ids=["s1"]
    )
    async with db.transaction() as session:
        repos = Repositories(session)
        assert [c.id for c in await repos.commitments.awaiting_review(community.id)] == [made.id]
        assert await repos.commitments.mark_reviewed(community.id, [made.id], first.id) == 1
        assert await repos.commitments.mark_reviewed(community.id, [made.id], second.id) == 0
        assert await repos.commitments.awaiting_review(community.id) == []
        read = await repos.commitments.get(community.id, made.id)
    assert read is not None and read.reviewed_round_id == first.id


async def test_changes_since_a_moment_and_commitments_per_sign(
    db: Database, community: Community
) -> None:
    old = await _add(db, community, text="An old one", pattern_slug="p", sign_ids=["s1"])
    newer = NOW + timedelta(days=10)
    async with db.transaction() as session:
        repos = Repositories(session)
        fresh = await repos.commitments.add(
            community.id, text="A new one", at=newer, pattern_slug="q", sign_ids=["s1"]
        )
        assert [c.id for c in await repos.commitments.changed_since(community.id, newer)] == [
            fresh.id
        ]
        await repos.commitments.set_status(community.id, old.id, CommitmentStatus.DONE, at=newer)
        since = await repos.commitments.changed_since(community.id, newer)
        per_sign = await repos.commitments.for_signs(community.id, [("p", "s1")])
    assert [c.id for c in since] == [old.id, fresh.id]
    assert [c.id for c in per_sign] == [old.id]


async def test_acknowledging_a_suggestion_keeps_the_first_time(
    db: Database, community: Community, other_community: Community, make_round: MakeRound
) -> None:
    round_, _ = await make_round(community)
    async with db.transaction() as session:
        repos = Repositories(session)
        suggestion = await _suggested(repos, community, round_.id, SuggestionKind.REPLANT)
        assert suggestion.acknowledged_at is None
        assert not await repos.outcomes.acknowledge_suggestion(
            other_community.id, suggestion.id, at=NOW
        )
        later = NOW + timedelta(hours=1)
        assert await repos.outcomes.acknowledge_suggestion(community.id, suggestion.id, at=later)
        assert await repos.outcomes.acknowledge_suggestion(
            community.id, suggestion.id, at=later + timedelta(days=1)
        )
        read = await repos.outcomes.get_suggestion(community.id, suggestion.id)
    assert read is not None and read.acknowledged_at == later


async def test_one_commitment_answers_several_signs_and_is_found_by_each(
    db: Database, community: Community
) -> None:
    made = await _add(
        db,
        community,
        text="Start again with a smaller group",
        pattern_slug="p",
        sign_ids=["s2", "s1", "s2"],
    )
    async with db.transaction() as session:
        repos = Repositories(session)
        by_first = await repos.commitments.awaiting_review(community.id, sign_id="s1")
        by_second = await repos.commitments.for_signs(community.id, [("p", "s2")])
        elsewhere = await repos.commitments.for_signs(community.id, [("q", "s2")])
    assert made.sign_ids == ("s1", "s2")
    assert [c.id for c in by_first] == [c.id for c in by_second] == [made.id]
    assert elsewhere == []
