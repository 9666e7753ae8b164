"""The schedule keeper over a simulated clock: jobs from the tables, restarts, catch-up."""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import text

from vitalitybot.domain.records import AnswerInput, Community, Round, RoundKind, RoundStatus
from vitalitybot.observability.logs import current_community
from vitalitybot.render.terminal import to_terminal
from vitalitybot.scheduling.clock import ManualClock
from vitalitybot.scheduling.runner import open_job_id
from vitalitybot.services import (
    Services,
    close_now,
    my_answers,
    record_answers,
    set_schedule,
    status,
    status_message,
)
from vitalitybot.storage import Database, open_database

from .conftest import MakeServices, Setup
from .fakes import RecordingNotifier
from .support import (
    GUILD,
    MEMBERS,
    OTHER_GUILD,
    adopt,
    after_the_wake,
    keeper_on,
    questions_of,
    rate,
    rows,
    started,
)

# The community's check-in: the first Tuesday of each month, 10:00 in Berlin.
JAN_CHECKIN = datetime(2026, 1, 6, 9, 0, tzinfo=UTC)
APR_CHECKIN = datetime(2026, 4, 7, 8, 0, tzinfo=UTC)  # 10:00 CEST


async def open_of(svc: Services, community: Community, kind: RoundKind) -> Round:
    [view] = [v for v in (await status(svc, community.id)).open_rounds if v.round.kind is kind]
    return view.round


async def test_a_restart_mid_round_loses_no_answer_and_opens_no_second_round(
    db: Database,
    db_url: str,
    make_services: MakeServices,
    setup: Setup,
    clock: ManualClock,
    notifier: RecordingNotifier,
) -> None:
    svc = make_services(db)
    community = await setup()
    await adopt(svc)
    keeper, runner = await started(svc, clock)
    await runner.run_until(JAN_CHECKIN + timedelta(hours=1))
    checkin = await open_of(svc, community, RoundKind.CHECKIN)
    prompt = (await questions_of(svc, checkin))[0]
    for member in MEMBERS[:3]:
        await record_answers(
            svc, GUILD, checkin.id, member, [AnswerInput(prompt.id, None, f"note {member}", True)]
        )
    keeper.shutdown()
    await db.dispose()  # the process stops

    clock.advance(timedelta(hours=20))
    reopened = open_database(db_url)
    try:
        svc2 = make_services(reopened)
        _, runner2 = await started(svc2, clock)
        assert await rows(reopened, "SELECT kind, status FROM rounds") == [("checkin", "open")]
        for member in MEMBERS[:3]:
            [answer] = await my_answers(svc2, GUILD, checkin.id, member)
            assert answer.text == f"note {member}"
        await runner2.run_until(checkin.closes_at + timedelta(hours=1))
        assert len(notifier.of("round")) == 1
        [reminder] = notifier.of("reminder")
        assert list(reminder.member_ids) == MEMBERS[3:]
        [harvest] = notifier.of("harvest")
        assert "3 of 10 members answered" in harvest.text
        assert all(f"note {m}" in harvest.text for m in MEMBERS[:3])
        assert await rows(reopened, "SELECT status FROM rounds") == [("closed",)]
    finally:
        await reopened.dispose()


async def test_missed_runs_open_at_most_one_round_and_are_recorded_as_missed(
    svc: Services, setup: Setup, clock: ManualClock, notifier: RecordingNotifier, db: Database
) -> None:
    community = await setup()
    await adopt(svc)
    await set_schedule(svc, community.id, "checkin", "monthly")  # the first Tuesday
    keeper, runner = await started(svc, clock)
    await runner.run_until(JAN_CHECKIN + timedelta(days=6))  # January opens and closes
    keeper.shutdown()  # down from mid-January ...
    clock.set(APR_CHECKIN + timedelta(hours=2))  # ... until two hours after April's run

    report = await keeper_on(svc, clock)[0].start()

    assert await rows(db, "SELECT period, status FROM rounds WHERE kind = 'checkin'") == [
        ("2026-01-06", "closed"),
        ("2026-02-03", "missed"),
        ("2026-03-03", "missed"),
        ("2026-04-07", "open"),
    ]
    assert len(report.opened) == 1 and len(report.missed) == 2
    assert [p.round_id for p in notifier.of("round")] == [
        r for (r,) in await rows(db, "SELECT id FROM rounds WHERE status != 'missed'")
    ]
    shown = to_terminal(status_message(svc, await status(svc, community.id)), 1000)
    assert "2026-02-03 · check-in · missed" in shown


