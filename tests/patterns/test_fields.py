"""Frontmatter fields in both formats: scores, relationships, identity."""

from __future__ import annotations

from typing import Any

from vitalitybot.patterns.fields import relationships_of, scores_of, texts_of
from vitalitybot.patterns.model import Relationship, Score


def test_v71_scores_keep_the_numbers_and_skip_the_prose() -> None:
    data: dict[str, Any] = {
        "ontology": {
            "commons_assessment": {"resilience": 3.0, "vitality_reasoning": "words", "overall": 4}
        }
    }
    assert scores_of(data) == (
        (Score("resilience", 3.0), Score("overall", 4.0)),
        "commons_assessment",
    )


def test_legacy_alignment_may_be_a_single_number() -> None:
    data: dict[str, Any] = {"classification": {"commons_alignment": "4"}}
    assert scores_of(data) == ((Score("commons_alignment", 4.0),), "commons_alignment")


def test_no_scores() -> None:
    assert scores_of({"classification": {"commons_alignment": "high"}}) == ((), None)
    assert scores_of({}) == ((), None)


def test_v71_relationships_mix_weighted_entries_and_plain_slugs() -> None:
    data: dict[str, Any] = {
        "relationships": {
            "enables": [{"slug": "a", "weight": 0.8}, "b"],
            "requires": [{"slug": "a"}],
            "tools": [],
        }
    }
    assert relationships_of(data) == (
        Relationship("enables", "a", 0.8),
        Relationship("enables", "b", None),
        Relationship("requires", "a", None),
    )


def test_legacy_relationships_are_top_level_lists() -> None:
    data: dict[str, Any] = {
        "generalizes_from": ["pat_01"],
        "related": "c",
        "enables": [],
        "complementary": [None, "d", "d"],
    }
    assert relationships_of(data) == (
        Relationship("generalizes_from", "pat_01"),
        Relationship("related", "c"),
        Relationship("complementary", "d"),
    )


def test_aliases_accept_a_single_string_and_drop_repeats() -> None:
    assert texts_of("CoP") == ("CoP",)
    assert texts_of(["CoP", "CoP", "", None, "Practice  group"]) == ("CoP", "Practice group")
    assert texts_of({"not": "a list"}) == ()
