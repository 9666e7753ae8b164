"""Scores, suggestions and harvests: idempotent writes, history in time order."""

from __future__ import annotations

from datetime import timedelta

import pytest
from storage_support import NOW, MakeRound

from vitalitybot.domain.records import Community, ScoreRecord, SuggestionKind
from vitalitybot.storage import Database, NotFoundError, Repositories


def _score(round_id: int, sign: str, mean: float, crossed: bool) -> ScoreRecord:
    return ScoreRecord(
        round_id=round_id,
        pattern_slug="p",
        sign_id=sign,
        n=6,
        mean=mean,
        share_high=0.5 if crossed else 0.1,
        crossed=crossed,
    )


async def test_saving_scores_again_replaces_them(
    db: Database, community: Community, make_round: MakeRound
) -> None:
    round_, _ = await make_round(community)
    async with db.transaction() as session:
        outcomes = Repositories(session).outcomes
        await outcomes.save_scores(
            community.id,
            round_.id,
            [_score(round_.id, "s1", 2.0, False), _score(round_.id, "s2", 4.0, True)],
        )
        await outcomes.save_scores(community.id, round_.id, [_score(round_.id, "s1", 3.5, True)])
        scores = await outcomes.list_scores(community.id, round_.id)
    assert scores == [_score(round_.id, "s1", 3.5, True), _score(round_.id, "s2", 4.0, True)]


async def test_scores_must_name_the_round_they_are_saved_for(
    db: Database, community: Community, make_round: MakeRound
) -> None:
    round_, _ = await make_round(community)
    async with db.transaction() as session:
        with pytest.raises(ValueError):
            await Repositories(session).outcomes.save_scores(
                community.id, round_.id, [_score(round_.id + 1, "s1", 2.0, False)]
            )


async def test_score_history_is_in_the_order_rounds_opened(
    db: Database, community: Community, make_round: MakeRound
) -> None:
    # Created out of order on purpose: history follows opened_at, not ids.
    december, _ = await make_round(
        community, period="2026-12-01", opened_at=NOW + timedelta(days=28)
    )
    october, _ = await make_round(
        community, period="2026-10-01", opened_at=NOW - timedelta(days=33)
    )
    november, _ = await make_round(community, period="2026-11-03")
    async with db.transaction() as session:
        outcomes = Repositories(session).outcomes
        for round_, mean in ((december, 4.2), (october, 2.1), (november, 3.3)):
            await outcomes.save_scores(
                community.id,
                round_.id,
                [_score(round_.id, "s1", mean, mean > 3), _score(round_.id, "s2", 1.0, False)],
            )
        history = await outcomes.score_history(community.id, pattern_slug="p", sign_id="s1")
        everything = await outcomes.score_history(community.id)
    assert [(p.period, p.score.mean) for p in history] == [
        ("2026-10-01", 2.1),
        ("2026-11-03", 3.3),
        ("2026-12-01", 4.2),
    ]
    assert [p.opened_at for p in history] == sorted(p.opened_at for p in history)
    assert len(everything) == 6


async def test_a_suggestion_is_recorded_once_per_round(
    db: Database, community: Community, make_round: MakeRound
) -> None:
    round_, _ = await make_round(community)
    remedy = {"pattern_slug": "p", "sign_id": "s1", "kind": SuggestionKind.REMEDY}
    async with db.transaction() as session:
        outcomes = Repositories(session).outcomes

        async def record() -> int | None:
            return await outcomes.record_suggestion(community.id, round_.id, at=NOW, **remedy)

        first = await record()
        assert first is not None
        assert await record() is None
        stored = await outcomes.list_suggestions(community.id)
        assert [(s.id, s.round_id, s.sign_id, s.kind) for s in stored] == [
            (first, round_.id, "s1", SuggestionKind.REMEDY)
        ]
        # A different kind for the same sign is another suggestion.
        assert await outcomes.record_suggestion(
            community.id,
            round_.id,
            pattern_slug="p",
            sign_id="s1",
            kind=SuggestionKind.REPLANT,
            at=NOW,
        )
        listed = await outcomes.list_suggestions(community.id, sign_id="s1")
        remedies = await outcomes.list_suggestions(community.id, kind=SuggestionKind.REMEDY)
    assert [s.kind for s in listed] == [SuggestionKind.REMEDY, SuggestionKind.REPLANT]
    assert len(remedies) == 1 and remedies[0].posted_at == NOW


async def test_harvest_is_replaced_and_the_latest_found(
    db: Database, community: Community, make_round: MakeRound
) -> None:
    october, _ = await make_round(community, period="2026-10-01")
    november, _ = await make_round(community, period="2026-11-03")
    async with db.transaction() as session:
        outcomes = Repositories(session).outcomes
        assert await outcomes.latest_harvest(community.id) is None
        await outcomes.save_harvest(
            community.id, october.id, participants=4, markdown="# October", at=NOW
        )
        await outcomes.save_harvest(
            community.id,
            november.id,
            participants=5,
            markdown="# draft",
            at=NOW + timedelta(days=1),
        )
        redone = await outcomes.save_harvest(
            community.id,
            november.id,
            participants=6,
            markdown="# November",
            at=NOW + timedelta(days=2),
        )
        latest = await outcomes.latest_harvest(community.id)
        first = await outcomes.get_harvest(community.id, october.id)
    assert latest == redone
    assert (redone.participants, redone.markdown) == (6, "# November")
    assert first is not None and first.markdown == "# October"


async def test_outcomes_refuse_another_communitys_round(
    db: Database, community: Community, other_community: Community, make_round: MakeRound
) -> None:
    round_, _ = await make_round(community)
    async with db.transaction() as session:
        outcomes = Repositories(session).outcomes
        with pytest.raises(NotFoundError):
            await outcomes.save_scores(other_community.id, round_.id, [])
        with pytest.raises(NotFoundError):
            await outcomes.record_suggestion(
                other_community.id,
                round_.id,
                pattern_slug="p",
                sign_id="s1",
                kind=SuggestionKind.REMEDY,
                at=NOW,
            )
        with pytest.raises(NotFoundError):
            await outcomes.save_harvest(
                other_community.id, round_.id, participants=1, markdown="x", at=NOW
            )
