"""Patterns for the rendering tests, built directly so they do not depend on the parser."""

from __future__ import annotations

from pathlib import Path

import pytest
from jinja2 import Environment

from vitalitybot.patterns.model import (
    Body,
    BodyFormat,
    Cadence,
    Duration,
    Pattern,
    Relationship,
    Replant,
    Rhythm,
    Score,
    Sign,
    SignSource,
    Step,
)
from vitalitybot.render.environment import build_environment


@pytest.fixture
def env() -> Environment:
    return build_environment()


@pytest.fixture
def pattern() -> Pattern:
    return Pattern(
        slug="harvest-what-we-learn",
        title="Harvest What We Learn",
        source=Path("harvest-what-we-learn.md"),
        body=Body(
            BodyFormat.V71,
            solution="Name one lesson each month,\nwrite it up together, and ask who used it.",
            signs_of_life=(Sign("members-offer-drafts", "Members offer drafts", "Unprompted."),),
            signs_of_life_from=SignSource.VITALITY,
            signs_of_decay=(
                Sign("no-feedback", "No feedback", "Nobody hears whether the write-ups helped."),
                Sign("same-three-voices", "Same three voices", "Only the core writes."),
            ),
            signs_of_decay_from=SignSource.ANTI_PATTERNS,
            replant=Replant(
                "Start again with a small circle and one question.",
                (Duration(6, "month"), Duration(1, "year")),
            ),
            steps=(
                Step(1, "Pick one lesson", "Choose together."),
                Step(2, "Establish a feedback mechanism", "Ask readers."),
            ),
            rhythms=(Rhythm(Cadence.MONTHLY, "once a month", "Implementation"),),
        ),
        summary="Turn the month's conversations into something the wider field can reuse.",
        scores=(
            Score("stakeholder_architecture", 4.5),
            Score("resilience", 3.0),
            Score("overall_score", 3.8),
        ),
        scores_from="commons_assessment",
        relationships=(
            Relationship("enables", "open-knowledge-base", 0.8),
            Relationship("requires", "regular-gatherings"),
            Relationship("enables", "peer-mentoring"),
        ),
        license="CC-BY-SA-4.0",
        attribution="Example Pattern Library",
    )
