"""The coordinator's notes: posts that failed and that they have not been told of yet.

Read from the deliveries table (``services.app.deliver`` logs every attempt there), so
a failure logged by one process, or before a restart, is told by whichever process
answers the coordinator next, and told once.
"""

from __future__ import annotations

from vitalitybot.services.app import Services

NOTES_SHOWN = 5  # the newest failures told in one reply; /vitality status lists them too


async def take_notes(svc: Services, community_id: int) -> list[str]:
    """What failed since the coordinator was last told, oldest first; marks them told."""
    async with svc.repos() as repos:
        taken = await repos.deliveries.take_unreported(
            community_id, at=svc.now(), limit=NOTES_SHOWN
        )
    return [d.error or f"A {d.kind} post failed." for d in taken]
