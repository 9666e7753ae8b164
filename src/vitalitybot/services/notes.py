"""The coordinator's notes: posts that failed and that they have not been told of yet.

Read from the deliveries table (``services.app.deliver`` logs every attempt there), so
a failure logged by one process, or before a restart, is told by whichever process
answers the coordinator next, and told once.
"""

from __future__ import annotations

from datetime import timedelta

from vitalitybot.domain.records import DeliveryStatus
from vitalitybot.services.app import Services

NOTES_SHOWN = 5  # the newest failures told in one reply; /vitality status lists them too


async def take_notes(svc: Services, community_id: int) -> list[str]:
    """What failed since the coordinator was last told, oldest first; marks them told."""
    async with svc.repos() as repos:
        taken = await repos.deliveries.take_unreported(
            community_id, at=svc.now(), limit=NOTES_SHOWN
        )
    return [d.error or f"A {d.kind} post failed." for d in taken]


async def failed_within(svc: Services, community_id: int, window: timedelta) -> bool:
    """Whether a failed post of this community was logged in the last ``window``."""
    async with svc.repos() as repos:
        since = svc.now() - window
        found = await repos.deliveries.count(
            community_id, status=DeliveryStatus.FAILED, since=since
        )
    return found > 0
