"""The mid-window reminder: once per round, only to members who want it and have not replied."""

from __future__ import annotations

import logging

from vitalitybot.domain.posts import PostKind
from vitalitybot.domain.records import RoundStatus
from vitalitybot.services.app import Services, community_by_id, deliver
from vitalitybot.services.messages import reminder_message
from vitalitybot.services.rounds import eligible_members
from vitalitybot.vitality.anonymity import respondent_key

logger = logging.getLogger(__name__)


async def remind(svc: Services, community_id: int, round_id: int) -> list[int]:
    """Remind, once per round, the members who have not replied and want reminders.

    Left out: members who answered or skipped (each member's respondent key in this
    round is compared with the keys stored, so no member id is ever stored or read),
    paused members and members who turned reminders off. Returns the ids reminded.
    The DMs go straight out (``deliver``), not through the outbox, which would keep the
    list of members who have not replied; a reminder lost to a crash is not worth that.
    """
    if not svc.reminders:
        return []
    now = svc.now()
    async with svc.repos() as repos:
        community = await community_by_id(repos, community_id)
        round_ = await repos.rounds.get(community_id, round_id)
        if round_ is None or round_.status is not RoundStatus.OPEN or now >= round_.closes_at:
            return []
        sealed = await repos.rounds.sealed_key(community_id, round_id)
        if sealed is None:
            return []  # a round without a key takes no answers to compare with
        if not await repos.rounds.set_reminded(community_id, round_id, at=now):
            return []  # already reminded: once per round
    members = await eligible_members(svc, community) or []
    async with svc.repos() as repos:
        replied = await repos.answers.respondent_keys(community_id, round_id)
        quiet = {
            p.member_id
            for p in await repos.members.list_prefs(community_id)
            if p.paused or p.reminders_off
        }
    round_key = svc.keys.unseal(sealed)
    targets = [m for m in members if m not in quiet and respondent_key(round_key, m) not in replied]
    if targets:
        message = reminder_message(svc, community, round_)
        await deliver(
            svc,
            community,
            PostKind.REMINDER,
            svc.notifier.remind(community, round_, targets, message),
            round_id=round_id,
        )
    logger.info(
        "community %s: reminded %d members of round %s", community_id, len(targets), round_id
    )
    return targets
