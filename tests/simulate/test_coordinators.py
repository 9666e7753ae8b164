"""Simulated coordinators and what comes of their commitments, read from the demo's run."""

from __future__ import annotations

import io
from collections import Counter
from collections.abc import Mapping
from datetime import UTC, datetime
from pathlib import Path

from vitalitybot.config import Settings
from vitalitybot.domain.records import (
    Commitment,
    CommitmentStatus,
    RoundKind,
    SuggestionKind,
    SuggestionRecord,
)
from vitalitybot.patterns import Pattern
from vitalitybot.render.message import CommitAction, Message
from vitalitybot.services import SignScoreView
from vitalitybot.simulate import SimulationConfig, run_simulation
from vitalitybot.simulate.community import SyntheticCommunity
from vitalitybot.simulate.coordinators import answered_together
from vitalitybot.simulate.notifier import SimPost
from vitalitybot.simulate.report import Report, RoundReport

from .conftest import Run

WHEN = datetime(2026, 7, 26, 8, 0, tzinfo=UTC)


def flat(text: str) -> str:
    return " ".join(text.split())


def shown(
    row: RoundReport, report: Report, pattern_slug: str, sign_id: str
) -> SignScoreView | None:
    """The sign's score in this survey, None when not asked or not shown."""
    column = next(c for c in report.signs if (c.pattern_slug, c.sign_id) == (pattern_slug, sign_id))
    score = row.score(column)
    return score if score is not None and score.visible else None


def share(row: RoundReport, report: Report, pattern_slug: str, sign_id: str) -> float | None:
    score = shown(row, report, pattern_slug, sign_id)
    return score.share_high if score is not None else None


def read_before(report: Report, commitment: Commitment) -> RoundReport:
    """The survey whose results the coordinators had just read when they closed it."""
    assert commitment.closed_at is not None
    return max(
        (
            r
            for r in report.surveys
            if r.round.closed_at and r.round.closed_at <= commitment.closed_at
        ),
        key=lambda r: r.round.opened_at,
    )


def test_the_demo_year_has_coordinators_commit_to_a_step_for_what_was_suggested(
    year: Run, library: Mapping[str, Pattern]
) -> None:
    commitments = year.result.commitments
    assert commitments and year.result.refused == 0  # the services took every one
    rounds = {row.round.id: row for row in year.result.report.rounds}
    for made in commitments:
        pattern = library[made.pattern_slug]
        assert made.text in {flat(s.title) for s in pattern.steps}
        assert made.round_id is not None and made.sign_ids
        row = rounds[made.round_id]
        suggested = {m.sign_id for m in row.suggestions if m.pattern_slug == made.pattern_slug}
        assert set(made.sign_ids) <= suggested  # it answers what that round's posts said
        assert row.round.closed_at is not None and made.created_at > row.round.closed_at
        assert f"Coordinators commit: {made.text} (" in year.output
    texts = [(m.pattern_slug, m.text) for m in commitments]
    assert len(texts) == len(set(texts))  # a step once tried is not promised again


def test_commitments_are_closed_by_the_results_read_before(year: Run) -> None:
    """Done once its signs no longer cross; dropped while one still does."""
    report = year.result.report
    closed = [c for c in year.result.commitments if not c.is_open]
    assert any(c.status is CommitmentStatus.DONE for c in closed)
    for made in closed:
        row = read_before(report, made)
        assert row.round.opened_at > made.created_at  # weighed by a later survey
        scores = [shown(row, report, made.pattern_slug, s) for s in made.sign_ids]
        crossed = [score.crossed for score in scores if score is not None]
        assert crossed  # the results showed at least one of its signs
        verb = "mark done" if made.status is CommitmentStatus.DONE else "drop"
        assert any(crossed) is (made.status is CommitmentStatus.DROPPED)
        assert f"Coordinators {verb}: {made.text}" in year.output


def next_shown(
    report: Report, made: Commitment, others: tuple[Commitment, ...], helps: SyntheticCommunity
) -> RoundReport | None:
    """The first survey after ``made`` that shows one of its signs, while no other
    helping commitment for those signs could have moved them."""
    for row in report.surveys:
        if row.round.opened_at <= made.created_at:
            continue
        if made.closed_at is not None and made.closed_at < row.round.opened_at:
            return None  # dropped or done before anyone saw its effect
        if any(
            o.id != made.id
            and o.created_at < row.round.opened_at
            and set(o.sign_ids) & set(made.sign_ids)
            and helps.helps(o)
            for o in others
        ):
            return None
        if any(share(row, report, made.pattern_slug, s) is not None for s in made.sign_ids):
            return row
    return None


