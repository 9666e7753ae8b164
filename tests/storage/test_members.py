"""Members: preferences, and data requests that find them by id and by respondent key."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, or_, select
from storage_support import NOW, MakeRound

from vitalitybot.domain.records import AnswerInput, Community, RespondentStatus, RoundKind
from vitalitybot.storage import Database, Repositories
from vitalitybot.storage.models import Base

MEMBER = 55
KEYS = ("hmac-of-55", "named-55")  # every respondent key the service ever used for 55
OTHER_MEMBER = 66


async def test_prefs_change_one_at_a_time(db: Database, community: Community) -> None:
    async with db.transaction() as session:
        members = Repositories(session).members
        assert await members.get_prefs(community.id, MEMBER) is None
        paused = await members.set_prefs(community.id, MEMBER, at=NOW, paused=True)
        later = NOW + timedelta(days=1)
        both = await members.set_prefs(community.id, MEMBER, at=later, reminders_off=True)
        resumed = await members.set_prefs(community.id, MEMBER, at=later, paused=False)
        listed = await members.list_prefs(community.id)
    assert (paused.paused, paused.reminders_off) == (True, False)
    assert (both.paused, both.reminders_off, both.updated_at) == (True, True, later)
    assert (resumed.paused, resumed.reminders_off) == (False, True)
    assert listed == [resumed]


async def _member_everywhere(
    db: Database, community: Community, other_community: Community, make_round: MakeRound
) -> None:
    """Member 55 (and 66) answer an anonymous survey and a named check-in in both communities."""
    for place in (community, other_community):
        survey, (s1, s2, _) = await make_round(place, period="2026-11-03")
        checkin, (c1, *_) = await make_round(
            place, period="2026-11-10", kind=RoundKind.CHECKIN, anonymous=False
        )
        async with db.transaction() as session:
            repos = Repositories(session)
            answers = repos.answers
            await answers.record(
                place.id, survey.id, KEYS[0], [AnswerInput(s1.id, 4), AnswerInput(s2.id, 2)], at=NOW
            )
            await answers.record(
                place.id,
                checkin.id,
                KEYS[1],
                [AnswerInput(c1.id, text="Pairing on triage worked.", shared=True)],
                at=NOW,
                member_id=MEMBER,
            )
            await answers.record(place.id, survey.id, "hmac-of-66", [AnswerInput(s1.id, 1)], at=NOW)
            await answers.set_status(
                place.id, checkin.id, "named-66", RespondentStatus.SKIPPED, at=NOW
            )
            await repos.members.set_prefs(place.id, MEMBER, at=NOW, reminders_off=True)
            await repos.members.set_prefs(place.id, OTHER_MEMBER, at=NOW, paused=True)


async def _rows_naming(
    db: Database, community_id: int, member_id: int, keys: tuple[str, ...]
) -> dict[str, int]:
    """Rows in every table that name the member (by id or key), within one community."""
    rounds = Base.metadata.tables["rounds"]
    counts: dict[str, int] = {}
    async with db.engine.connect() as connection:
        for name, table in Base.metadata.tables.items():
            naming = []
            if "member_id" in table.c:
                naming.append(table.c.member_id == member_id)
            if "respondent_key" in table.c:
                naming.append(table.c.respondent_key.in_(keys))
            if not naming:
                continue
            stmt = select(func.count()).select_from(table).where(or_(*naming))
            if "community_id" in table.c:
                stmt = stmt.where(table.c.community_id == community_id)
            else:
                in_community = select(rounds.c.id).where(rounds.c.community_id == community_id)
                stmt = stmt.where(table.c.round_id.in_(in_community))
            counts[name] = (await connection.execute(stmt)).scalar_one()
    return counts


async def test_forget_removes_every_row_naming_the_member(
    db: Database, community: Community, other_community: Community, make_round: MakeRound
) -> None:
    await _member_everywhere(db, community, other_community, make_round)
    before = await _rows_naming(db, community.id, MEMBER, KEYS)
    assert before == {"respondents": 2, "answers": 3, "member_prefs": 1}

    async with db.transaction() as session:
        result = await Repositories(session).members.forget(community.id, MEMBER, KEYS)

    assert (result.answers, result.respondents, result.member_prefs) == (3, 2, 1)
    assert result.total == 6
    assert await _rows_naming(db, community.id, MEMBER, KEYS) == {
        "respondents": 0,
        "answers": 0,
        "member_prefs": 0,
    }
    # Other members, and the same member in another community, are untouched.
    others = await _rows_naming(db, community.id, OTHER_MEMBER, ("hmac-of-66", "named-66"))
    assert others == {"respondents": 2, "answers": 1, "member_prefs": 1}
    assert await _rows_naming(db, other_community.id, MEMBER, KEYS) == before


async def test_forgetting_twice_finds_nothing_the_second_time(
    db: Database, community: Community, other_community: Community, make_round: MakeRound
) -> None:
    await _member_everywhere(db, community, other_community, make_round)
    async with db.transaction() as session:
        await Repositories(session).members.forget(community.id, MEMBER, KEYS)
    async with db.transaction() as session:
        again = await Repositories(session).members.forget(community.id, MEMBER, KEYS)
    assert again.total == 0


async def test_export_finds_the_member_by_id_and_by_key(
    db: Database, community: Community, other_community: Community, make_round: MakeRound
) -> None:
    await _member_everywhere(db, community, other_community, make_round)
    async with db.session() as session:
        export = await Repositories(session).members.export(community.id, MEMBER, KEYS)
    assert export.prefs is not None and export.prefs.reminders_off is True
    assert sorted((a.respondent_key, a.value, a.text) for a in export.answers) == [
        ("hmac-of-55", 2, None),
        ("hmac-of-55", 4, None),
        ("named-55", None, "Pairing on triage worked."),
    ]
    assert {r.respondent_key for r in export.respondents} == set(KEYS)
    assert {r.community_id for r in export.rounds} == {community.id}
    assert [r.kind for r in export.rounds] == [RoundKind.SURVEY, RoundKind.CHECKIN]
    assert {q.id for q in export.questions} == {a.question_id for a in export.answers}
    assert all(q.text for q in export.questions)


async def test_export_of_a_stranger_is_empty(db: Database, community: Community) -> None:
    async with db.session() as session:
        export = await Repositories(session).members.export(community.id, 999, ["nobody"])
    assert export.prefs is None
    assert (export.answers, export.respondents, export.rounds, export.questions) == ((), (), (), ())
