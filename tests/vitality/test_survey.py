from __future__ import annotations

import math
from collections import Counter
from collections.abc import Callable

import pytest

from vitalitybot.patterns.model import Pattern, Sign
from vitalitybot.vitality.survey import ITEM_TEXT_MAX, SignKind, item_text, plan_survey

MakePattern = Callable[..., Pattern]
MakeSign = Callable[..., Sign]


def decay_titles(prefix: str, count: int) -> list[str]:
    return [f"{prefix} decay {i}" for i in range(count)]


def life_titles(prefix: str, count: int) -> list[str]:
    return [f"{prefix} life {i}" for i in range(count)]


# --- wording -------------------------------------------------------------------------


def test_item_uses_the_patterns_own_survey_wording(make_sign: MakeSign) -> None:
    sign = make_sign("No feedback", wording="We share something and never hear if it was used.")
    assert item_text(sign) == "We share something and never hear if it was used."


def test_item_without_wording_asks_about_the_title(make_sign: MakeSign) -> None:
    assert item_text(make_sign("No feedback.")) == 'How often do you notice this: "No feedback"?'


def test_long_titles_and_wordings_fit_a_discord_select(make_sign: MakeSign) -> None:
    long_title = make_sign("Meetings keep happening " * 10)
    long_wording = make_sign("x", wording="We notice that " * 20)
    for sign in (long_title, long_wording):
        text = item_text(sign)
        assert len(text) <= ITEM_TEXT_MAX
        assert "…" in text
    assert item_text(long_title).endswith('…"?')


# --- rotation ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("decay", "life", "max_items", "life_items"),
    [(13, 4, 8, 2), (20, 0, 8, 2), (7, 3, 4, 1), (9, 9, 5, 2), (25, 5, 8, 0), (3, 1, 1, 2)],
)
def test_rotation_asks_every_sign_within_ceil_n_over_window_rounds(
    make_pattern: MakePattern, decay: int, life: int, max_items: int, life_items: int
) -> None:
    pattern = make_pattern("p", decay=decay_titles("p", decay), life=life_titles("p", life))
    life_slots = min(life_items, life, max_items - 1)
    window = min(decay, max_items - life_slots)
    rounds = math.ceil(decay / window)

    asked: set[str] = set()
    for r in range(rounds):
        items = plan_survey([pattern], r, max_items=max_items, life_items=life_items)
        assert len(items) <= max_items
        asked |= {i.sign_id for i in items if i.kind is SignKind.DECAY}
    assert asked == {s.id for s in pattern.signs_of_decay}


def test_each_round_continues_where_the_last_stopped(make_pattern: MakePattern) -> None:
    pattern = make_pattern("p", decay=decay_titles("p", 18), life=life_titles("p", 2))
    rounds = [
        [i.sign_id for i in plan_survey([pattern], r) if i.kind is SignKind.DECAY] for r in range(3)
    ]
    assert all(len(r) == 6 for r in rounds)
    flat = [sign for r in rounds for sign in r]
    assert len(set(flat)) == 18  # three rounds, no sign asked twice
    assert plan_survey([pattern], 3) == plan_survey([pattern], 0)  # and round again


def test_never_more_than_max_items_over_many_rounds(make_pattern: MakePattern) -> None:
    patterns = [
        make_pattern("a", decay=decay_titles("a", 11), life=life_titles("a", 3)),
        make_pattern("b", decay=decay_titles("b", 2), life=life_titles("b", 5)),
        make_pattern("c", decay=decay_titles("c", 6)),
    ]
    for max_items in range(1, 12):
        for life_items in range(4):
            for r in range(15):
                items = plan_survey(patterns, r, max_items=max_items, life_items=life_items)
                assert len(items) <= max_items
                assert len(set(items)) == len(items)
                assert sum(i.kind is SignKind.LIFE for i in items) <= life_items


def test_a_pattern_with_few_signs_is_asked_in_full_every_round(make_pattern: MakePattern) -> None:
    pattern = make_pattern("small", decay=decay_titles("s", 4), life=life_titles("s", 5))
    for r in range(6):
        items = plan_survey([pattern], r)
        decay = {i.sign_id for i in items if i.kind is SignKind.DECAY}
        assert decay == {s.id for s in pattern.signs_of_decay}
        assert sum(i.kind is SignKind.LIFE for i in items) == 2


