"""A member's data request: everything stored about them, as one JSON document.

The document has one section per community asked about, each holding what
``MemberRepository.export`` finds there and saying plainly when that is nothing, so a
member reading it sees every community of the server they asked about, not only those
where something of theirs was found. What can and cannot be linked to the member is
explained in services/members.py.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from vitalitybot.domain import scale
from vitalitybot.domain.records import Answer, Community, MemberExport, MemberPrefs, Question
from vitalitybot.services.app import Services, community_by_id
from vitalitybot.services.members import open_round_keys
from vitalitybot.services.messages import kind_name

# Version 2: one section per community under "communities"; version 1 held one
# community's fields at the top level.
EXPORT_FORMAT = "vitalitybot-member-export/2"


async def export_member(svc: Services, community_id: int, member_id: int) -> dict[str, Any]:
    """Everything stored about the member in one community (``export_member_in``)."""
    return await export_member_in(svc, [community_id], member_id)


async def export_member_in(
    svc: Services, community_ids: Sequence[int], member_id: int
) -> dict[str, Any]:
    """Everything stored about the member in these communities, as JSON-ready data.

    Discord ids are strings, as in Discord's own API: they exceed the integers a
    JavaScript JSON reader keeps exactly.
    """
    sections: list[dict[str, Any]] = []
    async with svc.repos() as repos:
        for community_id in community_ids:
            community = await community_by_id(repos, community_id)
            keys = await open_round_keys(svc, repos, community.id, member_id)
            exported = await repos.members.export(community.id, member_id, list(keys.values()))
            unreachable = await repos.rounds.count_ended_anonymous(community.id)
            sections.append(_section(community, keys, exported, unreachable))
    return {
        "format": EXPORT_FORMAT,
        "exported_at": svc.now().isoformat(),
        "member_id": str(member_id),
        "communities": sections,
    }


def rounds_exported(document: dict[str, Any]) -> int:
    """How many rounds the document holds answers or responses of, over its communities."""
    return sum(len(section["rounds"]) for section in document["communities"])


def ended_anonymous_exported(document: dict[str, Any]) -> int:
    """How many ended anonymous rounds the document could not look into."""
    return sum(s["ended_anonymous_rounds_not_linkable"] for s in document["communities"])


def _section(
    community: Community, keys: dict[int, str], exported: MemberExport, unreachable: int
) -> dict[str, Any]:
    questions = {q.id: q for q in exported.questions}
    status = {r.round_id: r for r in exported.respondents}
    rounds: list[dict[str, Any]] = []
    for round_ in exported.rounds:
        respondent = status.get(round_.id)
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
                    _answer(a, questions.get(a.question_id))
                    for a in exported.answers
                    if a.round_id == round_.id
                ],
            }
        )
    return {
        "community": {"guild_id": str(community.guild_id), "name": community.name},
        "nothing_stored": not rounds and exported.prefs is None,
        "ended_anonymous_rounds_not_linkable": unreachable,
        "preferences": _prefs(exported.prefs),
        "rounds": rounds,
    }


def _answer(answer: Answer, question: Question | None) -> dict[str, Any]:
    return {
        "question": question.position if question else None,
        "question_text": question.text if question else None,
        "rating": answer.value,
        "rating_word": scale.word(answer.value) if answer.value is not None else None,
        "text": answer.text,
        "shared_in_harvest": answer.shared,
        "stored_with_member_id": answer.member_id is not None,
        "answered_at": answer.answered_at.isoformat(),
    }


def _prefs(prefs: MemberPrefs | None) -> dict[str, Any] | None:
    if prefs is None:
        return None
    return {
        "paused": prefs.paused,
        "reminders_off": prefs.reminders_off,
        "updated_at": prefs.updated_at.isoformat(),
    }
