from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import pytest
from apscheduler.triggers.date import DateTrigger

from vitalitybot.scheduling.cadence import build_trigger, closes_at, next_fire_times, parse_when
from vitalitybot.scheduling.clock import ManualClock
from vitalitybot.scheduling.runner import (
    AsyncIORunner,
    Job,
    SchedulerRunner,
    open_job_id,
)
from vitalitybot.scheduling.virtual import SimulatedRunner

MONTHLY = parse_when("monthly", "first tuesday", "10:00", timezone="Europe/Berlin")
WAIT = 10.0  # seconds before a test that waits for a job gives up (a failure, not a timing)


def utc(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=UTC)


class Calls:
    """A job function that records what it was called with and when."""

    def __init__(self, clock: ManualClock | None = None, *, fail: bool = False) -> None:
        self.fire_times: list[datetime] = []
        self.clock_times: list[datetime] = []
        self.done = asyncio.Event()
        self._clock = clock
        self._fail = fail

    async def __call__(self, fire_time: datetime) -> None:
        self.fire_times.append(fire_time)
        if self._clock is not None:
            self.clock_times.append(self._clock.now())
        self.done.set()
        if self._fail:
            raise RuntimeError("the job broke")


# --- real time ---------------------------------------------------------------


@pytest.fixture
async def runner() -> AsyncIterator[AsyncIORunner]:
    made = AsyncIORunner()
    made.start()
    yield made
    made.shutdown()
    await asyncio.sleep(0)  # let the scheduler's own shutdown callback run on this loop


def soon(seconds: float) -> datetime:
    return datetime.now(UTC) + timedelta(seconds=seconds)


async def test_a_one_shot_job_runs_once_and_gets_its_scheduled_time(
    runner: AsyncIORunner,
) -> None:
    first, sentinel = Calls(), Calls()
    when = soon(0.2)
    runner.add(Job("close:1", DateTrigger(when), first))
    runner.add(Job("close:2", DateTrigger(when + timedelta(seconds=0.3)), sentinel))
    await asyncio.wait_for(sentinel.done.wait(), WAIT)
    assert first.fire_times == [when]
    assert first.fire_times[0].tzinfo is UTC
    assert sentinel.fire_times == [when + timedelta(seconds=0.3)]
    assert runner.jobs() == []  # one-shot jobs are gone once they ran


async def test_a_failing_job_is_logged_and_the_others_still_run(
    runner: AsyncIORunner, caplog: pytest.LogCaptureFixture
) -> None:
    broken, healthy = Calls(fail=True), Calls()
    runner.add(Job("remind:7", DateTrigger(soon(0.1)), broken))
    runner.add(Job("remind:8", DateTrigger(soon(0.3)), healthy))
    with caplog.at_level(logging.ERROR):
        await asyncio.wait_for(healthy.done.wait(), WAIT)
    assert len(broken.fire_times) == 1
    assert len(healthy.fire_times) == 1
    assert runner.running
    assert any("remind:7" in r.getMessage() and r.exc_info for r in caplog.records)
    again = Calls()
    runner.add(Job("remind:9", DateTrigger(soon(0.1)), again))
    await asyncio.wait_for(again.done.wait(), WAIT)


async def test_a_run_later_than_the_grace_is_skipped_not_run_late(
    caplog: pytest.LogCaptureFixture,
) -> None:
    made = AsyncIORunner(misfire_grace_time=timedelta(seconds=1))
    made.start()
    stale, sentinel = Calls(), Calls()
    with caplog.at_level(logging.WARNING):
        made.add(Job("close:1", DateTrigger(soon(-3600)), stale))
        made.add(Job("close:2", DateTrigger(soon(0.2)), sentinel))
        await asyncio.wait_for(sentinel.done.wait(), WAIT)
    made.shutdown()
    await asyncio.sleep(0)
    assert stale.fire_times == []
    assert any("close:1 missed its run" in r.getMessage() for r in caplog.records)


async def test_adding_a_job_with_the_same_id_replaces_it(runner: AsyncIORunner) -> None:
    old, new = Calls(), Calls()
    runner.add(Job(open_job_id(3), build_trigger(MONTHLY), old))
    runner.add(Job(open_job_id(3), build_trigger(MONTHLY), new))
    assert [job.fn for job in runner.jobs()] == [new]
    expected = next_fire_times(MONTHLY, datetime.now(UTC), 1)[0]
    assert runner.next_run(open_job_id(3)) == expected
    runner.remove(open_job_id(3))
    runner.remove(open_job_id(3))  # already gone: no error
    assert runner.jobs() == []
    assert runner.next_run(open_job_id(3)) is None


def test_next_run_is_known_before_the_scheduler_starts() -> None:
    made = AsyncIORunner(clock=ManualClock(utc(2026, 1, 1)))
    made.add(Job(open_job_id(1), build_trigger(MONTHLY), Calls()))
    assert made.next_run(open_job_id(1)) == utc(2026, 1, 6, 9)
    assert not made.running
    made.shutdown()  # not started: nothing to do


