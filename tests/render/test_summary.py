"""The pattern summary: what a coordinator sees for `/pattern NAME`."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest
from jinja2 import Environment, UndefinedError

from vitalitybot.patterns.model import (
    Body,
    BodyFormat,
    Cadence,
    Duration,
    Pattern,
    Replant,
    Rhythm,
    Score,
    Sign,
    SignSource,
    Step,
)
from vitalitybot.render.compose import render_message
from vitalitybot.render.message import (
    ELLIPSIS,
    EMBED_TOTAL_MAX,
    FIELD_NAME_MAX,
    FIELD_VALUE_MAX,
    FIELDS_MAX,
    TITLE_MAX,
    Message,
)
from vitalitybot.render.summary import TEMPLATE, pattern_summary


def fields(message: Message) -> dict[str, str]:
    return {f.name: f.value for f in message.embeds[0].fields}


def test_summary_shows_every_part_a_coordinator_needs(env: Environment, pattern: Pattern) -> None:
    message = pattern_summary(env, pattern)
    (embed,) = message.embeds
    assert embed.title == "Harvest What We Learn"
    assert embed.description.startswith("Turn the month's conversations")
    # The solution is folded onto one line: its line break cannot become structure.
    assert "Name one lesson each month, write it up together" in embed.description
    parts = fields(message)
    assert list(parts) == [
        "Scores",
        "Signs of life",
        "Signs of decay",
        "When to replant",
        "Implementation steps",
        "Rhythms",
        "Related patterns",
    ]
    assert parts["Scores"].startswith("commons assessment: overall 3.8")
    assert "stakeholder architecture 4.5" in parts["Scores"]
    assert "Members offer drafts" in parts["Signs of life"]
    assert "read from" not in parts["Signs of life"]
    assert "read from Anti-Patterns & Gotchas" in parts["Signs of decay"]
    assert (
        "No feedback" in parts["Signs of decay"] and "Same three voices" in parts["Signs of decay"]
    )
    assert "6 months, 1 year" in parts["When to replant"]
    assert "small circle" in parts["When to replant"]
    assert parts["Implementation steps"] == "1. Pick one lesson\n2. Establish a feedback mechanism"
    assert "monthly" in parts["Rhythms"] and "once a month" in parts["Rhythms"]
    assert "open-knowledge-base, peer-mentoring" in parts["Related patterns"]
    assert "regular-gatherings" in parts["Related patterns"]
    assert "CC-BY-SA-4.0" in embed.footer and "Example Pattern Library" in embed.footer


def test_older_format_score_reads_as_a_single_figure(env: Environment, pattern: Pattern) -> None:
    legacy = replace(
        pattern, scores=(Score("commons_alignment", 4.0),), scores_from="commons_alignment"
    )
    assert fields(pattern_summary(env, legacy))["Scores"] == "commons alignment: 4"


def test_rhythms_are_grouped_by_cadence_most_frequent_first(
    env: Environment, pattern: Pattern
) -> None:
    rhythms = (
        Rhythm(Cadence.QUARTERLY, "each quarter", "Implementation"),
        Rhythm(Cadence.MONTHLY, "monthly", "Implementation"),
        Rhythm(Cadence.QUARTERLY, "quarterly", "Vitality"),
    )
    rhythmic = replace(pattern, body=replace(pattern.parts, rhythms=rhythms))
    lines = fields(pattern_summary(env, rhythmic))["Rhythms"].splitlines()
    assert len(lines) == 2
    assert lines[0].startswith("- **monthly**")
    assert "“each quarter”, “quarterly”" in lines[1]
    assert "Implementation, Vitality" in lines[1]


def test_a_bare_pattern_shows_only_what_it_has(env: Environment) -> None:
    bare = Pattern(slug="bare", title="Bare", source=Path("bare.md"), body=Body(BodyFormat.LEGACY))
    (embed,) = pattern_summary(env, bare).embeds
    assert embed.title == "Bare"
    assert embed.fields == ()
    assert "not stated" in embed.footer


def test_huge_pattern_stays_within_every_discord_limit(env: Environment, pattern: Pattern) -> None:
    words = "lorem ipsum dolor sit amet " * 400
    body = replace(
        pattern.parts,
        solution=words,
        signs_of_life=tuple(
            Sign(f"life-{n}", f"Sign of life {n} {words[:300]}", "") for n in range(30)
        ),
        signs_of_decay=tuple(
            Sign(f"decay-{n}", f"Sign of decay {n} {words[:300]}", "") for n in range(30)
        ),
        signs_of_decay_from=SignSource.COMMON_CHALLENGES,
        replant=Replant(words, (Duration(6, "month"),)),
        steps=tuple(Step(n, f"Step number {n} {words[:200]}", words) for n in range(1, 41)),
    )
    huge = replace(
        pattern, title="A very long title " * 30, summary=words, body=body, attribution=words
    )
    message = pattern_summary(env, huge)
    (embed,) = message.embeds
    assert embed.total_length() <= EMBED_TOTAL_MAX
    assert len(embed.title) <= TITLE_MAX and embed.title.endswith(ELLIPSIS)
    assert len(embed.fields) <= FIELDS_MAX
    assert all(len(f.value) <= FIELD_VALUE_MAX for f in embed.fields)
    assert all(len(f.name) <= FIELD_NAME_MAX for f in embed.fields)
    assert embed.description.endswith(ELLIPSIS)
    assert any(f.value.endswith(ELLIPSIS) for f in embed.fields)
    assert embed.fields[0].name == "Scores"  # what comes first survives


def test_a_missing_template_variable_raises(env: Environment, pattern: Pattern) -> None:
    with pytest.raises(UndefinedError):
        render_message(env, TEMPLATE, pattern=pattern)
