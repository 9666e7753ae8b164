"""The runners that drive the bot: ``PacedRunner`` (rehearsals) and what ``AsyncIORunner``
tells and lets a stopping bot do (lag, pause, runs in progress)."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import pytest
from apscheduler.triggers.date import DateTrigger

from vitalitybot.scheduling.cadence import build_trigger, fire_times_between, parse_when
from vitalitybot.scheduling.clock import AcceleratedClock
from vitalitybot.scheduling.runner import AsyncIORunner, Job, open_job_id
from vitalitybot.scheduling.virtual import PacedRunner

START = datetime(2026, 3, 1, tzinfo=UTC)
WEEKLY = parse_when("weekly", "tuesday", "10:00", timezone="Europe/Berlin")
MONTHLY = parse_when("monthly", "first tuesday", "10:00", timezone="Europe/Berlin")
TICK = timedelta(seconds=1)  # fire_times_between leaves out its start
WAIT = 10.0  # seconds before a waiting test gives up (a failure, not a timing)


class Calls:
    """A job function recording its fire times and what the clock read when it ran."""

    def __init__(self, clock: AcceleratedClock, want: int = 1) -> None:
        self.fire_times: list[datetime] = []
        self.clock_times: list[datetime] = []
        self.clock = clock
        self.want = want
        self.done = asyncio.Event()

    async def __call__(self, fire_time: datetime) -> None:
        self.fire_times.append(fire_time)
        self.clock_times.append(self.clock.now())
        if len(self.fire_times) >= self.want:
            self.done.set()


def year_per_second() -> AcceleratedClock:
    return AcceleratedClock(START, speed=365 * 86400.0)


def first_fire(runner: PacedRunner, job_id: str) -> datetime:
    """The job's first fire time, read before the loop can run it: the accelerated clock has
    already moved on since the runner started, by how much depends on the machine's load."""
    first = runner.next_run(job_id)
    assert first is not None
    return first


@pytest.fixture
async def lags() -> list[float]:
    return []


@pytest.fixture
async def paced(lags: list[float]) -> AsyncIterator[PacedRunner]:
    runner = PacedRunner(year_per_second(), on_lag=lags.append)
    runner.start()
    yield runner
    runner.shutdown()


async def test_a_monthly_schedule_runs_on_each_of_its_fire_times_never_early(
    paced: PacedRunner, lags: list[float]
) -> None:
    calls = Calls(paced.clock, want=3)
    paced.add(Job(open_job_id(1), build_trigger(MONTHLY), calls))
    first = first_fire(paced, open_job_id(1))
    await asyncio.wait_for(calls.done.wait(), WAIT)
    expected = fire_times_between(MONTHLY, first - TICK, first + timedelta(days=100))[:3]
    assert calls.fire_times[:3] == expected
    assert all(ran >= fired for ran, fired in zip(calls.clock_times, calls.fire_times, strict=True))
    assert len(lags) >= 3 and all(lag >= 0 for lag in lags)
    assert (
        paced.next_run(open_job_id(1))
        == fire_times_between(
            MONTHLY, calls.fire_times[-1] + timedelta(seconds=1), START + timedelta(days=400)
        )[0]
    )


async def test_runs_the_loop_was_too_busy_for_run_late_in_order_none_skipped(
    paced: PacedRunner,
) -> None:
    calls = Calls(paced.clock, want=5)
    paced.add(Job(open_job_id(2), build_trigger(WEEKLY), calls))
    first = first_fire(paced, open_job_id(2))
    time.sleep(0.1)  # noqa: ASYNC251 (on purpose: the loop is stuck for five simulated weeks)
    await asyncio.wait_for(calls.done.wait(), WAIT)
    assert (
        calls.fire_times[:5]
        == fire_times_between(WEEKLY, first - TICK, first + timedelta(days=60))[:5]
    )


async def test_a_one_shot_job_due_in_the_past_runs_at_once_then_is_gone(
    paced: PacedRunner,
) -> None:
    calls = Calls(paced.clock)
    overdue = START - timedelta(days=2)  # a close that should have happened while down
    paced.add(Job("close:5", DateTrigger(overdue), calls))
    await asyncio.wait_for(calls.done.wait(), WAIT)
    assert calls.fire_times == [overdue]
    assert paced.jobs() == []


