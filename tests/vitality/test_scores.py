from __future__ import annotations

import re

import pytest

from score_reference import reference_score
from vitalitybot.vitality.scores import SignScore, Threshold, crosses, display, visible


def test_score_counts_respondents_mean_and_high_share() -> None:
    score = reference_score([1, 2, 4, 5, 5])
    assert score.n == 5
    assert score.mean == pytest.approx(3.4)
    assert score.share_high == pytest.approx(0.6)


def test_no_answers_score_zero() -> None:
    assert reference_score([]) == SignScore(0, 0.0, 0.0)


@pytest.mark.parametrize("bad", [0, 6, -1])
def test_answers_off_the_scale_are_refused(bad: int) -> None:
    with pytest.raises(ValueError):
        reference_score([3, bad])


def test_crosses_exactly_at_the_threshold() -> None:
    score = reference_score([4, 5, 1, 2])  # 2 of 4 often or constantly
    assert score.share_high == 0.5
    assert crosses(score, Threshold(min_respondents=4))


def test_just_below_the_threshold_does_not_cross() -> None:
    assert not crosses(reference_score([4, 3, 3, 3, 3]), Threshold())


def test_a_threshold_like_sixty_percent_is_met_by_three_of_five() -> None:
    assert crosses(reference_score([4, 4, 5, 1, 1]), Threshold(share=0.6))


def test_unanimous_but_too_few_respondents_does_not_cross() -> None:
    score = reference_score([5, 5])
    assert score.share_high == 1.0
    assert not crosses(score, Threshold())
    assert not visible(score, Threshold())


def test_a_higher_minimum_holds_back_more() -> None:
    score = reference_score([5, 5, 5, 5])
    assert crosses(score, Threshold(min_respondents=4))
    assert not crosses(score, Threshold(min_respondents=5))


def test_display_shows_mean_share_and_respondents() -> None:
    score = reference_score([5, 5, 4, 3, 2])
    assert display(score, Threshold()) == "mean 3.8 · 60% often or constantly · n=5"


@pytest.mark.parametrize("answers", [[], [5], [1, 5], [2, 4, 4, 5]])
def test_display_never_shows_a_figure_below_the_minimum(answers: list[int]) -> None:
    threshold = Threshold(min_respondents=len(answers) + 1)
    text = display(reference_score(answers), threshold)
    assert text == f"not enough answers yet (fewer than {threshold.min_respondents})"
    # the only number is the minimum itself: no mean, share or count
    assert re.findall(r"\d+(?:\.\d+)?", text) == [str(threshold.min_respondents)]


@pytest.mark.parametrize(("share", "minimum"), [(0.0, 3), (1.5, 3), (-0.1, 3), (0.5, 0), (0.5, -2)])
def test_impossible_thresholds_are_refused(share: float, minimum: int) -> None:
    with pytest.raises(ValueError):
        Threshold(share=share, min_respondents=minimum)