async def test_a_run_missed_longer_ago_than_the_grace_period_is_not_opened(
    svc: Services, setup: Setup, clock: ManualClock, notifier: RecordingNotifier, db: Database
) -> None:
    community = await setup()
    await adopt(svc)
    await set_schedule(svc, community.id, "checkin", "monthly")  # the first Tuesday
    keeper, runner = await started(svc, clock)
    await runner.run_until(JAN_CHECKIN + timedelta(days=6))
    keeper.shutdown()
    clock.set(APR_CHECKIN + svc.grace + timedelta(minutes=1))

    report = await keeper_on(svc, clock)[0].start()

    assert report.opened == [] and len(report.missed) == 3
    assert [s for (s,) in await rows(db, "SELECT status FROM rounds ORDER BY id")] == [
        "closed",
        "missed",
        "missed",
        "missed",
    ]
    assert len(notifier.of("round")) == 1


async def test_a_round_whose_window_ended_while_down_is_closed_at_start(
    svc: Services, setup: Setup, clock: ManualClock, notifier: RecordingNotifier
) -> None:
    community = await setup()
    await adopt(svc)
    keeper, runner = await started(svc, clock)
    await runner.run_until(JAN_CHECKIN + timedelta(hours=1))
    checkin = await open_of(svc, community, RoundKind.CHECKIN)
    keeper.shutdown()
    clock.set(checkin.closes_at + timedelta(days=1))

    report = await keeper_on(svc, clock)[0].start()

    assert report.closed == [checkin.id]
    assert len(notifier.of("harvest")) == 1
    assert (await status(svc, community.id)).open_rounds == ()


async def test_schedules_are_rebuilt_from_the_tables(
    svc: Services, setup: Setup, clock: ManualClock
) -> None:
    community = await setup()
    await adopt(svc)
    view = await set_schedule(svc, community.id, "survey", "weekly", "thursday", "18:30")
    _, runner = await started(svc, clock)
    # Thursday 8 January 2026, 18:30 in Berlin.
    assert runner.next_run(open_job_id(view.schedule.id)) == datetime(
        2026, 1, 8, 17, 30, tzinfo=UTC
    )
    moved = await set_schedule(svc, community.id, "survey", "weekly", "friday", "09:00")
    await after_the_wake(runner)
    assert runner.next_run(open_job_id(moved.schedule.id)) == datetime(2026, 1, 9, 8, 0, tzinfo=UTC)
    await set_schedule(svc, community.id, "survey", "weekly", "friday", "09:00", enabled=False)
    await after_the_wake(runner)
    assert runner.next_run(open_job_id(moved.schedule.id)) is None


