"""The simulated year, read the way a coordinator reads the demo: the posts, in order."""

from __future__ import annotations

import io
import re
from collections.abc import Mapping
from datetime import datetime
from pathlib import Path

import pytest

from vitalitybot.config import Settings
from vitalitybot.domain.records import RoundKind
from vitalitybot.patterns import Pattern
from vitalitybot.services import UnknownPattern
from vitalitybot.simulate import SimulationConfig, resolve_patterns, run_simulation
from vitalitybot.simulate.notifier import SimPost

from .conftest import Run

HEADING = re.compile(r"^(\w{3} \d{1,2} \w{3} \d{4}, \d{2}:\d{2}) · (.+)$", re.MULTILINE)


def flat(text: str) -> str:
    return " ".join(text.split())


def pattern_of_sign(library: Mapping[str, Pattern], title: str) -> Pattern:
    """The pattern whose decay sign a suggestion post is about (its heading)."""
    found = [
        p
        for p in library.values()
        if any(flat(s.title).rstrip(" .:;") == title for s in p.signs_of_decay)
    ]
    assert len(found) == 1, title
    return found[0]


def heading(post: SimPost) -> str:
    return post.message.embeds[0].title if post.message.embeds else post.message.content


def test_a_year_brings_remedies_made_of_the_patterns_own_steps(
    year: Run, library: Mapping[str, Pattern]
) -> None:
    remedies = [p for p in year.result.posts if p.kind == "suggestion:remedy"]
    assert remedies
    for post in remedies:
        pattern = pattern_of_sign(library, heading(post))
        sign = next(
            s for s in pattern.signs_of_decay if flat(s.title).rstrip(" .:;") == heading(post)
        )
        steps = pattern.remedy_for(sign.id)
        assert steps, f"{sign.id} has no remedy steps in {pattern.source}"
        for step in steps:
            assert flat(step.title).rstrip(" .") in flat(post.text)
        assert flat(post.text) in flat(year.output)  # and it was printed


def test_lasting_decay_brings_the_patterns_replanting_guidance(
    year: Run, library: Mapping[str, Pattern]
) -> None:
    replants = [p for p in year.result.posts if p.kind == "suggestion:replant"]
    assert replants
    for post in replants:
        title = heading(post).removeprefix("Time to replant? ")
        pattern = pattern_of_sign(library, title)
        assert pattern.replant is not None
        assert flat(pattern.replant.text) in flat(post.text)
        assert flat(post.text) in flat(year.output)


def test_replanting_comes_only_after_the_patterns_stated_duration(
    year: Run, library: Mapping[str, Pattern]
) -> None:
    first_crossing = {
        p.message.embeds[0].title: p.at
        for p in reversed(year.result.posts)
        if p.kind == "suggestion:remedy"
    }
    for post in year.result.posts:
        if post.kind != "suggestion:replant":
            continue
        title = heading(post).removeprefix("Time to replant? ")
        replant = pattern_of_sign(library, title).replant
        assert replant is not None and replant.min_months is not None
        months = (post.at - first_crossing[title]).days / 30.44
        assert months >= replant.min_months - 0.5


def test_every_post_is_printed_with_its_date_in_order(year: Run) -> None:
    printed = [
        datetime.strptime(when, "%a %d %b %Y, %H:%M") for when, _ in HEADING.findall(year.output)
    ]
    assert len(printed) == len(year.result.posts)
    assert printed == sorted(printed)
    assert [p.at for p in year.result.posts] == sorted(p.at for p in year.result.posts)


def test_a_year_runs_monthly_check_ins_and_surveys(year: Run) -> None:
    rounds = year.result.report.rounds
    assert sum(1 for r in rounds if r.round.kind is RoundKind.CHECKIN) == 12
    assert sum(1 for r in rounds if r.round.kind is RoundKind.SURVEY) == 12
    assert len(year.result.of_kind("harvest")) == 12
    assert len(year.result.of_kind("results")) == 12


def test_the_story_declines_then_recovers(year: Run) -> None:
    surveys = year.result.report.surveys
    crossed = [any(s.crossed and s.is_decay for s in r.scores) for r in surveys]
    assert not crossed[0] and not crossed[-1]  # healthy at both ends
    assert any(crossed[3:9])  # in trouble in the middle
    rate = [r.answered / (r.round.eligible_members or 1) for r in surveys]
    assert min(rate) < rate[0] - 0.3 and rate[-1] > min(rate) + 0.3


def test_the_summary_counts_what_was_posted(year: Run) -> None:
    summary = year.result.summary
    assert "24 rounds" in summary
    for kind, count in year.result.suggestions.items():
        assert f"{count} {kind}" in summary
    assert str(year.result.chart) in summary


def test_a_single_named_pattern_is_the_only_one_surveyed(
    settings: Settings, tmp_path: Path
) -> None:
    out = io.StringIO()
    config = SimulationConfig(
        months=2, members=8, seed=3, patterns=("Energizing tasks",), chart=tmp_path / "c.png"
    )
    result = run_simulation(config, settings=settings, out=out)
    assert [p.slug for p in result.patterns] == ["energizing-participation"]
    assert {c.pattern_slug for c in result.report.signs} == {"energizing-participation"}
    assert "CoP–Commons Alignment" not in out.getvalue()


def test_an_unknown_pattern_is_refused_with_close_names(library: Mapping[str, Pattern]) -> None:
    with pytest.raises(UnknownPattern) as refused:
        resolve_patterns(library, ["energising participaton"])
    assert "energizing-participation" in [slug for slug, _ in refused.value.suggestions]
    assert "Did you mean" in str(refused.value)
