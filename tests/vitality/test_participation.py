from __future__ import annotations

import pytest

from vitalitybot.vitality.participation import participation_drop, participation_rate


def test_rate_is_respondents_over_eligible() -> None:
    assert participation_rate(3, 12) == 0.25


def test_rate_without_eligible_members_is_zero() -> None:
    assert participation_rate(0, 0) == 0.0


def test_rate_is_capped_when_members_left_during_the_round() -> None:
    assert participation_rate(11, 10) == 1.0


def test_negative_counts_are_refused() -> None:
    with pytest.raises(ValueError):
        participation_rate(-1, 10)


def test_a_halving_against_a_steady_past_is_a_sharp_fall() -> None:
    assert participation_drop([0.6, 0.6, 0.6], 0.3)


def test_ordinary_wobble_is_not() -> None:
    assert not participation_drop([0.6, 0.6, 0.6], 0.4)


def test_a_fall_exactly_at_the_line_is_not_yet_sharp() -> None:
    assert not participation_drop([0.5, 0.5], 0.25, drop=0.5)
    assert participation_drop([0.5, 0.5], 0.24, drop=0.5)


def test_only_the_last_window_rounds_count() -> None:
    history = [0.9, 0.9, 0.3, 0.3, 0.3]  # the community already settled at 30%
    assert not participation_drop(history, 0.2)
    assert participation_drop(history, 0.2, window=5)


def test_too_little_history_is_never_a_drop() -> None:
    assert not participation_drop([], 0.0)
    assert not participation_drop([0.8], 0.1)
    assert participation_drop([0.8], 0.1, min_history=1)


def test_nothing_to_fall_from() -> None:
    assert not participation_drop([0.0, 0.0, 0.0], 0.0)


@pytest.mark.parametrize(
    "kwargs", [{"window": 0}, {"drop": 0.0}, {"drop": 1.0}, {"min_history": 0}]
)
def test_impossible_settings_are_refused(kwargs: dict[str, float]) -> None:
    with pytest.raises(ValueError):
        participation_drop([0.5, 0.5], 0.1, **kwargs)  # type: ignore[arg-type]
