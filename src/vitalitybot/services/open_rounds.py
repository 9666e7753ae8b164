"""Which open round a coordinator means when they say "close it now"."""

from __future__ import annotations

from vitalitybot.domain.records import Round, RoundKind
from vitalitybot.services.app import Services, community_by_id
from vitalitybot.services.errors import ServiceError
from vitalitybot.services.messages import kind_name


async def round_to_close(svc: Services, community_id: int, kind: RoundKind | str | None) -> Round:
    """The community's one open round (of ``kind`` when given), or a refusal saying why not."""
    wanted = RoundKind(kind) if kind is not None else None
    async with svc.repos() as repos:
        community = await community_by_id(repos, community_id)
        open_rounds = await repos.rounds.list_open(community.id)
    candidates = [r for r in open_rounds if wanted is None or r.kind is wanted]
    if not candidates:
        raise ServiceError(f"There is no open {kind_name(wanted) if wanted else 'round'} to close.")
    if len(candidates) > 1:
        raise ServiceError(
            "A check-in and a survey are both open: say which with the `kind` option."
        )
    return candidates[0]
