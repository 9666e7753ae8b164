from __future__ import annotations

import pytest

from vitalitybot.domain import scale


def test_scale_runs_from_never_to_constantly() -> None:
    assert [(p.value, p.word) for p in scale.SCALE] == [
        (1, "never"),
        (2, "rarely"),
        (3, "sometimes"),
        (4, "often"),
        (5, "constantly"),
    ]


def test_high_answers_are_often_and_constantly() -> None:
    assert scale.HIGH == 4
    assert scale.high_words() == "often or constantly"


@pytest.mark.parametrize(("value", "expected"), [(1, "never"), (3, "sometimes"), (5, "constantly")])
def test_word_names_each_value(value: int, expected: str) -> None:
    assert scale.word(value) == expected


@pytest.mark.parametrize("value", [0, 6, -1])
def test_values_off_the_scale_are_refused(value: int) -> None:
    assert not scale.is_valid(value)
    with pytest.raises(ValueError):
        scale.word(value)


@pytest.mark.parametrize(("typed", "expected"), [("4", 4), (" Often ", 4), ("never", 1), ("5", 5)])
def test_terminal_answers_accept_digits_and_words(typed: str, expected: int) -> None:
    assert scale.parse(typed) == expected


@pytest.mark.parametrize("typed", ["6", "0", "maybe", "", "4.5"])
def test_terminal_answers_off_the_scale_are_refused(typed: str) -> None:
    with pytest.raises(ValueError):
        scale.parse(typed)