# --- simulated time ----------------------------------------------------------


async def test_a_monthly_schedule_runs_twelve_times_in_a_simulated_year() -> None:
    clock = ManualClock(utc(2026, 1, 1))
    sim = SimulatedRunner(clock)
    calls = Calls(clock)
    sim.add(Job(open_job_id(1), build_trigger(MONTHLY), calls))
    runs = await sim.run_until(utc(2026, 12, 31))
    expected = next_fire_times(MONTHLY, utc(2026, 1, 1), 12)
    assert runs == 12
    assert calls.fire_times == expected
    assert calls.clock_times == expected  # the clock stood at each fire time
    assert clock.now() == utc(2026, 12, 31)
    assert sim.next_run(open_job_id(1)) == utc(2027, 1, 5, 9)


async def test_a_job_added_by_a_running_job_is_run_too() -> None:
    clock = ManualClock(utc(2026, 1, 1))
    sim = SimulatedRunner(clock)
    closes = Calls(clock)
    opened: list[datetime] = []

    async def open_round(fire_time: datetime) -> None:
        opened.append(fire_time)
        close = closes_at(MONTHLY, fire_time)
        sim.add(Job(f"close:{len(opened)}", DateTrigger(close), closes))

    sim.add(Job(open_job_id(1), build_trigger(MONTHLY), open_round))
    await sim.run_until(utc(2026, 4, 1))
    assert opened == next_fire_times(MONTHLY, utc(2026, 1, 1), 3)
    assert closes.fire_times == [closes_at(MONTHLY, o) for o in opened]
    assert closes.clock_times == closes.fire_times
    assert [job.id for job in sim.jobs()] == [open_job_id(1)]


async def test_simultaneous_jobs_run_in_id_order() -> None:
    clock = ManualClock(utc(2026, 1, 1))
    sim = SimulatedRunner(clock)
    order: list[str] = []

    def recorder(name: str) -> Job:
        async def record(fire_time: datetime) -> None:
            order.append(name)

        return Job(name, DateTrigger(utc(2026, 1, 2)), record)

    for name in ("open:2", "close:9", "remind:1", "close:10"):
        sim.add(recorder(name))
    await sim.run_until(utc(2026, 1, 3))
    assert order == ["close:10", "close:9", "open:2", "remind:1"]


async def test_a_failing_job_does_not_stop_the_simulation(
    caplog: pytest.LogCaptureFixture,
) -> None:
    clock = ManualClock(utc(2026, 1, 1))
    sim = SimulatedRunner(clock)
    broken, healthy = Calls(fail=True), Calls()
    sim.add(Job("open:1", build_trigger(MONTHLY), broken))
    sim.add(Job("open:2", build_trigger(MONTHLY), healthy))
    with caplog.at_level(logging.ERROR):
        await sim.run_until(utc(2026, 7, 1))
    assert len(broken.fire_times) == len(healthy.fire_times) == 6
    assert sum("open:1 failed" in r.getMessage() for r in caplog.records) == 6


async def test_a_job_that_removes_itself_runs_no_more() -> None:
    clock = ManualClock(utc(2026, 1, 1))
    sim = SimulatedRunner(clock)
    fired: list[datetime] = []

    async def once(fire_time: datetime) -> None:
        fired.append(fire_time)
        sim.remove("open:1")

    sim.add(Job("open:1", build_trigger(MONTHLY), once))
    await sim.run_until(utc(2027, 1, 1))
    assert fired == [utc(2026, 1, 6, 9)]


async def test_an_overdue_job_runs_at_once_without_turning_the_clock_back() -> None:
    clock = ManualClock(utc(2026, 3, 1))
    sim = SimulatedRunner(clock)
    calls = Calls(clock)
    sim.add(Job("close:4", DateTrigger(utc(2026, 2, 20)), calls))
    await sim.run_until(utc(2026, 3, 2))
    assert calls.fire_times == [utc(2026, 2, 20)]
    assert calls.clock_times == [utc(2026, 3, 1)]


async def test_the_simulation_follows_the_dst_rules_of_the_real_trigger() -> None:
    weekly = parse_when("weekly", "sunday", "1:30", timezone="America/New_York")
    clock = ManualClock(utc(2026, 1, 1))
    sim = SimulatedRunner(clock)
    calls = Calls(clock)
    sim.add(Job(open_job_id(5), build_trigger(weekly), calls))
    await sim.run_until(utc(2027, 1, 1))
    assert calls.fire_times == next_fire_times(weekly, utc(2026, 1, 1), 52)


def test_both_runners_are_scheduler_runners() -> None:
    runners: list[SchedulerRunner] = [
        AsyncIORunner(),
        SimulatedRunner(ManualClock(utc(2026, 1, 1))),
    ]
    for made in runners:
        made.add(Job("open:1", build_trigger(MONTHLY), Calls()))
        assert [job.id for job in made.jobs()] == ["open:1"]
