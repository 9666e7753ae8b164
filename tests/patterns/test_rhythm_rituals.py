"""Which ritual a stated rhythm times: the survey, the articulation check-in, or neither."""

from __future__ import annotations

from pathlib import Path

import pytest

from vitalitybot.patterns.model import Cadence, Pattern, Ritual
from vitalitybot.patterns.parse import parse_pattern
from vitalitybot.patterns.rhythms import rhythms_in
from vitalitybot.patterns.sections import parse_outline


def rituals(body: str) -> list[tuple[Cadence, Ritual | None]]:
    return [(r.cadence, r.ritual) for r in rhythms_in(parse_outline(body))]


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ("## Implementation\n\nRun the vitality survey quarterly.\n", Ritual.SURVEY),
        ("## Implementation\n\nReview the commons each quarter.\n", Ritual.SURVEY),
        ("## Implementation\n\nAssess the signs twice a year.\n", Ritual.SURVEY),
        ("## Implementation\n\nA yearly health check of the group.\n", Ritual.SURVEY),
        ("## Implementation\n\nHold a monthly check-in.\n", Ritual.CHECKIN),
        ("## Implementation\n\nReflect together every month.\n", Ritual.CHECKIN),
        ("## Implementation\n\nA quarterly retrospective.\n", Ritual.CHECKIN),
        ("## Implementation\n\nEach month, share what we learned.\n", Ritual.CHECKIN),
        ("## Implementation\n\nHarvest the answers yearly.\n", Ritual.CHECKIN),
        # No ritual word: the community's own meeting, not a round the bot opens.
        ("## Implementation\n\nGardeners meet weekly.\n", None),
        # ... unless it sits among the signs the survey asks about.
        ("## Signs of decay\n\nNobody has come monthly since spring.\n", Ritual.SURVEY),
        # "Design" holds "sign" but is no section about signs.
        ("## Design\n\nPlants are moved quarterly.\n", None),
    ],
)
def test_a_rhythm_times_the_ritual_its_words_name(body: str, expected: Ritual | None) -> None:
    [(_, ritual)] = rituals(body)
    assert ritual is expected


def test_each_clause_of_a_sentence_keeps_its_own_ritual() -> None:
    body = (
        "## Implementation\n\n"
        "A short articulation check-in monthly is fine; a decay survey each quarter is enough.\n"
    )
    assert rituals(body) == [
        (Cadence.MONTHLY, Ritual.CHECKIN),
        (Cadence.QUARTERLY, Ritual.SURVEY),
    ]


def test_a_ritual_word_far_from_the_cadence_does_not_claim_it() -> None:
    filler = "the garden is tended by whoever happens to be around on the day, " * 3
    body = f"## Implementation\n\nThe survey lists our plants, and {filler}watered weekly.\n"
    assert rituals(body) == [(Cadence.WEEKLY, None)]


def test_the_first_statement_is_the_ritual_rhythm_and_a_range_least_demanding_first() -> None:
    body = (
        "## Implementation\n\nSurvey the plots monthly or quarterly.\n\n"
        "## Known Uses\n\nOne group surveys weekly.\n"
    )
    pattern = parse_pattern(Path("range.md"), f"---\ntitle: Range\n---\n# Range\n\n{body}")
    survey = pattern.stated_rhythm(Ritual.SURVEY)
    assert [(r.cadence, r.phrase) for r in survey] == [
        (Cadence.QUARTERLY, "monthly or quarterly"),
        (Cadence.MONTHLY, "monthly or quarterly"),
    ]
    assert pattern.stated_rhythm(Ritual.CHECKIN) == ()


def shipped(directory: Path, slug: str) -> Pattern:
    path = directory / f"{slug}.md"
    return parse_pattern(path, path.read_text(encoding="utf-8"))


def cadences(pattern: Pattern, ritual: Ritual) -> list[Cadence]:
    return [r.cadence for r in pattern.stated_rhythm(ritual)]


def test_energizing_participation_asks_a_monthly_check_in_and_a_quarterly_survey(
    shipped_patterns_dir: Path,
) -> None:
    pattern = shipped(shipped_patterns_dir, "energizing-participation")
    assert cadences(pattern, Ritual.CHECKIN) == [Cadence.MONTHLY]
    assert cadences(pattern, Ritual.SURVEY) == [Cadence.QUARTERLY]


def test_a_shipped_range_comes_least_demanding_first(shipped_patterns_dir: Path) -> None:
    pattern = shipped(shipped_patterns_dir, "cop-commons-alignment")
    assert cadences(pattern, Ritual.CHECKIN) == [Cadence.QUARTERLY, Cadence.MONTHLY]
    assert pattern.stated_rhythm(Ritual.CHECKIN)[0].phrase == "monthly or quarterly"
    assert cadences(pattern, Ritual.SURVEY) == [Cadence.QUARTERLY]


def test_shipped_meetings_and_gatherings_time_no_ritual(shipped_patterns_dir: Path) -> None:
    pattern = shipped(shipped_patterns_dir, "communities-of-practice")
    assert pattern.rhythms  # "a short gathering monthly", "once a year" ...
    assert cadences(pattern, Ritual.CHECKIN) == cadences(pattern, Ritual.SURVEY) == []


@pytest.mark.parametrize(
    ("slug", "checkin", "survey"),
    [
        ("digital-home-boundaries", [], [Cadence.QUARTERLY]),  # a step to review each quarter
        ("sponsorship-vs-mentorship", [], [Cadence.YEARLY]),  # a check once a year
        (
            "epistemic-commons-building",
            [Cadence.QUARTERLY],
            [],
        ),  # harvests of learning each quarter
        # A reflection circle, monthly or every two weeks; a sign of life each quarter.
        ("commoning-as-verb", [Cadence.MONTHLY, Cadence.FORTNIGHTLY], [Cadence.QUARTERLY]),
    ],
)
def test_corpus_patterns_read_as_their_authors_wrote_them(
    corpus_dir: Path, slug: str, checkin: list[Cadence], survey: list[Cadence]
) -> None:
    pattern = shipped(corpus_dir, slug)
    assert cadences(pattern, Ritual.CHECKIN) == checkin
    assert cadences(pattern, Ritual.SURVEY) == survey
