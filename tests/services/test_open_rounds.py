"""Which round "close it now" means: the one open round, or a refusal saying why not."""

from __future__ import annotations

import pytest

from vitalitybot.domain.records import Community, RoundKind
from vitalitybot.services import ServiceError, Services, open_round
from vitalitybot.services.open_rounds import round_to_close


async def test_nothing_open_is_refused_naming_what_was_asked_for(
    svc: Services, community: Community
) -> None:
    with pytest.raises(ServiceError, match="no open round to close"):
        await round_to_close(svc, community.id, None)
    await open_round(svc, community.id, RoundKind.SURVEY, period="2026-01")
    with pytest.raises(ServiceError, match="no open check-in to close"):
        await round_to_close(svc, community.id, "checkin")


async def test_the_one_open_round_is_chosen_and_two_need_a_kind(
    svc: Services, community: Community
) -> None:
    survey = await open_round(svc, community.id, RoundKind.SURVEY, period="2026-01")
    assert survey is not None
    assert (await round_to_close(svc, community.id, None)).id == survey.id

    checkin = await open_round(svc, community.id, RoundKind.CHECKIN, period="2026-01")
    assert checkin is not None
    with pytest.raises(ServiceError, match="both open"):
        await round_to_close(svc, community.id, None)
    assert (await round_to_close(svc, community.id, "checkin")).id == checkin.id
    assert (await round_to_close(svc, community.id, RoundKind.SURVEY)).id == survey.id
