"""A member's own controls: pause, reminders, and their data (export, forget).

What export and forget can reach is exactly what can still be linked to the member:

* named rounds, open or ended: their answers carry the member id;
* open anonymous rounds: the member's respondent key in each is recomputed from the
  round's key (vitality/anonymity.py);
* ended anonymous rounds: nothing. Their round keys were destroyed when they ended,
  so no row of theirs can be told to be the member's, by the bot or anyone else; the
  replies say so rather than pretend to have found or deleted them.

Forgetting also rewrites the stored harvests that quoted the member's shared
reflections (named rounds), so their words leave the bot's records, not only their
answers. (Posts already made in Discord are Discord's: a member can delete a message,
but the bot cannot un-send what a channel has already read.)
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

from vitalitybot.domain import scale
from vitalitybot.domain.records import (
    Community,
    ForgetResult,
    MemberExport,
    MemberPrefs,
    RoundKind,
)
from vitalitybot.services.app import Services, community_by_id
from vitalitybot.services.harvest import build_harvest_markdown
from vitalitybot.services.messages import kind_name
from vitalitybot.services.views import ParticipationView
from vitalitybot.storage import Repositories

logger = logging.getLogger(__name__)

EXPORT_FORMAT = "vitalitybot-member-export/1"


@dataclass(frozen=True, slots=True)
class ForgetReport:
    rows: ForgetResult  # rows deleted, per table
    harvests_rewritten: int  # stored harvests their shared words were taken out of
    ended_anonymous: int  # rounds out of reach: ended anonymous rounds of the community

    @property
    def total(self) -> int:
        return self.rows.total


async def member_prefs(svc: Services, community_id: int, member_id: int) -> MemberPrefs | None:
    async with svc.repos() as repos:
        community = await community_by_id(repos, community_id)
        return await repos.members.get_prefs(community.id, member_id)


async def pause_member(svc: Services, community_id: int, member_id: int) -> MemberPrefs:
    """No reminders or pings until resumed; the member may still answer if they choose."""
    return await _set(svc, community_id, member_id, paused=True)


async def resume_member(svc: Services, community_id: int, member_id: int) -> MemberPrefs:
    return await _set(svc, community_id, member_id, paused=False)


async def set_reminders(svc: Services, community_id: int, member_id: int, on: bool) -> MemberPrefs:
    return await _set(svc, community_id, member_id, reminders_off=not on)


async def _set(
    svc: Services,
    community_id: int,
    member_id: int,
    *,
    paused: bool | None = None,
    reminders_off: bool | None = None,
) -> MemberPrefs:
    async with svc.repos() as repos:
        community = await community_by_id(repos, community_id)
        return await repos.members.set_prefs(
            community.id, member_id, at=svc.now(), paused=paused, reminders_off=reminders_off
        )


async def export_member(svc: Services, community_id: int, member_id: int) -> dict[str, Any]:
    """Everything stored about the member in this community, as JSON-ready data.

    Discord ids are strings, as in Discord's own API: they exceed the integers a
    JavaScript JSON reader keeps exactly.
    """
    async with svc.repos() as repos:
        community = await community_by_id(repos, community_id)
        keys = await _open_round_keys(svc, repos, community.id, member_id)
        exported = await repos.members.export(community.id, member_id, list(keys.values()))
        unreachable = await repos.rounds.count_ended_anonymous(community.id)
    return _export_document(svc, community, keys, exported, unreachable)


async def _open_round_keys(
    svc: Services, repos: Repositories, community_id: int, member_id: int
) -> dict[int, str]:
    """The member's respondent key in each open round of the community, by round id."""
    return {
        round_id: svc.keys.respondent_key(sealed, member_id)
        for round_id, sealed in (await repos.rounds.open_keys(community_id)).items()
    }


def _export_document(
    svc: Services,
    community: Community,
    keys: dict[int, str],
    exported: MemberExport,
    unreachable: int,
) -> dict[str, Any]:
    questions = {q.id: q for q in exported.questions}
    status = {r.round_id: r for r in exported.respondents}
    rounds: list[dict[str, Any]] = []
    for round_ in exported.rounds:
        respondent = status.get(round_.id)
        answers = [a for a in exported.answers if a.round_id == round_.id]
        rounds.append(
            {
                "round_id": round_.id,
                "kind": kind_name(round_.kind),
                "period": round_.period,
                "status": round_.status.value,
                "anonymous": round_.anonymous,
                "respondent_key": keys.get(round_.id),
                "opened_at": round_.opened_at.isoformat(),
                "closes_at": round_.closes_at.isoformat(),
                "response": respondent.status.value if respondent else None,
                "responded_at": respondent.updated_at.isoformat() if respondent else None,
                "answers": [
                    {
                        "question": questions[a.question_id].position
                        if a.question_id in questions
                        else None,
                        "question_text": questions[a.question_id].text
                        if a.question_id in questions
                        else None,
                        "rating": a.value,
                        "rating_word": scale.word(a.value) if a.value is not None else None,
                        "text": a.text,
                        "shared_in_harvest": a.shared,
                        "stored_with_member_id": a.member_id is not None,
                        "answered_at": a.answered_at.isoformat(),
                    }
                    for a in answers
                ],
            }
        )
    prefs = exported.prefs
    return {
        "format": EXPORT_FORMAT,
        "exported_at": svc.now().isoformat(),
        "community": {"guild_id": str(community.guild_id), "name": community.name},
        "member_id": str(exported.member_id),
        "ended_anonymous_rounds_not_linkable": unreachable,
        "preferences": None
        if prefs is None
        else {
            "paused": prefs.paused,
            "reminders_off": prefs.reminders_off,
            "updated_at": prefs.updated_at.isoformat(),
        },
        "rounds": rounds,
    }


async def forget_member(svc: Services, community_id: int, member_id: int) -> ForgetReport:
    """Delete every row that can be linked to the member in this community, and their
    words from harvests.

    Scores and participation counts already computed stay: they are aggregates and name
    no one. Ended anonymous rounds are out of reach (see the module docstring).
    """
    async with svc.repos() as repos:
        community = await community_by_id(repos, community_id)
        keys = list((await _open_round_keys(svc, repos, community.id, member_id)).values())
        exported = await repos.members.export(community.id, member_id, keys)
        quoted = {a.round_id for a in exported.answers if a.shared and a.text and a.text.strip()}
        result = await repos.members.forget(community.id, member_id, keys)
        rewritten = 0
        for round_id in sorted(quoted):
            rewritten += await _rewrite_harvest(svc, repos, community, round_id)
        unreachable = await repos.rounds.count_ended_anonymous(community.id)
    logger.info(
        "community %s: forgot a member (%d rows, %d harvests rewritten)",
        community.id,
        result.total,
        rewritten,
    )
    return ForgetReport(result, rewritten, unreachable)


async def _rewrite_harvest(
    svc: Services, repos: Repositories, community: Community, round_id: int
) -> int:
    harvest = await repos.outcomes.get_harvest(community.id, round_id)
    round_ = await repos.rounds.get(community.id, round_id)
    if harvest is None or round_ is None or round_.kind is not RoundKind.CHECKIN:
        return 0
    questions = await repos.rounds.list_questions(community.id, round_id)
    answers = await repos.answers.list_answers(community.id, round_id)
    participation = ParticipationView(harvest.participants, 0, round_.eligible_members)
    markdown = build_harvest_markdown(svc.env, community, round_, questions, answers, participation)
    await repos.outcomes.save_harvest(
        community.id,
        round_id,
        participants=harvest.participants,
        markdown=markdown,
        at=harvest.created_at,
    )
    return 1
