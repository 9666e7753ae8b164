"""The closing table: one row per round, figures only where enough people answered."""

from __future__ import annotations

from dataclasses import replace

from vitalitybot.domain.records import CommitmentStatus, RoundKind
from vitalitybot.simulate.report import COMMITTED, CROSSED, render

from .conftest import Run


def test_every_round_has_a_row_with_its_participation(year: Run) -> None:
    table = render(year.result.report)
    for row in year.result.report.rounds:
        local = row.round.period
        line = next(li for li in table.splitlines() if li.startswith(local))
        assert line.split()[2] == str(row.answered)  # no rate: a default bot has no count


def test_with_the_members_intent_rows_give_the_rate(year: Run) -> None:
    report = year.result.report
    rounds = tuple(replace(r, round=replace(r.round, eligible_members=30)) for r in report.rounds)
    table = render(replace(report, rounds=rounds))
    for row in rounds:
        line = next(li for li in table.splitlines() if li.startswith(row.round.period))
        assert f"{row.answered}/30 {int(row.answered / 30 * 100 + 0.5)}%" in line


def test_crossed_signs_are_marked_where_suggestions_were_posted(year: Run) -> None:
    report = year.result.report
    table = render(report)
    codes = {(c.pattern_slug, c.sign_id): c.code for c in report.signs}
    for row in report.surveys:
        line = next(li for li in table.splitlines() if li.startswith(row.round.period))
        for mark in row.suggestions:
            if mark.sign_id in ("participation",):
                continue
            code = codes[(mark.pattern_slug, mark.sign_id)]
            assert f"{mark.kind.value} {code}" in line
            score = row.score(next(c for c in report.signs if c.code == code))
            assert score is not None and score.crossed
        crossed = sum(1 for s in row.scores if s.crossed and s.is_decay)
        assert line.count(CROSSED) == crossed


def test_check_ins_show_no_scores_and_the_legend_names_every_sign(year: Run) -> None:
    report = year.result.report
    table = render(report)
    for row in report.rounds:
        if row.round.kind is RoundKind.CHECKIN:
            line = next(li for li in table.splitlines() if li.startswith(row.round.period))
            assert "%" not in line  # no scores (and, without the intent, no rate)
    for column in report.signs:
        assert f"{column.code:<4} {column.title} ({column.pattern_title})" in table


def test_each_round_shows_the_commitments_made_from_it_and_marked_done_after_it(
    year: Run,
) -> None:
    report = year.result.report
    commitments = year.result.commitments
    table = render(report).splitlines()
    header = next(li for li in table if li.startswith("Date"))
    assert header.index(COMMITTED) < header.index("Suggestions")
    assert sum(r.made for r in report.rounds) == len(commitments) > 0
    done = [c for c in commitments if c.status is CommitmentStatus.DONE]
    assert sum(r.done for r in report.rounds) == len(done) > 0
    for row in report.rounds:
        assert row.made == sum(1 for c in commitments if c.round_id == row.round.id)
        line = next(li for li in table if li.startswith(row.round.period))
        cell = line[header.index(COMMITTED) :].split()
        if row.made or row.done:
            assert cell[0] == f"{row.made}/{row.done}"
        else:
            assert not cell or "/" not in cell[0]
