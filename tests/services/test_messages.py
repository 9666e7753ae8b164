"""The posts' templates: all documented, overridable, and never a ping."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from pathlib import Path

from vitalitybot.domain.records import Question, QuestionKind
from vitalitybot.patterns import (
    Body,
    BodyFormat,
    Pattern,
    Remedy,
    RemedySource,
    Sign,
    SignSource,
    Step,
)
from vitalitybot.render.environment import TEMPLATES_DIR, build_environment
from vitalitybot.render.message import CommitAction
from vitalitybot.render.terminal import to_terminal
from vitalitybot.services import Services, open_round, remind
from vitalitybot.services.messages import (
    opening_message,
    prompt_for,
    prompt_text,
    suggestion_message,
)
from vitalitybot.vitality.prompts import DEFAULT_PROMPTS, LABEL_MAX, checkin_prompts
from vitalitybot.vitality.suggestions import suggest

from .conftest import Setup
from .fakes import RecordingNotifier
from .support import adopt

LONG_PROMPT = (
    "Which of this month's small experiments would we gladly repeat, and for whom beyond us?"
)


def test_every_template_is_listed_with_its_variables_in_the_readme() -> None:
    readme = (TEMPLATES_DIR / "README.md").read_text()
    headings = [line for line in readme.splitlines() if line.startswith("### ")]
    documented = {name for line in headings for name in re.findall(r"`([\w.]+\.md\.j2)`", line)}
    shipped = {path.name for path in TEMPLATES_DIR.glob("*.md.j2")}
    assert shipped <= documented


def test_a_long_pattern_prompt_keeps_its_words_and_fits_a_modal_label() -> None:
    pattern = Pattern(
        slug="p", title="P", source=Path("p.md"), body=Body(BodyFormat.V71), prompts=(LONG_PROMPT,)
    )
    [prompt] = checkin_prompts([pattern])
    stored = prompt_text(prompt)
    assert stored == LONG_PROMPT
    question = Question(1, 1, 1, QuestionKind.PROMPT, "", None, stored)
    shown = prompt_for(question)
    assert len(shown.label) <= LABEL_MAX and shown.hint == LONG_PROMPT


async def test_a_long_prompt_is_printed_once_in_the_checkin_post(
    svc: Services, setup: Setup
) -> None:
    community = await setup()
    round_ = await open_round(svc, community.id, "checkin", period="2026-01-06")
    assert round_ is not None
    long = Question(1, round_.id, 1, QuestionKind.PROMPT, "", None, LONG_PROMPT)
    default = Question(2, round_.id, 2, QuestionKind.PROMPT, "", None, DEFAULT_PROMPTS[0].label)
    message = opening_message(svc, community, round_, [long, default], [])
    text = to_terminal(message, width=1000)
    assert text.count("gladly repeat") == 1
    # A default prompt still shows its hint after the question.
    assert DEFAULT_PROMPTS[0].hint in text


async def test_a_coordinator_can_reword_a_post_with_an_override_folder(
    svc: Services, setup: Setup, notifier: RecordingNotifier, tmp_path: Path
) -> None:
    (tmp_path / "reminder.md.j2").write_text(
        "# Psst\nThe {{ kind_name }} closes {{ closes }}.\n", encoding="utf-8"
    )
    svc.env = build_environment(tmp_path)
    community = await setup()
    await adopt(svc)
    round_ = await open_round(svc, community.id, "survey", period="2026-01-06")
    assert round_ is not None
    await remind(svc, community.id, round_.id)
    [post] = notifier.of("reminder")
    assert post.text.startswith("Psst\n")
    assert "The survey closes Sat 10 Jan 2026, 09:00 (Europe/Berlin)." in post.text
    assert notifier.of("round")[0].text.startswith("Survey: how are we doing?")


async def test_a_sign_with_no_mapped_steps_invites_a_conversation(
    svc: Services, setup: Setup
) -> None:
    sign = Sign("meetings-feel-empty", "Meetings feel empty", "People attend and say little.")
    pattern = Pattern(
        slug="quiet",
        title="Quiet Rooms",
        source=Path("quiet.md"),
        body=Body(
            BodyFormat.V71,
            signs_of_decay=(sign,),
            signs_of_decay_from=SignSource.VITALITY,
            steps=(Step(1, "Rotate the host", "Each month someone else opens."),),
        ),
    )
    community = await setup()
    round_ = await open_round(svc, community.id, "checkin", period="2026-01-06")
    assert round_ is not None
    suggestion = suggest(pattern, sign, (datetime(2026, 1, 6, tzinfo=UTC), True))
    assert suggestion is not None and suggestion.kind.value == "reflect"
    text = to_terminal(
        suggestion_message(svc, community, round_, [suggestion], [1], {"quiet": pattern}), 1000
    )
    assert text.startswith("Worth talking about: Meetings feel empty")
    assert "Questions to talk over" in text
    assert all(question in text for question in suggestion.ideas)


async def test_no_post_carries_a_raw_mention(
    svc: Services, setup: Setup, notifier: RecordingNotifier
) -> None:
    community = await setup(name="@everyone's <@1> club")
    await adopt(svc)
    for kind in ("survey", "checkin"):
        round_ = await open_round(svc, community.id, kind, period="2026-01-06")
        assert round_ is not None
        await remind(svc, community.id, round_.id)
    assert len(notifier.posts) == 4
    for post in notifier.posts:
        raw = post.message.content + "".join(
            e.title + e.description + e.footer + "".join(f.name + f.value for f in e.fields)
            for e in post.message.embeds
        )
        assert "@everyone" not in raw and "<@" not in raw


async def test_signs_answered_by_the_same_steps_are_named_in_one_post(
    svc: Services, setup: Setup
) -> None:
    stale = Sign("guides-go-stale", "Guides go stale", "Nobody updates what we wrote.")
    unread = Sign("guides-go-unread", "Guides go unread", "Nobody opens what we wrote.")
    pattern = Pattern(
        slug="guides",
        title="Living Guides",
        source=Path("guides.md"),
        body=Body(
            BodyFormat.V71,
            signs_of_decay=(stale, unread),
            signs_of_decay_from=SignSource.VITALITY,
            steps=(Step(1, "Name a keeper", "One person looks after each guide for a season."),),
            remedies=(
                Remedy(stale.id, (1,), RemedySource.EXPLICIT),
                Remedy(unread.id, (1,), RemedySource.EXPLICIT),
            ),
        ),
    )
    community = await setup()
    round_ = await open_round(svc, community.id, "checkin", period="2026-01-06")
    assert round_ is not None
    found = [
        suggest(pattern, sign, (datetime(2026, 1, 6, tzinfo=UTC), True)) for sign in (stale, unread)
    ]
    suggestions = [s for s in found if s is not None]
    assert len(suggestions) == 2
    message = suggestion_message(svc, community, round_, suggestions, [7, 8], {"guides": pattern})
    text = to_terminal(message, 1000)
    assert text.startswith("Guides go stale and Guides go unread\n")
    assert "Nobody updates what we wrote." in text and "Nobody opens what we wrote." in text
    assert text.count("Name a keeper") == 1
    assert message.commit == CommitAction(round_.id, (7, 8))