@pytest.mark.parametrize(
    ("fourth_month", "expected"),
    [
        # Decay every month: remedies until it has lasted six months (the pattern's
        # shortest "when to replant" duration), then the replanting guidance, once: while
        # nobody has taken it up, the next month adds nothing.
        ("crossed", ["remedy"] * 6 + ["replant", None]),
        # Too few answers in April: no figure, no suggestion, and no break in the run.
        ("too few", ["remedy"] * 3 + [None] + ["remedy"] * 2 + ["replant", None]),
        # A healthy April breaks the run: six months are never reached.
        ("healthy", ["remedy"] * 3 + [None] + ["remedy"] * 4),
    ],
)
async def test_replanting_is_suggested_once_decay_has_lasted_and_not_before(
    svc: Services,
    setup: Setup,
    clock: ManualClock,
    notifier: RecordingNotifier,
    fourth_month: str,
    expected: list[str | None],
) -> None:
    community = await setup()
    await adopt(svc)
    survey = await set_schedule(svc, community.id, "survey", "monthly", "first tuesday", "10:00")
    _, runner = await started(svc, clock)
    seen: list[str | None] = []
    for month in range(1, 9):
        fire = runner.next_run(open_job_id(survey.schedule.id))
        assert fire is not None
        await runner.run_until(fire + timedelta(hours=1))
        round_ = await open_of(svc, community, RoundKind.SURVEY)
        if month == 4 and fourth_month == "too few":
            await rate(svc, round_, MEMBERS[:2], {"no-feedback": 5})
        elif month == 4 and fourth_month == "healthy":
            await rate(svc, round_, MEMBERS[:4], 1)
        else:
            await rate(svc, round_, MEMBERS[:4], {"no-feedback": 5})
        await runner.run_until(round_.closes_at + timedelta(hours=1))
        kinds = [
            p.kind
            for p in notifier.of("suggestion")
            if p.round_id == round_.id and p.kind != "suggestion:participation"
        ]
        assert len(kinds) <= 1
        seen.append(kinds[0].split(":")[1] if kinds else None)
    assert seen == expected
    replants = notifier.of("suggestion:replant")
    if replants:
        assert "When to replant" in replants[0].text
        assert "6 months" in replants[0].text


async def test_rounds_leave_no_jobs_of_their_own(
    svc: Services, setup: Setup, clock: ManualClock, db: Database
) -> None:
    """Closes and reminders are read from the rounds table: no job per round, ever."""
    community = await setup()
    await adopt(svc)
    _, runner = await started(svc, clock)
    schedules = {open_job_id(s) for (s,) in await rows(db, "SELECT id FROM schedules")}
    await runner.run_until(JAN_CHECKIN + timedelta(hours=1))
    assert (await open_of(svc, community, RoundKind.CHECKIN)).status is RoundStatus.OPEN
    opened = {job.id for job in runner.jobs()}
    await runner.run_until(JAN_CHECKIN + timedelta(days=6))
    assert (await status(svc, community.id)).recent_rounds[0].round.status is RoundStatus.CLOSED
    for jobs in (opened, {job.id for job in runner.jobs()}):
        assert {j for j in jobs if j.startswith("open:")} == schedules
        assert {j.split(":")[0] for j in jobs} <= {"open", "due", "schedules", "outbox", "digest"}


async def test_one_communitys_broken_schedule_never_stops_the_others(
    svc: Services,
    setup: Setup,
    clock: ManualClock,
    notifier: RecordingNotifier,
    db: Database,
    caplog: pytest.LogCaptureFixture,
) -> None:
    broken = await setup(GUILD)
    await setup(OTHER_GUILD, name="Maintainers")
    await adopt(svc, guild_id=GUILD)
    await adopt(svc, guild_id=OTHER_GUILD)
    async with db.transaction() as session:  # a zone name that no longer exists
        await session.execute(
            text("UPDATE communities SET timezone = 'Nowhere/Atlantis' WHERE id = :id"),
            {"id": broken.id},
        )
    _, runner = await started(svc, clock)
    await runner.run_until(JAN_CHECKIN + timedelta(hours=1))
    assert [(p.guild_id, p.kind) for p in notifier.posts] == [(OTHER_GUILD, "round")]
    refusal = f"community {broken.id}: could not arm schedule"
    said = caplog.text.count(refusal)
    assert said >= 1
    await runner.run_until(JAN_CHECKIN + timedelta(days=3))  # polls come and go
    assert caplog.text.count(refusal) == said  # said once, not at every poll


