"""A member's controls and data: pause, reminders, export, forget."""

from __future__ import annotations

import json

import pytest

from vitalitybot.domain.records import AnswerInput, Community
from vitalitybot.services import (
    Services,
    close_round,
    export_harvest_markdown,
    export_member,
    forget_member,
    member_prefs,
    my_answers,
    open_round,
    pause_member,
    record_answers,
    resume_member,
    set_options,
    set_reminders,
    skip_round,
)
from vitalitybot.storage import Database

from .conftest import Setup
from .support import GUILD, MEMBERS, OTHER_GUILD, adopt, member_key, questions_of, rate, rows

ME, OTHER = MEMBERS[0], MEMBERS[1]


async def rows_naming(db: Database, member_id: int, keys: list[str]) -> dict[str, int]:
    """Rows of every member-level table that name the member, by id or by one of their keys."""
    marks = ", ".join(f":k{n}" for n in range(len(keys)))
    by_key = {f"k{n}": key for n, key in enumerate(keys)}
    counts = {
        "answers": await rows(
            db,
            f"SELECT count(*) FROM answers WHERE member_id = :m OR respondent_key IN ({marks})",
            m=member_id,
            **by_key,
        ),
        "respondents": await rows(
            db, f"SELECT count(*) FROM respondents WHERE respondent_key IN ({marks})", **by_key
        ),
        "member_prefs": await rows(
            db, "SELECT count(*) FROM member_prefs WHERE member_id = :m", m=member_id
        ),
    }
    return {table: found[0][0] for table, found in counts.items()}


async def test_pause_and_reminder_preferences(svc: Services, community: Community) -> None:
    assert await member_prefs(svc, GUILD, ME) is None
    paused = await pause_member(svc, GUILD, ME)
    assert (paused.paused, paused.reminders_off) == (True, False)
    quiet = await set_reminders(svc, GUILD, ME, on=False)
    assert (quiet.paused, quiet.reminders_off) == (True, True)
    resumed = await resume_member(svc, GUILD, ME)
    assert (resumed.paused, resumed.reminders_off) == (False, True)


@pytest.mark.parametrize("anonymous", [True, False])
async def test_forgetting_a_member_removes_every_row_of_theirs_in_open_rounds(
    svc: Services, community: Community, db: Database, anonymous: bool
) -> None:
    await set_options(svc, GUILD, anonymous=anonymous)
    survey = await open_round(svc, community.id, "survey", period="2026-01-06")
    checkin = await open_round(svc, community.id, "checkin", period="2026-01-06")
    spare = await open_round(svc, community.id, "survey", period="2026-01-07")
    assert survey and checkin and spare
    keys = [await member_key(svc, r, ME) for r in (survey, checkin, spare)]
    await rate(svc, survey, [ME, OTHER, MEMBERS[2]], 4)
    prompt = (await questions_of(svc, checkin))[0]
    await record_answers(
        svc, GUILD, checkin.id, ME, [AnswerInput(prompt.id, None, "my private lesson", True)]
    )
    await record_answers(
        svc, GUILD, checkin.id, OTHER, [AnswerInput(prompt.id, None, "their lesson", True)]
    )
    await skip_round(svc, GUILD, spare.id, ME)
    await pause_member(svc, GUILD, ME)
    before = await rows_naming(db, ME, keys)
    assert all(count > 0 for count in before.values())

    report = await forget_member(svc, GUILD, ME)

    assert await rows_naming(db, ME, keys) == {"answers": 0, "respondents": 0, "member_prefs": 0}
    assert report.total == sum(before.values())
    assert len(await my_answers(svc, GUILD, survey.id, OTHER)) > 0
    await close_round(svc, community.id, checkin.id)
    harvest = await export_harvest_markdown(svc, GUILD, checkin.id)
    assert "my private lesson" not in harvest and "their lesson" in harvest


