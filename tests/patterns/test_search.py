"""Finding a pattern by what a person types into autocomplete or the CLI."""

from __future__ import annotations

from pathlib import Path

import pytest
from rapidfuzz import fuzz

from vitalitybot.patterns.model import Body, BodyFormat, Pattern
from vitalitybot.patterns.search import (
    MAX_RESULTS,
    Match,
    PatternIndex,
    Resolution,
    _ByLength,
    resolve,
)


def make(slug: str, title: str, *aliases: str) -> Pattern:
    return Pattern(
        slug=slug,
        title=title,
        source=Path(f"{slug}.md"),
        body=Body(BodyFormat.V71),
        aliases=aliases,
    )


LIBRARY = [
    make("cop-commons-alignment", "CoP–Commons Alignment"),
    make("commons-governance", "Commons Governance"),
    make("alignment-workshops", "Alignment Workshops"),
    make("common-ground-facilitation", "Common Ground Facilitation"),
    make("community-of-practice-design", "Community of Practice Design"),
    make("a3-thinking", "A3 Thinking", "A3 Report", "A3 Problem Solving"),
    make("dynamic-governance", "Dynamic Governance", "Sociocracy"),
    make("open-space", "Open Space"),
    make("open-space-technology-circles", "Open Space Technology Circles"),
    make("running-an-open-space", "Running an Open Space"),
    make("feedback-loops", "Feedback Loops"),
    make("feedback-loops-in-distributed-governance", "Feedback Loops in Distributed Governance"),
    make("retrospectives", "Retrospectives"),
    make("cafe-culture", "Café Culture"),
    make("peer-review-circles", "Peer Review Circles"),
]


@pytest.fixture(scope="module")
def index() -> PatternIndex:
    return PatternIndex(LIBRARY)


def slugs(matches: list[Match]) -> list[str]:
    return [m.slug for m in matches]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("comons aligment", "cop-commons-alignment"),
        ("alignment commons", "cop-commons-alignment"),
        ("retrospectiv", "retrospectives"),
        ("feedbak loops", "feedback-loops"),
        ("comunity of practise", "community-of-practice-design"),
    ],
)
def test_typos_and_word_order_still_find_the_pattern(
    index: PatternIndex, query: str, expected: str
) -> None:
    assert index.search(query)[0].slug == expected
    best = index.best(query)
    assert best is not None and best.slug == expected


def test_an_alias_finds_its_pattern(index: PatternIndex) -> None:
    top = index.search("A3 report")[0]
    assert (top.slug, top.title, top.score) == ("a3-thinking", "A3 Thinking", 100.0)
    assert index.search("sociocrasy")[0].slug == "dynamic-governance"


def test_slug_as_typed_is_an_exact_match(index: PatternIndex) -> None:
    top = index.search("cop-commons-alignment")[0]
    assert top.slug == "cop-commons-alignment"
    assert top.score == 100.0


def test_accents_case_and_punctuation_do_not_matter(index: PatternIndex) -> None:
    assert index.search("CAFE CULTURE")[0].slug == "cafe-culture"
    assert index.search("cop commons alignment")[0].score == 100.0


def test_exact_then_prefix_then_inner_word_then_fuzzy(index: PatternIndex) -> None:
    found = index.search("open space")
    assert slugs(found)[:3] == [
        "open-space",  # exact title
        "open-space-technology-circles",  # title starts with the query
        "running-an-open-space",  # the query starts a word inside the title
    ]
    scores = [m.score for m in found]
    assert scores == sorted(scores, reverse=True)
    assert scores[0] > scores[1] > scores[2]


def test_typing_a_prefix_autocompletes_and_prefers_the_shorter_title(
    index: PatternIndex,
) -> None:
    assert slugs(index.search("feedb"))[:2] == [
        "feedback-loops",
        "feedback-loops-in-distributed-governance",
    ]
    # A prefix of an inner word counts too: "gov" is inside "Commons Governance".
    assert "commons-governance" in slugs(index.search("gov"))


def test_empty_query_lists_the_first_25_by_title() -> None:
    many = [make(f"pattern-{n:02d}", f"Pattern {n:02d}") for n in range(40, 0, -1)]
    found = PatternIndex(many).search("   ")
    assert [m.title for m in found] == [f"Pattern {n:02d}" for n in range(1, 26)]


