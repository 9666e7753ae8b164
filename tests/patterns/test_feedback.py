"""One rule for "about feedback": signs that nothing comes back, steps that close the loop."""

from __future__ import annotations

import pytest

from vitalitybot.patterns.feedback import is_about_feedback, is_feedback_sign
from vitalitybot.patterns.model import Sign


@pytest.mark.parametrize(
    ("title", "text"),
    [
        ("No feedback", ""),
        ("Silence after sharing", ""),
        ("Nobody hears back", "We post and wait."),
        ("Value becomes invisible", "The flow of what we offer runs one way."),
        ("Broken loops", ""),
        ("Hollow ritual", "The wider network never signals back."),
        ("Answers vanish", "What we write goes nowhere."),
        ("Questions stay unanswered", ""),
        ("Nothing comes back", ""),
    ],
)
def test_signs_about_missing_feedback_or_flow(title: str, text: str) -> None:
    assert is_feedback_sign(Sign("s", title, text))


@pytest.mark.parametrize(
    ("title", "text"),
    [
        ("Contribution fatigue", "The writers are worn out."),
        ("Routine without change", "Meetings happen; nothing moves."),
        ("Workflow overload", "Too many tools."),
        ("Back to basics", "We keep restarting."),
    ],
)
def test_signs_about_other_things(title: str, text: str) -> None:
    assert not is_feedback_sign(Sign("s", title, text))


def test_a_sign_worded_for_the_survey_counts_by_that_wording_too() -> None:
    assert is_feedback_sign(Sign("s", "Quiet channel", "", survey_wording="Do you hear back?"))


@pytest.mark.parametrize(
    "title",
    ["Establish a feedback mechanism", "Hear back from users", "Close the loop with readers"],
)
def test_step_titles_that_close_the_loop(title: str) -> None:
    assert is_about_feedback(title)


@pytest.mark.parametrize(
    "title", ["Loop in the treasurer", "Map the value flows", "Roll back gently"]
)
def test_step_titles_about_something_else(title: str) -> None:
    assert not is_about_feedback(title)
