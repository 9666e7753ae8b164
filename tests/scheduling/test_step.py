"""A step re-run from the tables: on its poll, when it asks, when woken, never twice at once."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import pytest

from vitalitybot.scheduling.clock import AcceleratedClock, ManualClock, clock_span
from vitalitybot.scheduling.step import RepeatedStep
from vitalitybot.scheduling.virtual import SimulatedRunner

START = datetime(2026, 1, 5, 8, 0, tzinfo=UTC)
POLL = timedelta(hours=1)
DELAY = timedelta(seconds=1)


class Body:
    """A step body that records when it ran and answers what it is told to."""

    def __init__(self, clock: ManualClock) -> None:
        self.clock = clock
        self.runs: list[datetime] = []
        self.following: datetime | None = None
        self.during: Callable[[], None] | None = None
        self.fail = False

    async def __call__(self) -> datetime | None:
        self.runs.append(self.clock.now())
        if self.during is not None:
            self.during()
        if self.fail:
            raise RuntimeError("the database went away")
        return self.following


def made(clock: ManualClock) -> tuple[RepeatedStep, Body, SimulatedRunner]:
    runner = SimulatedRunner(clock)
    body = Body(clock)
    return RepeatedStep("due", body, runner, clock, poll=POLL, wake_delay=DELAY), body, runner


async def test_it_runs_at_the_start_and_then_on_every_poll() -> None:
    clock = ManualClock(START)
    step, body, runner = made(clock)
    step.start(START)
    await runner.run_until(START + 3 * POLL)
    assert body.runs == [START + n * POLL for n in range(4)]


async def test_it_runs_at_the_time_it_asked_for_between_polls() -> None:
    clock = ManualClock(START)
    step, body, runner = made(clock)
    body.following = START + timedelta(minutes=20)

    def once() -> None:
        body.following = None

    step.start(START)
    await runner.run_until(START)
    body.during = once
    await runner.run_until(START + POLL - timedelta(minutes=1))
    assert body.runs == [START, START + timedelta(minutes=20)]


async def test_a_burst_of_wakes_makes_one_run_soon_after() -> None:
    clock = ManualClock(START)
    step, body, runner = made(clock)
    step.start(START)
    await runner.run_until(START + timedelta(minutes=10))
    for _ in range(50):
        step.wake()
    await runner.run_until(START + timedelta(minutes=20))
    assert body.runs == [START, START + timedelta(minutes=10) + DELAY]


async def test_a_wake_during_a_run_makes_one_more_run_after_it() -> None:
    clock = ManualClock(START)
    step, body, runner = made(clock)

    def commit_once() -> None:  # what a close committed by the run itself does
        body.during = None
        step.wake()

    body.during = commit_once
    step.start(START)
    await runner.run_until(START + POLL - timedelta(minutes=1))
    assert body.runs == [START, START + DELAY]


async def test_a_failing_run_is_logged_and_the_poll_tries_again(
    caplog: pytest.LogCaptureFixture,
) -> None:
    clock = ManualClock(START)
    step, body, runner = made(clock)
    body.fail = True
    body.following = START + timedelta(minutes=5)  # never heard: the run failed
    caplog.set_level(logging.ERROR)
    step.start(START)
    await runner.run_until(START + POLL)
    assert body.runs == [START, START + POLL]
    assert "due failed; the next poll tries again" in caplog.text


async def test_a_stopped_step_leaves_no_job() -> None:
    clock = ManualClock(START)
    step, body, runner = made(clock)
    step.start(START)
    step.stop()
    assert runner.jobs() == []
    await runner.run_until(START + 2 * POLL)
    assert body.runs == []


def test_a_poll_in_real_time_is_as_many_seconds_of_a_rehearsals_faster_clock() -> None:
    assert clock_span(ManualClock(START), POLL) == POLL
    rehearsal = AcceleratedClock(START, speed=600, wall=lambda: 0.0)
    assert clock_span(rehearsal, timedelta(minutes=1)) == timedelta(hours=10)