def test_a_helping_commitment_lowers_its_signs_share_and_one_that_does_not_leaves_it(
    year: Run, unheeded_year: Run
) -> None:
    """Against the same community with nobody committing to anything."""
    config = year.result.config
    model = SyntheticCommunity.create(3, config.seed, config.start, config.start, ())
    report, unheeded = year.result.report, unheeded_year.result.report
    assert not unheeded_year.result.commitments
    same_survey = {row.round.period: row for row in unheeded.surveys}
    lowered = unchanged = 0
    for made in year.result.commitments:
        row = next_shown(report, made, year.result.commitments, model)
        if row is None:
            continue
        before = same_survey[row.round.period]
        for sign in made.sign_ids:
            now, without = (
                share(row, report, made.pattern_slug, sign),
                share(before, unheeded, made.pattern_slug, sign),
            )
            if now is None or without is None:
                continue
            if model.helps(made):
                assert now <= without
                lowered += now < without
            else:
                assert now == without
                unchanged += 1
    assert lowered and unchanged


def test_the_same_seed_tells_the_same_story_and_another_seed_another(
    settings: Settings, tmp_path: Path
) -> None:
    def story(seed: int) -> tuple[str, list[tuple[str, tuple[str, ...], CommitmentStatus]]]:
        out = io.StringIO()
        config = SimulationConfig(months=12, members=12, seed=seed, chart=tmp_path / "c.png")
        result = run_simulation(config, settings=settings, out=out)
        return out.getvalue(), [(c.text, c.sign_ids, c.status) for c in result.commitments]

    first = story(5)
    assert first[1]  # a short run has its commitments too
    assert story(5) == first
    assert story(6) != first


def test_the_demo_replants_only_where_decay_outlasted_a_commitment(year: Run) -> None:
    """Every sign suggested is committed to at once, so a replant means a change tried."""
    config, report = year.result.config, year.result.report
    replants = [
        (row.round, mark)
        for row in report.surveys
        for mark in row.suggestions
        if mark.kind is SuggestionKind.REPLANT
    ]
    for round_, mark in replants:
        assert any(
            c.created_at < round_.opened_at
            and c.pattern_slug == mark.pattern_slug
            and mark.sign_id in c.sign_ids
            for c in year.result.commitments
        ), f"{mark.sign_id} replanted with no commitment tried"
    replanted = {  # a post may name several signs of its pattern: one replant
        (mark.pattern_slug, (round_.opened_at - config.start).days // 365, round_.id)
        for round_, mark in replants
    }
    per_year = Counter((pattern, year) for pattern, year, _ in replanted)
    assert max(per_year.values(), default=0) <= 1  # once per pattern in a simulated year


def suggestion(id_: int, pattern_slug: str, sign_id: str) -> SuggestionRecord:
    return SuggestionRecord(id_, 1, 9, pattern_slug, sign_id, SuggestionKind.REMEDY, WHEN)


def post(round_id: int, action: CommitAction | None) -> SimPost:
    return SimPost(
        WHEN, "suggestion:remedy", round_id, RoundKind.SURVEY, Message(commit=action), ""
    )


SUGGESTED = [suggestion(1, "a", "x"), suggestion(2, "a", "y"), suggestion(3, "b", "z")]


def test_a_post_with_a_commit_action_is_answered_by_one_commitment_for_what_it_carries() -> None:
    posts = [post(9, CommitAction(9, (1,))), post(9, CommitAction(9, (2, 3))), post(8, None)]
    groups = answered_together(posts, 9, SUGGESTED)
    assert [[s.id for s in g] for g in groups] == [[1], [2, 3]]


def test_without_commit_actions_one_commitment_answers_each_patterns_suggestions() -> None:
    groups = answered_together([post(9, None), post(8, CommitAction(8, (1,)))], 9, SUGGESTED)
    assert [[s.id for s in g] for g in groups] == [[1, 2], [3]]