async def test_a_round_whose_post_never_went_out_is_posted_at_the_next_start(
    svc: Services,
    setup: Setup,
    clock: ManualClock,
    notifier: RecordingNotifier,
    db: Database,
) -> None:
    community = await setup()
    await adopt(svc)
    notifier.failing_guilds.add(GUILD)  # the channel refused the post (or the process died)
    keeper, runner = await started(svc, clock)
    await runner.run_until(JAN_CHECKIN + timedelta(hours=1))
    checkin = await open_of(svc, community, RoundKind.CHECKIN)
    assert checkin.message_id is None
    assert notifier.of("round") == []
    keeper.shutdown()

    notifier.failing_guilds.clear()  # the coordinator fixed the channel; the bot restarts
    clock.advance(timedelta(hours=2))
    await started(svc, clock)

    [post] = notifier.of("round")
    assert post.round_id == checkin.id
    reposted = await open_of(svc, community, RoundKind.CHECKIN)
    assert reposted.message_id is not None
    assert await rows(db, "SELECT COUNT(*) FROM rounds WHERE kind = 'checkin'") == [(1,)]


async def test_what_a_scheduled_job_logs_carries_its_community_id(
    svc: Services,
    setup: Setup,
    clock: ManualClock,
    db: Database,
    caplog: pytest.LogCaptureFixture,
) -> None:
    community = await setup()
    await adopt(svc)
    seen: list[int | None] = []

    def capture(record: logging.LogRecord) -> bool:
        if record.name.startswith("vitalitybot.services"):
            seen.append(current_community())
        return True

    _, runner = await started(svc, clock)
    caplog.set_level(logging.INFO, logger="vitalitybot")
    caplog.handler.addFilter(capture)
    try:
        await runner.run_until(JAN_CHECKIN + timedelta(hours=1))
    finally:
        caplog.handler.removeFilter(capture)
    assert seen, "opening the round logged nothing"
    assert set(seen) == {community.id}


async def test_another_process_changing_a_schedule_and_closing_a_round_is_acted_on_unasked(
    svc: Services,
    setup: Setup,
    clock: ManualClock,
    notifier: RecordingNotifier,
    db: Database,
    db_url: str,
    make_services: MakeServices,
) -> None:
    """A second process (its own connections, no keeper) tells this one nothing."""
    community = await setup()
    await adopt(svc)
    await set_schedule(svc, community.id, "survey", "weekly", "thursday", "18:30")
    _, runner = await started(svc, clock)
    await runner.run_until(JAN_CHECKIN + timedelta(hours=1))
    checkin = await open_of(svc, community, RoundKind.CHECKIN)

    elsewhere = open_database(db_url)
    try:
        other = make_services(elsewhere)
        moved = await set_schedule(other, community.id, "survey", "weekly", "friday", "09:00")
        await close_now(other, community.id, checkin.id)
    finally:
        await elsewhere.dispose()
    assert len(notifier.of("harvest")) == 1  # posted by the process that closed it

    # Thursday 8 January passes without a survey; it opens on Friday 9 January, 09:00
    # in Berlin; and the check-in's reminder and close times pass as well.
    await runner.run_until(max(checkin.closes_at, datetime(2026, 1, 9, 9, 0, tzinfo=UTC)))
    assert await rows(db, "SELECT period FROM rounds WHERE kind = 'survey'") == [("2026-01-09",)]
    assert runner.next_run(open_job_id(moved.schedule.id)) == datetime(
        2026, 1, 16, 8, 0, tzinfo=UTC
    )
    # No reminder, no second close: the check-in was closed when their times came.
    assert [p.kind for p in notifier.posts if p.round_id == checkin.id] == ["round", "harvest"]
    assert await rows(
        db, "SELECT kind FROM deliveries WHERE round_id = :id ORDER BY id", id=checkin.id
    ) == [("round",), ("round-closed",), ("harvest",)]