def test_never_more_than_discords_25_choices() -> None:
    many = [make(f"feedback-{n}", f"Feedback Practice {n}") for n in range(60)]
    index = PatternIndex(many)
    assert len(index.search("feedback")) == MAX_RESULTS == 25
    assert len(index.search("feedback", limit=100)) == 25
    assert len(index.search("feedback", limit=5)) == 5
    assert len(index.search("", limit=3)) == 3


def test_nothing_close_gives_no_best_pattern(index: PatternIndex) -> None:
    assert index.best("zzqxv") is None
    assert index.search("zzqxv") == []
    assert index.best("") is None


def test_best_returns_the_pattern_itself(index: PatternIndex) -> None:
    best = index.best("retrospectives")
    assert best is LIBRARY[12]


def test_an_index_can_be_built_from_the_loaders_mapping() -> None:
    by_slug = {p.slug: p for p in LIBRARY}
    index = PatternIndex(by_slug)
    assert len(index) == len(LIBRARY)
    assert index.get("open-space") is by_slug["open-space"]


@pytest.mark.corpus
@pytest.mark.slow
def test_typos_find_patterns_in_the_full_corpus(corpus_dir: Path) -> None:
    from vitalitybot.patterns import load_library

    index = PatternIndex(load_library(corpus_dir).patterns)
    assert index.search("comons aligment")[0].slug == "cop-commons-alignment"
    best = index.best("comons aligment")
    assert best is not None and best.slug == "cop-commons-alignment"
    assert len(index.search("community")) == 25


def test_a_title_beats_the_same_words_as_another_patterns_alias() -> None:
    index = PatternIndex(
        [
            make("blockchain-governance", "Blockchain Governance", "Hybrid Governance Models"),
            make("hybrid-governance-models", "Hybrid Governance Models"),
        ]
    )
    assert slugs(index.search("hybrid governance models")) == [
        "hybrid-governance-models",
        "blockchain-governance",
    ]
    assert slugs(index.search("hbrid governance models"))[0] == "hybrid-governance-models"


def test_titles_in_other_scripts_are_searchable() -> None:
    index = PatternIndex([make("burgerinitiativen", "Гражданские инициативы"), *LIBRARY])
    assert index.search("гражданские")[0].slug == "burgerinitiativen"
    assert index.search("ГРАЖДАНСКИЕ ИНИЦИАТИВЫ")[0].score == 100.0


@pytest.mark.parametrize(
    "name", ["dynamic-governance", "  dynamic-governance ", "Dynamic Governance", "sociocracy"]
)
def test_a_slug_title_or_alias_resolves_to_its_pattern(index: PatternIndex, name: str) -> None:
    resolution = resolve(index, name)
    assert resolution.pattern is not None and resolution.pattern.slug == "dynamic-governance"
    assert resolution.close == ()


def test_a_typo_resolves_only_where_typos_are_welcome(index: PatternIndex) -> None:
    refused = resolve(index, "feedbak loops", close=2)
    assert refused.pattern is None
    assert slugs(list(refused.close))[0] == "feedback-loops" and len(refused.close) == 2
    welcome = resolve(index, "feedbak loops", typos=True)
    assert welcome.pattern is not None and welcome.pattern.slug == "feedback-loops"


def test_a_name_like_nothing_resolves_to_nothing_even_with_typos(index: PatternIndex) -> None:
    assert resolve(index, "zzqx vwvw", typos=True) == Resolution(None, ())


@pytest.mark.parametrize("cutoff", [60.0, 75.0, 80.0, 100.0])
@pytest.mark.parametrize("text", ["a" * 14, "a" * 10, "abab", "aaaaab", "feedback loops"])
def test_length_pruning_never_drops_a_string_that_reaches_the_cutoff(
    text: str, cutoff: float
) -> None:
    """The pruned search finds exactly what comparing every string finds, down to a string
    whose length alone allows exactly the cutoff ("a" * 6 against "a" * 14 scores 60)."""
    strings = [
        *("a" * n for n in range(1, 40)),
        *("ab" * n for n in range(1, 15)),
        "feedback loop",
        "feedback loops in distributed governance",
        "loops",
    ]
    expected = {
        i: score
        for i, string in enumerate(strings)
        if (score := fuzz.ratio(text, string)) >= cutoff
    }
    assert _ByLength(strings).similar(text, cutoff) == expected
