"""What people type past the bounds: each refused with a sentence, nothing stored.

A 5,000-digit day, an id past 64 bits, a name longer than Discord allows or half an
emoji would otherwise fail deep down as ValueError, OverflowError or
UnicodeEncodeError, which the adapter can only report as "something went wrong".
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

import pytest

from vitalitybot.domain.records import AnswerInput, Community
from vitalitybot.services import (
    InvalidAnswer,
    InvalidSetting,
    NotConfigured,
    Place,
    RoundNotFound,
    ServiceError,
    Services,
    adopt_pattern,
    answer_form,
    close_now,
    current_scores,
    drop_pattern,
    find_community,
    my_answers,
    open_now,
    open_round,
    record_answers,
    set_schedule,
    set_threshold,
    setup_community,
    skip_round,
)
from vitalitybot.storage import Database

from .support import GUILD, MEMBERS, questions_of, rows

HUGE = 10**30  # past a 64-bit integer
HALF_AN_EMOJI = "\ud83d"  # a lone surrogate: UTF-8 cannot encode it

Entry = Callable[[Services], Awaitable[object]]
OnCommunity = Callable[[Services, int], Awaitable[object]]

SETTINGS: dict[str, OnCommunity] = {
    "day of 5,000 digits": lambda svc, c: set_schedule(svc, c, "survey", "monthly", "9" * 5000),
    "time of 5,000 digits": lambda svc, c: set_schedule(
        svc, GUILD, "survey", "monthly", None, "9" * 5000
    ),
    "huge window": lambda svc, c: set_schedule(svc, c, "survey", "monthly", None, None, HUGE),
    "cadence with half an emoji": lambda svc, c: set_schedule(svc, c, "survey", HALF_AN_EMOJI),
    "kind of 5,000 letters": lambda svc, c: set_schedule(svc, c, "x" * 5000, "monthly"),
    "huge minimum": lambda svc, c: set_threshold(svc, c, 0.5, HUGE),
    "minimum over 100": lambda svc, c: set_threshold(svc, c, 0.5, 101),
    "name over 100": lambda svc, c: setup_community(svc, GUILD, "x" * 101, 42, "UTC"),
    "name with half an emoji": lambda svc, c: setup_community(
        svc, GUILD, f"Nurses {HALF_AN_EMOJI}", 42, "UTC"
    ),
    "zone with half an emoji": lambda svc, c: setup_community(
        svc, GUILD, "Nurses", 42, f"Europe/{HALF_AN_EMOJI}"
    ),
    "community option over 100": lambda svc, c: find_community(svc, Place(GUILD), "x" * 101),
    "community option with half an emoji": lambda svc, c: find_community(
        svc, Place(GUILD), f"Nurses {HALF_AN_EMOJI}"
    ),
    "no such kind of round": lambda svc, c: open_now(svc, c, "poll"),
    "pattern name of 5,000 letters": lambda svc, c: adopt_pattern(svc, c, "x" * 5000),
    "pattern name with half an emoji": lambda svc, c: drop_pattern(svc, c, HALF_AN_EMOJI),
}

HUGE_IDS: dict[str, OnCommunity] = {
    "answer form": lambda svc, c: answer_form(svc, GUILD, HUGE, MEMBERS[0]),
    "answers": lambda svc, c: record_answers(svc, GUILD, HUGE, MEMBERS[0], [AnswerInput(1, 3)]),
    "skip": lambda svc, c: skip_round(svc, GUILD, HUGE, MEMBERS[0]),
    "own answers": lambda svc, c: my_answers(svc, GUILD, HUGE, MEMBERS[0]),
    "scores": lambda svc, c: current_scores(svc, GUILD, HUGE),
    "close": lambda svc, c: close_now(svc, c, HUGE),
}


@pytest.mark.parametrize("case", list(SETTINGS))
async def test_a_setting_past_its_bounds_is_refused_and_nothing_changes(
    svc: Services, community: Community, db: Database, case: str
) -> None:
    before = await rows(db, "SELECT * FROM communities")
    schedules = await rows(db, "SELECT * FROM schedules")
    with pytest.raises(InvalidSetting) as refused:
        await SETTINGS[case](svc, community.id)
    assert len(str(refused.value)) < 300  # one readable sentence, not the input echoed
    assert HALF_AN_EMOJI not in str(refused.value)
    assert await rows(db, "SELECT * FROM communities") == before
    assert await rows(db, "SELECT * FROM schedules") == schedules
    assert await rows(db, "SELECT count(*) FROM rounds") == [(0,)]


@pytest.mark.parametrize("case", list(HUGE_IDS))
async def test_a_round_id_past_64_bits_is_a_round_not_found(
    svc: Services, community: Community, case: str
) -> None:
    with pytest.raises(RoundNotFound):
        await HUGE_IDS[case](svc, community.id)


@pytest.mark.parametrize(
    "entry",
    [
        lambda svc: find_community(svc, Place(HUGE)),
        lambda svc: find_community(svc, Place(HUGE, channel_id=42), "Protocol nurses"),
        lambda svc: answer_form(svc, HUGE, 1, MEMBERS[0]),
        lambda svc: record_answers(svc, HUGE, 1, MEMBERS[0], [AnswerInput(1, 3)]),
    ],
    ids=["place", "named", "answer form", "answers"],
)
async def test_a_guild_id_past_64_bits_is_a_server_not_set_up(
    svc: Services, community: Community, entry: Entry
) -> None:
    with pytest.raises(NotConfigured):
        await entry(svc)


async def test_a_reflection_with_half_an_emoji_is_refused_and_nothing_is_saved(
    svc: Services, community: Community
) -> None:
    round_ = await open_round(svc, community.id, "checkin", period="2026-01-06")
    assert round_ is not None
    prompt = (await questions_of(svc, round_))[0]
    broken = AnswerInput(prompt.id, None, f"We tried pairing {HALF_AN_EMOJI} and it", True)
    with pytest.raises(InvalidAnswer, match="cannot be stored") as refused:
        await record_answers(svc, GUILD, round_.id, MEMBERS[0], [broken])
    assert isinstance(refused.value, ServiceError)
    assert await my_answers(svc, GUILD, round_.id, MEMBERS[0]) == []
    fixed = AnswerInput(prompt.id, None, "We tried pairing \U0001f600 and it stuck", True)
    await record_answers(svc, GUILD, round_.id, MEMBERS[0], [fixed])
    (saved,) = await my_answers(svc, GUILD, round_.id, MEMBERS[0])
    assert saved.text == "We tried pairing \U0001f600 and it stuck"