async def test_a_failing_run_is_logged_and_the_job_keeps_its_schedule(
    paced: PacedRunner, caplog: pytest.LogCaptureFixture
) -> None:
    calls = Calls(paced.clock, want=2)

    async def breaks_once(fire_time: datetime) -> None:
        await calls(fire_time)
        if len(calls.fire_times) == 1:
            raise RuntimeError("the job broke")

    paced.add(Job(open_job_id(3), build_trigger(WEEKLY), breaks_once))
    await asyncio.wait_for(calls.done.wait(), WAIT)
    assert any("open:3 failed" in r.getMessage() and r.exc_info for r in caplog.records)


async def test_removed_and_replaced_jobs_do_not_run(paced: PacedRunner) -> None:
    old, new = Calls(paced.clock), Calls(paced.clock)
    soon = paced.clock.now() + timedelta(days=20)
    paced.add(Job("close:1", DateTrigger(soon), old))
    paced.add(Job("close:1", DateTrigger(soon), new))
    paced.add(Job("close:2", DateTrigger(soon), Calls(paced.clock)))
    paced.remove("close:2")
    assert [job.id for job in paced.jobs()] == ["close:1"]
    await asyncio.wait_for(new.done.wait(), WAIT)
    assert old.fire_times == []


async def test_paused_it_starts_nothing_and_lists_the_runs_in_progress(
    paced: PacedRunner,
) -> None:
    release = asyncio.Event()
    started = asyncio.Event()

    async def slow(_fire_time: datetime) -> None:
        started.set()
        await release.wait()

    paced.add(Job("close:1", DateTrigger(paced.clock.now()), slow))
    await asyncio.wait_for(started.wait(), WAIT)
    paced.pause()
    later = Calls(paced.clock)
    paced.add(Job("close:2", DateTrigger(paced.clock.now()), later))
    (running,) = paced.in_flight()
    release.set()
    await asyncio.wait_for(running, WAIT)
    await asyncio.sleep(0.05)
    assert later.fire_times == []
    assert paced.in_flight() == set()
    assert paced.running


async def test_shutdown_cancels_the_runs_in_progress() -> None:
    runner = PacedRunner(year_per_second())
    runner.start()
    started = asyncio.Event()

    async def endless(_fire_time: datetime) -> None:
        started.set()
        await asyncio.Event().wait()

    runner.add(Job("close:1", DateTrigger(runner.clock.now()), endless))
    await asyncio.wait_for(started.wait(), WAIT)
    (running,) = runner.in_flight()
    runner.shutdown()
    with pytest.raises(asyncio.CancelledError):
        await running
    assert not runner.running and runner.jobs() == []


# --- the real-time runner -------------------------------------------------------


async def test_the_real_time_runner_reports_each_runs_lag_and_can_pause() -> None:
    lags: list[float] = []
    runner = AsyncIORunner(on_lag=lags.append)
    runner.start()
    release, started = asyncio.Event(), asyncio.Event()

    async def slow(_fire_time: datetime) -> None:
        started.set()
        await release.wait()

    late = datetime.now(UTC) - timedelta(seconds=30)  # due half a minute ago
    runner.add(Job("close:1", DateTrigger(late), slow))
    await asyncio.wait_for(started.wait(), WAIT)
    assert len(lags) == 1 and lags[0] >= 30
    runner.pause()
    skipped = asyncio.Event()

    async def never(_fire_time: datetime) -> None:
        skipped.set()

    runner.add(Job("close:2", DateTrigger(datetime.now(UTC)), never))
    (running,) = runner.in_flight()
    release.set()
    await asyncio.wait_for(running, WAIT)
    await asyncio.sleep(0.1)
    assert not skipped.is_set()
    assert runner.running  # paused is not stopped
    runner.shutdown()
    await asyncio.sleep(0)


async def test_the_real_time_runner_stops_once_however_often_it_is_told() -> None:
    errors: list[dict[str, object]] = []
    asyncio.get_running_loop().set_exception_handler(lambda _loop, context: errors.append(context))
    runner = AsyncIORunner()
    assert runner.in_flight() == set()  # nothing started yet
    runner.start()
    runner.shutdown()
    runner.shutdown()  # the bot and the app both stop it on the way out
    assert not runner.running
    await asyncio.sleep(0.05)  # APScheduler stops on the loop's next turns
    assert errors == []
