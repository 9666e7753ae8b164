"""A member's own controls: pause, reminders, and their data (export, forget).

A member's commands act on one community of the server, or on all of them at once
(``member_scope``). Export builds its document in services/member_export.py.

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
from collections.abc import Sequence
from dataclasses import dataclass

from vitalitybot.domain.records import Community, ForgetResult, MemberPrefs, RoundKind
from vitalitybot.services.app import Services, community_by_id
from vitalitybot.services.errors import NotConfigured, UnknownCommunity
from vitalitybot.services.harvest import build_harvest_markdown
from vitalitybot.services.places import Place, choose, server_communities
from vitalitybot.services.views import ParticipationView
from vitalitybot.storage import Repositories

logger = logging.getLogger(__name__)

COMMUNITY_GONE = (
    "That community is no longer set up in this server, so nothing was changed. "
    "Run the command again to choose among the communities it has now."
)


@dataclass(frozen=True, slots=True)
class ForgetReport:
    rows: ForgetResult  # rows deleted, per table
    harvests_rewritten: int  # stored harvests their shared words were taken out of
    ended_anonymous: int  # rounds out of reach: ended anonymous rounds of the communities

    @property
    def total(self) -> int:
        return self.rows.total


async def member_scope(
    svc: Services, guild_id: int, name: str | None = None, *, community_id: int | None = None
) -> list[Community]:
    """The communities of the server a member's command acts on: the one named (by
    ``name`` as the member typed it, or by ``community_id`` as a button carries it),
    else every one of the server's communities.

    Every one, rather than those where something of the member is stored: the bot
    cannot tell where a member took part (their answers in an ended anonymous round
    carry nothing of them), and a member who pauses expects silence from the whole
    server, including a community whose first round has not opened yet. An export
    lists each community and says where nothing is stored.
    """
    communities = await server_communities(svc, guild_id)
    if community_id is not None:
        found = [c for c in communities if c.id == community_id]
        if not found:
            raise UnknownCommunity(COMMUNITY_GONE)
        return found
    if name is not None and name.strip():
        return [choose(communities, Place(guild_id), name)]
    if not communities:
        raise NotConfigured()
    return communities


async def member_prefs(svc: Services, community_id: int, member_id: int) -> MemberPrefs | None:
    async with svc.repos() as repos:
        community = await community_by_id(repos, community_id)
        return await repos.members.get_prefs(community.id, member_id)


async def pause_member(svc: Services, community_id: int, member_id: int) -> MemberPrefs:
    """No reminders or pings until resumed; the member may still answer if they choose."""
    return (await pause_member_in(svc, [community_id], member_id))[0]


async def resume_member(svc: Services, community_id: int, member_id: int) -> MemberPrefs:
    return (await resume_member_in(svc, [community_id], member_id))[0]


async def set_reminders(svc: Services, community_id: int, member_id: int, on: bool) -> MemberPrefs:
    return (await set_reminders_in(svc, [community_id], member_id, on))[0]


async def pause_member_in(
    svc: Services, community_ids: Sequence[int], member_id: int
) -> list[MemberPrefs]:
    """``pause_member`` in each of the communities, all or none."""
    return await _set(svc, community_ids, member_id, paused=True)


async def resume_member_in(
    svc: Services, community_ids: Sequence[int], member_id: int
) -> list[MemberPrefs]:
    return await _set(svc, community_ids, member_id, paused=False)


async def set_reminders_in(
    svc: Services, community_ids: Sequence[int], member_id: int, on: bool
) -> list[MemberPrefs]:
    return await _set(svc, community_ids, member_id, reminders_off=not on)


async def _set(
    svc: Services,
    community_ids: Sequence[int],
    member_id: int,
    *,
    paused: bool | None = None,
    reminders_off: bool | None = None,
) -> list[MemberPrefs]:
    """Change the preferences in one transaction, so a failure changes none of them."""
    changed: list[MemberPrefs] = []
    async with svc.repos() as repos:
        for community_id in community_ids:
            community = await community_by_id(repos, community_id)
            changed.append(
                await repos.members.set_prefs(
                    community.id,
                    member_id,
                    at=svc.now(),
                    paused=paused,
                    reminders_off=reminders_off,
                )
            )
    return changed


async def open_round_keys(
    svc: Services, repos: Repositories, community_id: int, member_id: int
) -> dict[int, str]:
    """The member's respondent key in each open round of the community, by round id."""
    return {
        round_id: svc.keys.respondent_key(sealed, member_id)
        for round_id, sealed in (await repos.rounds.open_keys(community_id)).items()
    }


async def forget_member(svc: Services, community_id: int, member_id: int) -> ForgetReport:
    """Forget the member in one community (``forget_member_in``)."""
    return await forget_member_in(svc, [community_id], member_id)


async def forget_member_in(
    svc: Services, community_ids: Sequence[int], member_id: int
) -> ForgetReport:
    """Delete every row that can be linked to the member in these communities, and their
    words from harvests; one transaction, so a failure deletes nothing.

    Scores and participation counts already computed stay: they are aggregates and name
    no one. Ended anonymous rounds are out of reach (see the module docstring).
    """
    reports: list[ForgetReport] = []
    async with svc.repos() as repos:
        for community_id in community_ids:
            community = await community_by_id(repos, community_id)
            reports.append(await _forget(svc, repos, community, member_id))
    return ForgetReport(
        ForgetResult(
            answers=sum(r.rows.answers for r in reports),
            respondents=sum(r.rows.respondents for r in reports),
            member_prefs=sum(r.rows.member_prefs for r in reports),
        ),
        harvests_rewritten=sum(r.harvests_rewritten for r in reports),
        ended_anonymous=sum(r.ended_anonymous for r in reports),
    )


async def _forget(
    svc: Services, repos: Repositories, community: Community, member_id: int
) -> ForgetReport:
    keys = list((await open_round_keys(svc, repos, community.id, member_id)).values())
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
