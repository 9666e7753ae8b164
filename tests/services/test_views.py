"""Participation as the posts word it."""

from __future__ import annotations

from vitalitybot.services.views import ParticipationView


def test_participation_counts_one_member_in_the_singular() -> None:
    assert ParticipationView(1, 0, None).text == "1 member answered"
    assert ParticipationView(2, 0, None).text == "2 members answered"
    assert ParticipationView(1, 0, 1).text == "1 of 1 member answered (100%)"
    assert ParticipationView(3, 0, 10).text == "3 of 10 members answered (30%)"
