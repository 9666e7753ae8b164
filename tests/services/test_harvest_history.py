"""Past harvests by date, and a search that finds only the words members chose to share."""

from __future__ import annotations

from datetime import timedelta

import pytest

from vitalitybot.domain.records import AnswerInput, Community, Round
from vitalitybot.scheduling.clock import ManualClock
from vitalitybot.services import (
    ServiceError,
    Services,
    close_round,
    open_round,
    record_answers,
)
from vitalitybot.services.harvest_history import harvest_entries, harvest_post, search_harvests

from .support import GUILD, MEMBERS, questions_of


async def checkin(
    svc: Services, community: Community, guild_id: int, period: str, words: list[tuple[str, bool]]
) -> Round:
    """A closed check-in where each member in turn answers the first prompt (shared or not)."""
    round_ = await open_round(svc, community.id, "checkin", period=period)
    assert round_ is not None
    prompt = (await questions_of(svc, round_, guild_id))[0]
    for member, (text, shared) in zip(MEMBERS, words, strict=False):
        await record_answers(
            svc, guild_id, round_.id, member, [AnswerInput(prompt.id, None, text, shared)]
        )
    await close_round(svc, community.id, round_.id)
    return round_


Harvests = tuple[Round, Round, Round]


@pytest.fixture
async def harvests(
    svc: Services, community: Community, clock: ManualClock, elsewhere: Community
) -> Harvests:
    """January's and February's check-ins of ``community``, then the February check-in of
    another community (``elsewhere``)."""
    january = await checkin(
        svc,
        community,
        GUILD,
        "2026-01-06",
        [("Handover checklists @everyone", True), ("My private checklist doubts", False)],
    )
    clock.advance(timedelta(days=30))
    february = await checkin(
        svc, community, GUILD, "2026-02-03", [("Night shifts need a huddle and a checklist", True)]
    )
    theirs = await checkin(
        svc, elsewhere, elsewhere.guild_id, "2026-02-03", [("Their own checklist", True)]
    )
    return january, february, theirs


async def test_any_past_harvest_is_reachable_by_its_date(
    svc: Services, community: Community, harvests: Harvests
) -> None:
    names = [entry.name for entry in await harvest_entries(svc, community.id)]
    assert names == ["2026-02-04", "2026-01-05"]
    post = await harvest_post(svc, community.id, "2026-01-05")
    text = "\n".join(e.description + "".join(f.value for f in e.fields) for e in post.embeds)
    assert "Handover checklists" in text and "Night shifts" not in text
    [document] = post.files
    assert document.filename.endswith(".md") and b"Handover checklists" in document.data
    latest = await harvest_post(svc, community.id)
    assert b"Night shifts" in latest.files[0].data


async def test_an_unknown_or_malformed_date_is_one_clear_line(
    svc: Services, community: Community, harvests: Harvests
) -> None:
    with pytest.raises(ServiceError, match="no harvest of a check-in opened on 2025-12-01"):
        await harvest_post(svc, community.id, "2025-12-01")
    with pytest.raises(ServiceError, match=r"e\.g\. 2026-03-03"):
        await harvest_post(svc, community.id, "last week")


async def test_the_search_finds_only_shared_words_of_this_community(
    svc: Services, community: Community, harvests: Harvests
) -> None:
    found = await search_harvests(svc, community.id, "CHECKLIST")
    # Newest harvest first; the private answer and the other community's harvest never show.
    assert [(m.name, m.excerpt) for m in found] == [
        ("2026-02-04", "Night shifts need a huddle and a checklist"),
        ("2026-01-05", "Handover checklists @everyone"),
    ]
    assert await search_harvests(svc, community.id, "private") == []
    assert await search_harvests(svc, community.id, "checklist huddle") == [found[0]]
    theirs = harvests[2].community_id
    found = await search_harvests(svc, theirs, "checklist")
    assert [m.excerpt for m in found] == ["Their own checklist"]
    assert [entry.name for entry in await harvest_entries(svc, theirs)] == ["2026-02-04"]


async def test_the_prompts_wording_is_not_searched(
    svc: Services, community: Community, harvests: Harvests
) -> None:
    february = harvests[1]
    async with svc.repos() as repos:
        prompt = (await repos.rounds.list_questions(february.community_id, february.id))[0]
    prompt_word = max(prompt.text.strip("?.").split(), key=len)
    [entry, _] = await harvest_entries(svc, community.id)
    assert prompt.text in entry.harvest.markdown  # the harvest quotes the prompt...
    assert await search_harvests(svc, community.id, prompt_word) == []  # ...but it is not searched


async def test_a_long_reflection_is_cut_around_the_word(
    svc: Services, community: Community
) -> None:
    words = "word " * 40 + "needle " + "word " * 40
    await checkin(svc, community, GUILD, "2026-01-06", [(words, True)])
    [match] = await search_harvests(svc, community.id, "needle")
    assert match.excerpt.startswith("…") and match.excerpt.endswith("…")
    assert "needle" in match.excerpt and len(match.excerpt) <= 125


async def test_an_empty_query_is_one_clear_line(svc: Services, community: Community) -> None:
    with pytest.raises(ServiceError, match="a word or two"):
        await search_harvests(svc, community.id, "   ")
