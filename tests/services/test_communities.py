"""Setting a community up: time zone, patterns, schedules, thresholds, status."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from vitalitybot.domain.records import RoundKind
from vitalitybot.render.timestamps import local_times
from vitalitybot.scheduling.clock import ManualClock
from vitalitybot.scheduling.runner import open_job_id
from vitalitybot.services import (
    InvalidSetting,
    NotConfigured,
    PatternNotAdopted,
    Place,
    Services,
    UnknownPattern,
    adopt_pattern,
    close_round,
    current_scores,
    drop_pattern,
    find_community,
    list_adopted,
    open_round,
    set_schedule,
    set_threshold,
    setup_community,
    status,
)

from .conftest import Setup
from .fakes import RecordingNotifier
from .support import COP, GUILD, MEMBERS, after_the_wake, rate, started


async def test_a_guild_that_is_not_set_up_gets_a_clear_message(svc: Services) -> None:
    with pytest.raises(NotConfigured, match="not set up in this server"):
        await find_community(svc, Place(GUILD, channel_id=42))


async def test_a_community_removed_since_is_not_configured(svc: Services, setup: Setup) -> None:
    gone = (await setup()).id + 1
    with pytest.raises(NotConfigured):
        await adopt_pattern(svc, gone, COP)
    with pytest.raises(NotConfigured):
        await status(svc, gone)


async def test_setup_refuses_an_unknown_time_zone_and_suggests_the_likely_one(
    svc: Services,
) -> None:
    with pytest.raises(InvalidSetting, match="Did you mean Europe/Berlin"):
        await setup_community(svc, GUILD, "Nurses", 42, "europe/berlin")
    with pytest.raises(InvalidSetting, match="IANA"):
        await setup_community(svc, GUILD, "Nurses", 42, "Mars/Olympus")


@pytest.mark.parametrize(
    ("host_name", "hint"),
    [
        ("localtime", "IANA"),
        ("posixrules", "IANA"),
        ("Factory", "IANA"),
        ("right/Europe/Berlin", "Did you mean Europe/Berlin"),
        ("posix/Europe/Berlin", "Did you mean Europe/Berlin"),
    ],
)
async def test_setup_refuses_zone_names_only_this_host_knows(
    svc: Services, host_name: str, hint: str
) -> None:
    with pytest.raises(InvalidSetting, match=hint):
        await setup_community(svc, GUILD, "Nurses", 42, host_name)
    assert (await setup_community(svc, GUILD, "Nurses", 42, "UTC")).timezone == "UTC"


async def test_running_setup_again_updates_the_community(svc: Services, setup: Setup) -> None:
    first = await setup()
    again = await setup_community(svc, GUILD, first.name, 77, "America/New_York", 5)
    assert again.id == first.id
    assert (again.name, again.channel_id, again.timezone, again.coordinator_role_id) == (
        first.name,
        77,
        "America/New_York",
        5,
    )


async def test_a_new_time_zone_moves_the_armed_schedules(
    svc: Services, setup: Setup, clock: ManualClock
) -> None:
    community = await setup()
    result = await adopt_pattern(svc, community.id, COP)
    _, runner = await started(svc, clock)
    checkin = next(s for s in result.schedules if s.kind is RoundKind.CHECKIN)
    assert runner.next_run(open_job_id(checkin.id)) == datetime(2026, 1, 6, 9, 0, tzinfo=UTC)
    await setup_community(svc, GUILD, community.name, 42, "America/New_York")
    await after_the_wake(runner)
    assert runner.next_run(open_job_id(checkin.id)) == datetime(2026, 1, 6, 15, 0, tzinfo=UTC)


async def test_an_unknown_pattern_is_refused_with_close_names(svc: Services, setup: Setup) -> None:
    community = await setup()
    with pytest.raises(UnknownPattern) as refused:
        await adopt_pattern(svc, community.id, "commons alignmnt")
    assert COP in [slug for slug, _ in refused.value.suggestions]
    assert "Did you mean" in str(refused.value) and "CoP–Commons Alignment" in str(refused.value)


async def test_adopting_by_title_and_first_adoption_creates_default_schedules(
    svc: Services, setup: Setup
) -> None:
    community = await setup()
    first = await adopt_pattern(svc, community.id, "CoP–Commons Alignment")
    assert first.pattern.slug == COP and first.created
    by_kind = {s.kind: s for s in first.schedules}
    assert set(by_kind) == {RoundKind.CHECKIN, RoundKind.SURVEY}
    # The pattern's check-in rhythm is "monthly or quarterly": the least demanding, and
    # the other named; its survey rhythm is "each quarter", two weeks after the check-in.
    assert (by_kind[RoundKind.CHECKIN].cadence, by_kind[RoundKind.CHECKIN].nth) == ("quarterly", 1)
    assert (by_kind[RoundKind.SURVEY].cadence, by_kind[RoundKind.SURVEY].nth) == ("quarterly", 3)
    assert [(r.kind, r.phrase, r.scheduled, r.others) for r in first.rhythms] == [
        (RoundKind.CHECKIN, "monthly or quarterly", "quarterly", ("monthly",)),
        (RoundKind.SURVEY, "each quarter", "quarterly", ()),
    ]
    second = await adopt_pattern(svc, community.id, "energizing-participation")
    assert second.schedules == ()
    again = await adopt_pattern(svc, community.id, COP)
    assert not again.created
    assert [a.slug for a in await list_adopted(svc, community.id)] == [
        COP,
        "energizing-participation",
    ]


async def test_a_quarterly_pattern_gets_a_quarterly_survey(svc: Services, setup: Setup) -> None:
    community = await setup()
    result = await adopt_pattern(svc, community.id, "community-lifecycle")
    survey = next(s for s in result.schedules if s.kind is RoundKind.SURVEY)
    assert survey.cadence == "quarterly"


async def test_dropping_a_pattern_stops_surveying_it(svc: Services, setup: Setup) -> None:
    community = await setup()
    await adopt_pattern(svc, community.id, COP)
    await adopt_pattern(svc, community.id, "energizing-participation")
    dropped = await drop_pattern(svc, community.id, COP)
    assert dropped.title == "CoP–Commons Alignment"
    round_ = await open_round(svc, community.id, "survey", period="2026-01-06")
    assert round_ is not None
    form_patterns = {v.pattern_slug for v in await current_scores(svc, GUILD, round_.id)}
    assert form_patterns == {"energizing-participation"}
    with pytest.raises(PatternNotAdopted, match="energizing-participation"):
        await drop_pattern(svc, community.id, COP)


async def test_pausing_keeps_the_timing_and_needs_no_other_words(
    svc: Services, setup: Setup
) -> None:
    community = await setup()
    with pytest.raises(InvalidSetting, match="no survey schedule yet: give a cadence"):
        await set_schedule(svc, community.id, "survey", enabled=False)
    await set_schedule(svc, community.id, "survey", "yearly", "15", None, 20)
    paused = await set_schedule(svc, community.id, "survey", enabled=False)
    assert (
        paused.description
        == "day 15 of every year (Jan) at 10:00 (Europe/Berlin), open for 20 days (paused)"
    )
    assert (paused.next_run, paused.next_run_text) == (None, "")
    resumed = await set_schedule(svc, community.id, "survey", window_days=10)
    assert resumed.schedule.enabled and resumed.schedule.window_days == 10
    assert resumed.next_run == datetime(2026, 1, 15, 9, 0, tzinfo=UTC)
    with pytest.raises(InvalidSetting, match="Give the cadence too"):
        await set_schedule(svc, community.id, "survey", day="20")


async def test_a_schedule_in_a_coordinators_words(svc: Services, setup: Setup) -> None:
    community = await setup()
    view = await set_schedule(svc, community.id, "checkin", "monthly", "last friday", "6:30 pm", 3)
    assert view.description == (
        "the last Friday of every month at 18:30 (Europe/Berlin), open for 3 days"
    )
    assert view.next_run == datetime(2026, 1, 30, 17, 30, tzinfo=UTC)
    # A Discord timestamp: a reader in Berlin sees the community's own evening.
    assert local_times(view.next_run_text, "Europe/Berlin") == (
        "Fri 30 Jan 2026, 18:30 (Europe/Berlin)"
    )
    with pytest.raises(InvalidSetting, match="can't read the day"):
        await set_schedule(svc, community.id, "checkin", "monthly", "someday")
    with pytest.raises(InvalidSetting, match="at most 6 days"):
        await set_schedule(svc, community.id, "survey", "weekly", "monday", None, 9)
    with pytest.raises(InvalidSetting, match="checkin or survey"):
        await set_schedule(svc, community.id, "poll", "weekly")


async def test_threshold_settings_are_checked_and_used(
    svc: Services, setup: Setup, notifier: RecordingNotifier
) -> None:
    community = await setup()
    await adopt_pattern(svc, community.id, COP)
    with pytest.raises(InvalidSetting, match=r"from 0\.01 to 1"):
        await set_threshold(svc, community.id, 50)
    with pytest.raises(InvalidSetting, match=r"from 0\.01 to 1"):
        await set_threshold(svc, community.id, 0)
    with pytest.raises(InvalidSetting):
        await set_threshold(svc, community.id, 0.5, 0)
    with pytest.raises(InvalidSetting, match="Anonymous rounds need at least 3"):
        await set_threshold(svc, community.id, 0.5, 2)
    changed = await set_threshold(svc, community.id, 0.75, 3)
    assert (changed.threshold, changed.min_respondents) == (0.75, 3)
    round_ = await open_round(svc, community.id, "survey", period="2026-01-06")
    assert round_ is not None
    # Two of three see "no feedback" often: 67% is under 75%, so nothing crosses ...
    await rate(svc, round_, MEMBERS[:2], {"no-feedback": 5})
    await rate(svc, round_, MEMBERS[2:3], 1)
    result = await close_round(svc, community.id, round_.id)
    assert result.suggestions == ()
    # ... though with a minimum of three the figures are shown.
    assert all(s.visible for s in result.scores)


async def test_a_kind_without_a_schedule_gets_its_default_on_adoption(
    svc: Services, setup: Setup
) -> None:
    community = await setup()
    mine = await set_schedule(svc, community.id, "checkin", "monthly", "15", "18:00")
    result = await adopt_pattern(svc, community.id, COP)
    assert [s.kind for s in result.schedules] == [RoundKind.SURVEY]
    kept = {v.schedule.kind: v.schedule for v in (await status(svc, community.id)).schedules}
    assert kept[RoundKind.CHECKIN] == mine.schedule