def test_signs_of_life_rotate_too(make_pattern: MakePattern) -> None:
    pattern = make_pattern("p", decay=decay_titles("p", 2), life=life_titles("p", 6))
    seen = Counter(
        i.sign_id for r in range(3) for i in plan_survey([pattern], r) if i.kind is SignKind.LIFE
    )
    assert set(seen) == {s.id for s in pattern.signs_of_life}
    assert set(seen.values()) == {1}


def test_unused_life_places_go_to_decay_signs(make_pattern: MakePattern) -> None:
    pattern = make_pattern("p", decay=decay_titles("p", 20))
    assert len(plan_survey([pattern], 0, max_items=8, life_items=2)) == 8


def test_the_only_place_goes_to_a_decay_sign(make_pattern: MakePattern) -> None:
    pattern = make_pattern("p", decay=decay_titles("p", 3), life=life_titles("p", 3))
    (item,) = plan_survey([pattern], 0, max_items=1, life_items=2)
    assert item.kind is SignKind.DECAY


def test_patterns_without_decay_signs_still_get_signs_of_life(make_pattern: MakePattern) -> None:
    pattern = make_pattern("p", life=life_titles("p", 5))
    items = plan_survey([pattern], 0, max_items=8, life_items=2)
    assert [i.kind for i in items] == [SignKind.LIFE, SignKind.LIFE]


def test_nothing_to_ask_gives_an_empty_survey(make_pattern: MakePattern) -> None:
    assert plan_survey([], 0) == []
    assert plan_survey([make_pattern("bare")], 4) == []


@pytest.mark.parametrize("max_items", [0, -3])
def test_max_items_below_one_is_refused(make_pattern: MakePattern, max_items: int) -> None:
    with pytest.raises(ValueError):
        plan_survey([make_pattern("p", decay=["x"])], 0, max_items=max_items)


def test_negative_life_items_or_round_are_refused(make_pattern: MakePattern) -> None:
    pattern = make_pattern("p", decay=["x"])
    with pytest.raises(ValueError):
        plan_survey([pattern], 0, life_items=-1)
    with pytest.raises(ValueError):
        plan_survey([pattern], -1)


# --- fairness ------------------------------------------------------------------------


def test_equal_patterns_share_every_round_evenly(make_pattern: MakePattern) -> None:
    a = make_pattern("a", decay=decay_titles("a", 9))
    b = make_pattern("b", decay=decay_titles("b", 9))
    for r in range(5):
        counts = Counter(i.pattern_slug for i in plan_survey([a, b], r, max_items=6, life_items=0))
        assert counts == {"a": 3, "b": 3}


def test_a_big_pattern_does_not_starve_a_small_one(make_pattern: MakePattern) -> None:
    big = make_pattern("big", decay=decay_titles("big", 12))
    small = make_pattern("small", decay=decay_titles("small", 4))
    for r in range(8):
        items = plan_survey([big, small], r, max_items=4, life_items=0)
        counts = Counter(i.pattern_slug for i in items)
        assert counts == {"big": 3, "small": 1}  # its share, 4/16 of 4 places, every round


def test_a_small_pattern_listed_last_is_asked_in_the_first_round(make_pattern: MakePattern) -> None:
    big = make_pattern("big", decay=decay_titles("big", 20))
    small = make_pattern("small", decay=decay_titles("small", 2))
    first = plan_survey([big, small], 0, max_items=6, life_items=0)
    assert "small" in {i.pattern_slug for i in first}


def test_items_are_grouped_by_pattern_in_adopted_order(make_pattern: MakePattern) -> None:
    a = make_pattern("a", decay=decay_titles("a", 3), life=life_titles("a", 1))
    b = make_pattern("b", decay=decay_titles("b", 3), life=life_titles("b", 1))
    items = plan_survey([b, a], 0)
    assert [(i.pattern_slug, i.kind) for i in items] == [
        *[("b", SignKind.DECAY)] * 3,
        ("b", SignKind.LIFE),
        *[("a", SignKind.DECAY)] * 3,
        ("a", SignKind.LIFE),
    ]


def test_the_same_pattern_given_twice_is_surveyed_once(make_pattern: MakePattern) -> None:
    pattern = make_pattern("p", decay=decay_titles("p", 3))
    assert plan_survey([pattern, pattern], 0) == plan_survey([pattern], 0)
