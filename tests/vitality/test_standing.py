"""The standing rule: a community's state in words, before any figure."""

from __future__ import annotations

from vitalitybot.vitality.standing import Mood, standing


def test_no_closed_round_is_getting_started() -> None:
    assert standing([]).sentence == "getting started — no survey or check-in has closed yet"


def test_the_latest_round_under_its_minimum_is_quiet_and_says_nothing_else() -> None:
    found = standing([0.6, 0.7, None], latest_kind="check-in", crossing=None)

    assert found.mood is Mood.QUIET
    assert found.sentence == "quiet — the last check-in had too few answers to show figures"


def test_participation_up_over_three_rounds_is_lively() -> None:
    found = standing([0.1, 0.3, 0.5, 0.8], crossing=[])

    assert (
        found.sentence == "lively — participation up over three rounds, no sign of decay crossing"
    )


def test_participation_down_is_fading_and_a_hidden_round_earlier_is_skipped() -> None:
    found = standing([0.8, None, 0.6], crossing=None)

    assert found.sentence == "fading — participation down over two rounds"


def test_a_small_move_is_steady() -> None:
    assert standing([10.0, 9.5, 10.5]).mood is Mood.STEADY


def test_a_sign_crossing_needs_care_whatever_participation_did() -> None:
    found = standing([0.2, 0.5, 0.9], crossing=["No feedback", "Writing nobody reads"])

    assert found.mood is Mood.NEEDS_CARE
    assert found.reasons == (
        "participation up over three rounds",
        "2 signs of decay crossing (No feedback, Writing nobody reads)",
    )
