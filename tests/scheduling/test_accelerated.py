"""The rehearsal clock: simulated time derived from the wall clock, the same in every process."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from vitalitybot.scheduling.clock import AcceleratedClock

START = datetime(2026, 3, 1, tzinfo=UTC)
DAY = 86400.0


class Wall:
    """A wall clock the test moves by hand (UNIX seconds)."""

    def __init__(self, now: float = 1_800_000_000.0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


def test_it_reads_the_start_at_the_epoch_and_runs_speed_times_faster() -> None:
    wall = Wall()
    clock = AcceleratedClock(START, speed=DAY, epoch=wall.now, wall=wall)
    assert clock.now() == START
    wall.now += 1.5
    assert clock.now() == START + timedelta(days=1, hours=12)
    assert clock.now().tzinfo is UTC


def test_a_process_started_later_with_the_same_epoch_agrees_with_the_first() -> None:
    wall = Wall()
    epoch = wall.now
    first = AcceleratedClock(START, speed=DAY, epoch=epoch, wall=wall)
    wall.now += 7.25  # the second process (or a restart of the first) comes up later
    second = AcceleratedClock(START, speed=DAY, epoch=epoch, wall=wall)
    assert second.now() == first.now() == START + timedelta(days=7, hours=6)


def test_before_its_epoch_it_stands_at_the_start() -> None:
    wall = Wall()
    clock = AcceleratedClock(START, speed=DAY, epoch=wall.now + 2, wall=wall)
    assert clock.now() == START
    assert clock.real_seconds_until(START + timedelta(hours=12)) == pytest.approx(2.5)
    wall.now += 1
    assert clock.now() == START
    wall.now += 1.5
    assert clock.now() == START + timedelta(hours=12)


def test_without_an_epoch_it_starts_now() -> None:
    wall = Wall()
    clock = AcceleratedClock(START, speed=10, wall=wall)
    assert clock.epoch == wall.now
    assert clock.now() == START


def test_it_never_goes_back_when_the_host_clock_is_stepped_back() -> None:
    wall = Wall()
    clock = AcceleratedClock(START, speed=DAY, epoch=wall.now, wall=wall)
    wall.now += 2
    later = clock.now()
    wall.now -= 1  # NTP steps the host clock back
    assert clock.now() == later
    wall.now += 2
    assert clock.now() == START + timedelta(days=3)


def test_real_seconds_scale_simulated_time_down() -> None:
    wall = Wall()
    clock = AcceleratedClock(START, speed=DAY, epoch=wall.now, wall=wall)
    assert clock.real_seconds(timedelta(days=30)) == pytest.approx(30.0)
    assert clock.real_seconds_until(START + timedelta(hours=6)) == pytest.approx(0.25)
    wall.now += 1
    assert clock.real_seconds_until(START + timedelta(hours=6)) == pytest.approx(-0.75)


@pytest.mark.parametrize("speed", [0, -3.0])
def test_a_speed_that_does_not_move_forward_is_refused(speed: float) -> None:
    with pytest.raises(ValueError, match="speed"):
        AcceleratedClock(START, speed=speed)


def test_a_naive_start_is_refused() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        AcceleratedClock(datetime(2026, 3, 1), speed=DAY)
