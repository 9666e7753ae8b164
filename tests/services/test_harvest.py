"""The harvest: shared reflections only, grouped by prompt, unable to ping or forge markup."""

from __future__ import annotations

from datetime import timedelta

import pytest

from vitalitybot.domain.records import AnswerInput, Community, Harvest, Question, Round
from vitalitybot.scheduling.clock import ManualClock
from vitalitybot.services import (
    ServiceError,
    Services,
    close_round,
    export_harvest_markdown,
    harvest_message,
    latest_harvest,
    open_round,
    record_answers,
)

from .conftest import Setup
from .fakes import RecordingNotifier
from .support import GUILD, MEMBERS, OTHER_GUILD, adopt, questions_of


@pytest.fixture
async def checkin(svc: Services, setup: Setup) -> tuple[Community, Round, list[Question]]:
    community = await setup()
    await adopt(svc)
    round_ = await open_round(svc, community.id, "checkin", period="2026-01-06")
    assert round_ is not None
    return community, round_, await questions_of(svc, round_)


async def test_the_harvest_holds_only_shared_reflections_grouped_by_prompt(
    svc: Services,
    checkin: tuple[Community, Round, list[Question]],
    notifier: RecordingNotifier,
) -> None:
    community, round_, prompts = checkin
    first, second, third = prompts[:3]
    await record_answers(
        svc,
        GUILD,
        round_.id,
        MEMBERS[0],
        [
            AnswerInput(first.id, None, "Handover notes work better as checklists", True),
            AnswerInput(second.id, None, "kept to myself", False),
        ],
    )
    await record_answers(
        svc,
        GUILD,
        round_.id,
        MEMBERS[1],
        [
            AnswerInput(
                first.id, None, "@everyone look: <@123> and <@&456>\n# Not a heading", True
            ),
            AnswerInput(third.id, None, "Night shifts need their own huddle", True),
        ],
    )

    result = await close_round(svc, community.id, round_.id)

    assert result.harvest is not None
    markdown = result.harvest.markdown
    assert "kept to myself" not in markdown
    assert "2 of 10 members answered" in markdown
    # Grouped by prompt, in the round's order; a prompt nobody shared on is left out.
    assert markdown.index(first.text) < markdown.index("Handover notes")
    assert markdown.index("Handover notes") < markdown.index(third.text)
    assert markdown.index(third.text) < markdown.index("Night shifts")
    assert second.text not in markdown
    # Member text can neither ping nor become structure.
    assert "@everyone" not in markdown and "<@123>" not in markdown and "<@&456>" not in markdown
    assert "@\u200beveryone" in markdown
    assert "\n# Not a heading" not in markdown
    [post] = notifier.of("harvest")
    [document] = post.message.files
    assert document.filename == "harvest-2026-01-06.md"
    # The file pings no one, so it keeps members' words as they wrote them.
    kept = document.data.decode()
    assert "\u200b" not in kept and "\\" not in kept
    assert "- @everyone look: <@123> and <@&456>\n  # Not a heading" in kept
    assert "Night shifts need their own huddle" in kept and "kept to myself" not in kept
    assert "@everyone" not in post.message.content
    assert all("@everyone" not in f.value for e in post.message.embeds for f in e.fields)


async def test_latest_harvest_and_its_export(
    svc: Services, checkin: tuple[Community, Round, list[Question]]
) -> None:
    community, round_, prompts = checkin
    assert await latest_harvest(svc, community.id) is None
    with pytest.raises(ServiceError, match="no harvest yet"):
        await export_harvest_markdown(svc, community.id)
    await record_answers(
        svc, GUILD, round_.id, MEMBERS[0], [AnswerInput(prompts[0].id, None, "a lesson", True)]
    )
    await close_round(svc, community.id, round_.id)
    harvest = await latest_harvest(svc, community.id)
    assert harvest is not None and harvest.round_id == round_.id and harvest.participants == 1
    assert await export_harvest_markdown(svc, community.id) == harvest.markdown
    assert await export_harvest_markdown(svc, community.id, round_.id) == harvest.markdown
    assert harvest.markdown.startswith("# Harvest of the check-in 2026-01-06\n")


async def test_a_harvest_with_nothing_shared_says_so(
    svc: Services, checkin: tuple[Community, Round, list[Question]]
) -> None:
    community, round_, prompts = checkin
    await record_answers(
        svc, GUILD, round_.id, MEMBERS[0], [AnswerInput(prompts[0].id, None, "private", False)]
    )
    result = await close_round(svc, community.id, round_.id)
    assert result.harvest is not None
    assert "No reflections were shared this time." in result.harvest.markdown
    assert "private" not in result.harvest.markdown


async def test_the_harvest_order_says_nothing_about_who_answered_when(
    svc: Services, setup: Setup, clock: ManualClock
) -> None:
    reflections = ["Zoning the ward helped", "ask before fixing", "Better handovers"]
    harvests = []
    for guild, order in ((GUILD, reflections), (OTHER_GUILD, reflections[::-1])):
        community = await setup(guild)
        await adopt(svc, guild_id=guild)
        round_ = await open_round(svc, community.id, "checkin", period="2026-01-06")
        assert round_ is not None
        prompt = (await questions_of(svc, round_, guild))[0]
        for member, words in zip(MEMBERS, order, strict=False):
            clock.advance(timedelta(minutes=5))
            await record_answers(
                svc, guild, round_.id, member, [AnswerInput(prompt.id, None, words, True)]
            )
        result = await close_round(svc, community.id, round_.id)
        assert result.harvest is not None
        harvests.append(result.harvest.markdown)

    assert harvests[0] == harvests[1]
    listed = [line[2:] for line in harvests[0].splitlines() if line.startswith("- ")]
    assert listed == ["ask before fixing", "Better handovers", "Zoning the ward helped"]


async def test_a_long_harvest_says_how_many_reflections_are_only_in_the_attached_file(
    svc: Services, checkin: tuple[Community, Round, list[Question]], notifier: RecordingNotifier
) -> None:
    community, round_, prompts = checkin
    first = prompts[0]
    lessons = [f"Lesson {n}: " + "handover notes read better as short checklists " * 4 for n in
               range(len(MEMBERS))]  # fmt: skip
    for member, lesson in zip(MEMBERS, lessons, strict=True):
        await record_answers(
            svc, GUILD, round_.id, member, [AnswerInput(first.id, None, lesson, True)]
        )

    await close_round(svc, community.id, round_.id)

    [post] = notifier.of("harvest")
    (many,) = post.message.embeds[0].fields
    shown = many.value.count("Lesson ")
    assert 0 < shown < len(lessons)
    assert many.value.endswith(
        f"…and {len(lessons) - shown} more reflections: the full text is in the attached file.*"
    )
    kept = post.message.files[0].data.decode()
    assert all(lesson.strip() in kept for lesson in lessons)


async def test_a_reflection_too_long_for_the_card_is_cut_and_the_file_named_as_holding_it(
    checkin: tuple[Community, Round, list[Question]],
) -> None:
    community, round_, _ = checkin
    # Eight prompts share the card's 6,000 characters: even one reflection each is cut.
    prompts = "".join(f"\n\n## Prompt {n}\n\n- {'a long story ' * 70}\n- short" for n in range(8))
    stored = Harvest(1, round_.id, community.id, round_.opened_at, 2, f"# Harvest{prompts}\n")

    card = harvest_message(stored, round_).embeds[0]

    assert len(card.fields) == 8
    assert all(
        field.value.endswith(
            "…\n*The rest of this reflection, and 1 more, are in the attached file.*"
        )
        for field in card.fields
    )
