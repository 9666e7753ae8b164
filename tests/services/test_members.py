"""A member's controls and data: pause, reminders, export, forget."""

from __future__ import annotations

import json

import pytest

from vitalitybot.domain.records import AnswerInput, Community, Round
from vitalitybot.services import (
    Services,
    UnknownCommunity,
    adopt_pattern,
    close_round,
    export_harvest_markdown,
    export_member,
    export_member_in,
    forget_member,
    forget_member_in,
    member_prefs,
    member_scope,
    my_answers,
    open_round,
    pause_member,
    pause_member_in,
    record_answers,
    remind,
    resume_member,
    resume_member_in,
    set_options,
    set_reminders,
    set_reminders_in,
    skip_round,
)
from vitalitybot.storage import Database

from .conftest import Setup
from .support import (
    COP,
    GUILD,
    MEMBERS,
    OTHER_GUILD,
    adopt,
    member_key,
    open_survey,
    questions_of,
    rate,
    rows,
)

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
    assert await member_prefs(svc, community.id, ME) is None
    paused = await pause_member(svc, community.id, ME)
    assert (paused.paused, paused.reminders_off) == (True, False)
    quiet = await set_reminders(svc, community.id, ME, on=False)
    assert (quiet.paused, quiet.reminders_off) == (True, True)
    resumed = await resume_member(svc, community.id, ME)
    assert (resumed.paused, resumed.reminders_off) == (False, True)


@pytest.mark.parametrize("anonymous", [True, False])
async def test_forgetting_a_member_removes_every_row_of_theirs_in_open_rounds(
    svc: Services, community: Community, db: Database, anonymous: bool
) -> None:
    await set_options(svc, community.id, anonymous=anonymous)
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
    await pause_member(svc, community.id, ME)
    before = await rows_naming(db, ME, keys)
    assert all(count > 0 for count in before.values())

    report = await forget_member(svc, community.id, ME)

    assert await rows_naming(db, ME, keys) == {"answers": 0, "respondents": 0, "member_prefs": 0}
    assert report.total == sum(before.values())
    assert len(await my_answers(svc, GUILD, survey.id, OTHER)) > 0
    await close_round(svc, community.id, checkin.id)
    harvest = await export_harvest_markdown(svc, community.id, checkin.id)
    assert "my private lesson" not in harvest and "their lesson" in harvest


async def test_forgetting_reaches_ended_named_rounds_and_their_harvests(
    svc: Services, community: Community, db: Database
) -> None:
    await set_options(svc, community.id, anonymous=False)
    checkin = await open_round(svc, community.id, "checkin", period="2026-01-06")
    assert checkin
    prompt = (await questions_of(svc, checkin))[0]
    for member, words in ((ME, "my private lesson"), (OTHER, "their lesson")):
        await record_answers(
            svc, GUILD, checkin.id, member, [AnswerInput(prompt.id, None, words, True)]
        )
    await close_round(svc, community.id, checkin.id)
    assert "my private lesson" in await export_harvest_markdown(svc, community.id, checkin.id)

    report = await forget_member(svc, community.id, ME)

    assert (report.rows.answers, report.harvests_rewritten) == (1, 1)
    assert await rows(db, "SELECT count(*) FROM answers WHERE member_id = :m", m=ME) == [(0,)]
    harvest = await export_harvest_markdown(svc, community.id, checkin.id)
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

    exported = await export_member(svc, community.id, ME)
    report = await forget_member(svc, community.id, ME)

    [section] = exported["communities"]
    assert section["rounds"] == [] and section["ended_anonymous_rounds_not_linkable"] == 1
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
    await forget_member(svc, community.id, ME)
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
    await set_reminders(svc, community.id, ME, on=False)

    exported = await export_member(svc, community.id, ME)

    text = json.dumps(exported)
    assert "what I wrote" in text
    assert "someone else" not in text and "other server" not in text
    assert exported["member_id"] == str(ME)
    [section] = exported["communities"]
    assert section["community"] == {"guild_id": str(GUILD), "name": community.name}
    assert section["preferences"]["reminders_off"] is True
    [round_] = section["rounds"]
    assert round_["kind"] == "check-in" and round_["response"] == "answered"
    [answer] = round_["answers"]
    assert answer["question_text"] == prompt.text and answer["shared_in_harvest"] is True
    assert answer["stored_with_member_id"] is False


# -- a server with two communities: a member's commands act on one or all of them -------


@pytest.fixture
async def second(svc: Services, community: Community, setup: Setup) -> Community:
    """A second community of the main test guild, in its own channel, watching the same
    pattern: the server now holds "Maintainers" and "Protocol nurses"."""
    made = await setup(name="Maintainers", channel_id=43)
    await adopt_pattern(svc, made.id, COP)
    return made


async def everywhere(svc: Services, guild_id: int = GUILD) -> list[int]:
    return [c.id for c in await member_scope(svc, guild_id)]


async def harvested_checkin(svc: Services, community: Community, words: str) -> Round:
    """A named check-in of ``community`` where ME shares ``words`` and OTHER shares some
    of their own, closed so that its harvest quotes both."""
    await set_options(svc, community.id, anonymous=False)
    checkin = await open_round(svc, community.id, "checkin", period="2026-01-06")
    assert checkin
    prompt = (await questions_of(svc, checkin))[0]
    for member, said in ((ME, words), (OTHER, f"{OTHER} agrees")):
        await record_answers(
            svc, GUILD, checkin.id, member, [AnswerInput(prompt.id, None, said, True)]
        )
    await close_round(svc, community.id, checkin.id)
    return checkin


