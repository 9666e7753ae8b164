"""The simulated demo run, read the way a coordinator reads the demo: the posts, in order."""

from __future__ import annotations

import io
import re
from collections.abc import Mapping
from dataclasses import replace
from datetime import datetime
from pathlib import Path

import pytest

from key_support import TEST_KEYS
from vitalitybot.config import Settings
from vitalitybot.domain.records import CommitmentStatus, RoundKind
from vitalitybot.patterns import Pattern
from vitalitybot.render.environment import build_environment
from vitalitybot.scheduling.cadence import fire_times_between
from vitalitybot.scheduling.clock import ManualClock
from vitalitybot.services import Services, UnknownPattern, adopt_pattern, setup_community
from vitalitybot.services.app import spec_of
from vitalitybot.simulate import SimulationConfig, resolve_patterns, run_simulation
from vitalitybot.simulate.community import SyntheticCommunity
from vitalitybot.simulate.notifier import ConsoleNotifier, SimPost, SyntheticDirectory
from vitalitybot.simulate.run import CHANNEL_ID, GUILD_ID, add_months
from vitalitybot.storage import open_database, upgrade

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


def signs_named(title: str) -> list[str]:
    """The sign titles a post's heading names: one, or several ("A, B and C") when signs
    of one pattern call for the same advice."""
    return re.split(r", | and ", title)


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
        assert heading(post) in year.output  # and it was told
    assert flat(remedies[0].text) in flat(year.output)  # the first one in full


def test_lasting_decay_brings_the_patterns_replanting_guidance(
    year: Run, library: Mapping[str, Pattern]
) -> None:
    replants = [p for p in year.result.posts if p.kind == "suggestion:replant"]
    assert replants
    for post in replants:
        titles = signs_named(heading(post).removeprefix("Time to replant? "))
        [slug] = {pattern_of_sign(library, title).slug for title in titles}  # one pattern's
        pattern = library[slug]
        assert pattern.replant is not None
        assert flat(pattern.replant.text) in flat(post.text)
        assert heading(post) in year.output
    assert flat(replants[0].text) in flat(year.output)


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
        for title in signs_named(heading(post).removeprefix("Time to replant? ")):
            replant = pattern_of_sign(library, title).replant
            assert replant is not None and replant.min_months is not None
            months = (post.at - first_crossing[title]).days / 30.44
            assert months >= replant.min_months - 0.5


def test_every_post_is_printed_with_its_date_in_order(year: Run) -> None:
    """Posts and what coordinators did between them share one timeline, in order."""
    headings = HEADING.findall(year.output)
    printed = [datetime.strptime(when, "%a %d %b %Y, %H:%M") for when, _ in headings]
    posts = [what for _, what in headings if not what.startswith("Coordinators ")]
    assert len(posts) == len(year.result.posts)
    assert printed == sorted(printed)
    assert [p.at for p in year.result.posts] == sorted(p.at for p in year.result.posts)


def test_rounds_open_when_the_schedules_adoption_made_say(year: Run) -> None:
    config = year.result.config
    end = add_months(config.start, config.months)
    assert {s.kind for s in year.result.schedules} == {RoundKind.CHECKIN, RoundKind.SURVEY}
    for schedule in year.result.schedules:
        due = fire_times_between(spec_of(schedule, config.timezone), config.start, end)
        opened = [
            r.round.opened_at for r in year.result.report.rounds if r.round.kind is schedule.kind
        ]
        assert opened == due
    assert len(year.result.of_kind("harvest")) == len(
        [r for r in year.result.report.rounds if r.round.kind is RoundKind.CHECKIN]
    )
    assert len(year.result.of_kind("results")) == len(year.result.report.surveys)


async def test_the_schedules_are_the_ones_adoption_creates(
    year: Run, library: Mapping[str, Pattern], tmp_path: Path
) -> None:
    """Nothing in the simulator overrides a pattern's rhythm."""
    config = year.result.config
    db = open_database(f"sqlite+aiosqlite:///{tmp_path / 'adopted.sqlite3'}")
    await upgrade(db)
    clock = ManualClock(config.start)
    community = SyntheticCommunity.create(3, 1, config.start, config.start, [])
    svc = Services(
        db=db,
        patterns=library,
        clock=clock,
        notifier=ConsoleNotifier(clock, config.timezone, out=io.StringIO()),
        members=SyntheticDirectory(community),
        env=build_environment(None),
        keys=TEST_KEYS,
    )
    created = await setup_community(svc, GUILD_ID, config.name, CHANNEL_ID, config.timezone)
    for slug in config.patterns:
        await adopt_pattern(svc, created.id, slug)
    async with svc.repos() as repos:
        adopted = await repos.schedules.list_for(created.id)
    await db.dispose()
    assert [replace(s, id=0) for s in adopted] == [replace(s, id=0) for s in year.result.schedules]


def test_the_story_declines_then_recovers(year: Run) -> None:
    config = year.result.config
    span = add_months(config.start, config.months) - config.start
    surveys = year.result.report.surveys
    crossed = [any(s.crossed and s.is_decay for s in r.scores) for r in surveys]
    assert not crossed[0] and not crossed[-1]  # healthy at both ends
    middle = [
        c
        for c, r in zip(crossed, surveys, strict=True)
        if span / 4 < r.round.opened_at - config.start < span * 3 / 4
    ]
    assert any(middle)  # in trouble in the middle
    answered = [r.answered for r in surveys]
    assert min(answered) < answered[0] * 0.6 and answered[-1] > min(answered) * 1.5


def test_a_default_bot_tells_no_rates_and_sends_no_reminders(year: Run) -> None:
    assert year.result.of_kind("reminder") == []
    assert all(not r.round.eligible_members for r in year.result.report.rounds)
    assert "members answered." in year.output and "members answered (" not in year.output
    assert "no Server Members intent" in year.output  # and the story says so
    assert "reminder DMs" in year.output.split("\n\n", 1)[0]


def test_with_the_members_intent_rates_and_reminders_appear(
    settings: Settings, tmp_path: Path
) -> None:
    out = io.StringIO()
    config = SimulationConfig(
        months=2, members=8, seed=3, chart=tmp_path / "c.png", members_intent=True
    )
    result = run_simulation(config, settings=settings, out=out)
    assert result.of_kind("reminder")
    assert "of 8 members answered (" in out.getvalue()
    assert "With the Server Members intent" in out.getvalue()


def test_the_guild_id_is_told(year: Run) -> None:
    assert f"Simulated Discord server (guild) id: {GUILD_ID}" in year.output


def test_a_short_run_shows_no_progress(settings: Settings, tmp_path: Path) -> None:
    progress = io.StringIO()
    config = SimulationConfig(
        months=1, members=5, seed=3, chart=tmp_path / "c.png", progress=progress
    )
    run_simulation(config, settings=settings, out=io.StringIO())
    assert progress.getvalue() == ""


def test_the_summary_counts_what_was_posted(year: Run) -> None:
    summary = year.result.summary
    assert f"{len(year.result.report.rounds)} rounds" in summary
    for kind, count in year.result.suggestions.items():
        assert f"{count} {kind}" in summary
    done = sum(1 for c in year.result.commitments if c.status is CommitmentStatus.DONE)
    assert f"coordinators committed {len(year.result.commitments)} times ({done} done" in summary
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