async def test_forgetting_reaches_ended_named_rounds_and_their_harvests(
    svc: Services, community: Community, db: Database
) -> None:
    await set_options(svc, GUILD, anonymous=False)
    checkin = await open_round(svc, community.id, "checkin", period="2026-01-06")
    assert checkin
    prompt = (await questions_of(svc, checkin))[0]
    for member, words in ((ME, "my private lesson"), (OTHER, "their lesson")):
        await record_answers(
            svc, GUILD, checkin.id, member, [AnswerInput(prompt.id, None, words, True)]
        )
    await close_round(svc, community.id, checkin.id)
    assert "my private lesson" in await export_harvest_markdown(svc, GUILD, checkin.id)

    report = await forget_member(svc, GUILD, ME)

    assert (report.rows.answers, report.harvests_rewritten) == (1, 1)
    assert await rows(db, "SELECT count(*) FROM answers WHERE member_id = :m", m=ME) == [(0,)]
    harvest = await export_harvest_markdown(svc, GUILD, checkin.id)
    assert "my private lesson" not in harvest and "their lesson" in harvest
    assert "2 of 10 members answered" in harvest  # the aggregate stays as it was


async def test_an_ended_anonymous_round_is_out_of_reach_and_the_member_is_told(
    svc: Services, community: Community, db: Database
) -> None:
    survey = await open_round(svc, community.id, "survey", period="2026-01-06")
    assert survey
    await rate(svc, survey, [ME, OTHER, MEMBERS[2]], 4)
    await close_round(svc, community.id, survey.id)
    stored = await rows(db, "SELECT count(*) FROM answers")

    exported = await export_member(svc, GUILD, ME)
    report = await forget_member(svc, GUILD, ME)

    assert exported["rounds"] == [] and exported["ended_anonymous_rounds_not_linkable"] == 1
    assert report.total == 0
    assert await rows(db, "SELECT count(*) FROM answers") == stored
    assert await my_answers(svc, GUILD, survey.id, ME) == []


async def test_forgetting_in_one_community_leaves_the_other_alone(
    svc: Services, community: Community, setup: Setup
) -> None:
    other = await setup(OTHER_GUILD, name="Maintainers")
    await adopt(svc, guild_id=OTHER_GUILD)
    mine = await open_round(svc, community.id, "survey", period="2026-01-06")
    theirs = await open_round(svc, other.id, "survey", period="2026-01-06")
    assert mine and theirs
    await rate(svc, mine, [ME], 2)
    await rate(svc, theirs, [ME], 5, guild_id=OTHER_GUILD)
    await forget_member(svc, GUILD, ME)
    assert await my_answers(svc, GUILD, mine.id, ME) == []
    assert {a.value for a in await my_answers(svc, OTHER_GUILD, theirs.id, ME)} == {5}


async def test_a_member_export_holds_their_data_and_only_theirs(
    svc: Services, community: Community, setup: Setup
) -> None:
    other = await setup(OTHER_GUILD, name="Maintainers")
    await adopt(svc, guild_id=OTHER_GUILD)
    checkin = await open_round(svc, community.id, "checkin", period="2026-01-06")
    elsewhere = await open_round(svc, other.id, "checkin", period="2026-01-06")
    assert checkin and elsewhere
    prompt = (await questions_of(svc, checkin))[0]
    await record_answers(
        svc, GUILD, checkin.id, ME, [AnswerInput(prompt.id, None, "what I wrote", True)]
    )
    await record_answers(
        svc, GUILD, checkin.id, OTHER, [AnswerInput(prompt.id, None, "someone else", True)]
    )
    far = (await questions_of(svc, elsewhere, OTHER_GUILD))[0]
    await record_answers(
        svc, OTHER_GUILD, elsewhere.id, ME, [AnswerInput(far.id, None, "other server")]
    )
    await set_reminders(svc, GUILD, ME, on=False)

    exported = await export_member(svc, GUILD, ME)

    text = json.dumps(exported)
    assert "what I wrote" in text
    assert "someone else" not in text and "other server" not in text
    assert exported["member_id"] == str(ME)
    assert exported["community"]["guild_id"] == str(GUILD)
    assert exported["preferences"]["reminders_off"] is True
    [round_] = exported["rounds"]
    assert round_["kind"] == "check-in" and round_["response"] == "answered"
    [answer] = round_["answers"]
    assert answer["question_text"] == prompt.text and answer["shared_in_harvest"] is True
    assert answer["stored_with_member_id"] is False