async def test_a_members_commands_reach_the_community_named_or_all_of_the_servers(
    svc: Services, community: Community, second: Community, setup: Setup
) -> None:
    elsewhere = await setup(OTHER_GUILD, name="Elsewhere")

    assert await everywhere(svc) == [second.id, community.id]  # by name
    assert [c.id for c in await member_scope(svc, GUILD, " maintainers ")] == [second.id]
    assert [c.id for c in await member_scope(svc, GUILD, community_id=community.id)] == [
        community.id
    ]
    with pytest.raises(UnknownCommunity, match="no community called 'Elsewhere'"):
        await member_scope(svc, GUILD, "Elsewhere")
    with pytest.raises(UnknownCommunity, match="no longer set up in this server"):
        await member_scope(svc, GUILD, community_id=elsewhere.id)


async def test_an_export_lists_each_community_of_the_server_and_no_other_servers(
    svc: Services, community: Community, second: Community, setup: Setup
) -> None:
    elsewhere = await setup(OTHER_GUILD, name="Elsewhere")
    await adopt_pattern(svc, elsewhere.id, COP)
    survey = await open_survey(svc, community)
    far = await open_survey(svc, elsewhere)
    await rate(svc, survey, [ME], 4)
    await rate(svc, far, [ME], 1, guild_id=OTHER_GUILD)

    exported = await export_member_in(svc, await everywhere(svc), ME)

    assert exported["format"] == "vitalitybot-member-export/2"
    sections = {s["community"]["name"]: s for s in exported["communities"]}
    assert list(sections) == ["Maintainers", "Protocol nurses"]
    assert sections["Maintainers"]["nothing_stored"] is True
    assert sections["Maintainers"]["rounds"] == []
    assert sections["Protocol nurses"]["nothing_stored"] is False
    [round_] = sections["Protocol nurses"]["rounds"]
    assert round_["round_id"] == survey.id
    assert {a["rating"] for a in round_["answers"]} == {4}  # not the other server's 1
    assert "Elsewhere" not in json.dumps(exported)


async def test_forgetting_in_one_community_of_a_server_leaves_the_others_rows(
    svc: Services, community: Community, second: Community
) -> None:
    nurses = await harvested_checkin(svc, community, "what the nurses heard from me")
    maintainers = await harvested_checkin(svc, second, "what the maintainers heard from me")
    survey = await open_survey(svc, second, period="2026-01-13")
    await rate(svc, survey, [ME], 5)
    await pause_member_in(svc, await everywhere(svc), ME)

    report = await forget_member_in(svc, [community.id], ME)

    assert (report.rows.answers, report.rows.member_prefs, report.harvests_rewritten) == (1, 1, 1)
    assert await my_answers(svc, GUILD, nurses.id, ME) == []
    assert await member_prefs(svc, community.id, ME) is None
    nurses_harvest = await export_harvest_markdown(svc, community.id, nurses.id)
    assert "what the nurses heard from me" not in nurses_harvest
    assert f"{OTHER} agrees" in nurses_harvest
    # The other community keeps the member's answers, settings and harvested words.
    kept = await my_answers(svc, GUILD, maintainers.id, ME)
    assert [a.text for a in kept] == ["what the maintainers heard from me"]
    assert {a.value for a in await my_answers(svc, GUILD, survey.id, ME)} == {5}
    prefs = await member_prefs(svc, second.id, ME)
    assert prefs is not None and prefs.paused
    maintainers_harvest = await export_harvest_markdown(svc, second.id, maintainers.id)
    assert "what the maintainers heard from me" in maintainers_harvest


async def test_forgetting_in_all_of_a_servers_communities_clears_each(
    svc: Services, community: Community, second: Community, db: Database
) -> None:
    surveys = [await open_survey(svc, c) for c in (community, second)]
    keys = [await member_key(svc, s, ME) for s in surveys]
    for survey in surveys:
        await rate(svc, survey, [ME, OTHER], 3)
    await set_reminders_in(svc, [community.id, second.id], ME, on=False)
    before = await rows_naming(db, ME, keys)

    report = await forget_member_in(svc, await everywhere(svc), ME)

    assert await rows_naming(db, ME, keys) == {"answers": 0, "respondents": 0, "member_prefs": 0}
    assert report.total == sum(before.values()) and report.rows.member_prefs == 2
    for survey in surveys:
        assert await my_answers(svc, GUILD, survey.id, ME) == []
        assert len(await my_answers(svc, GUILD, survey.id, OTHER)) > 0


async def test_pausing_in_one_community_leaves_the_others_reminders_on(
    svc: Services, community: Community, second: Community
) -> None:
    here, there = [await open_survey(svc, c) for c in (community, second)]
    back_there = MEMBERS[2]
    await pause_member_in(svc, [community.id], ME)
    await pause_member_in(svc, await everywhere(svc), OTHER)
    await pause_member_in(svc, await everywhere(svc), back_there)
    await resume_member_in(svc, [second.id], back_there)

    reminded_here = await remind(svc, community.id, here.id)
    reminded_there = await remind(svc, second.id, there.id)

    assert {ME, OTHER, back_there}.isdisjoint(reminded_here)
    assert ME in reminded_there and back_there in reminded_there
    assert OTHER not in reminded_there
