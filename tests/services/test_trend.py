"""A sign's trend: a figure only where enough answered, commitments on the time axis."""

from __future__ import annotations

import pytest

from vitalitybot.domain.records import Community
from vitalitybot.scheduling.clock import ManualClock
from vitalitybot.services import ServiceError, Services
from vitalitybot.services.trend import sign_choices, sign_value, trend, trend_png

from .history_support import SIGN, History, three_surveys
from .support import COP

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


@pytest.fixture
async def history(svc: Services, community: Community, clock: ManualClock) -> History:
    return await three_surveys(svc, community, clock)


async def test_a_round_under_its_own_minimum_is_a_gap_never_a_figure(
    svc: Services, history: History
) -> None:
    [sign] = (await trend(svc, history.community.id, sign_value(COP, SIGN))).signs
    assert [p.round.id for p in sign.points] == [
        history.january.id,
        history.february.id,
        history.march.id,
    ]
    # February promised five answers and got four: no figure, though the community
    # has since gone back to three.
    assert [p.share_high for p in sign.points] == [1.0, None, 0.25]


async def test_the_commitment_about_the_sign_is_marked_made_and_done(
    svc: Services, history: History
) -> None:
    found = await trend(svc, history.community.id, sign_value(COP, SIGN))
    [commitment] = found.signs[0].commitments
    assert commitment.text == "Pin one guide a month"
    assert found.description == (
        "Writing nobody reads: 100% on 5 Jan 2026, too few answers on 4 Feb 2026, "
        '25% on 6 Mar 2026; commitment "Pin one guide a month" made on 4 Feb 2026, '
        "done on 8 Mar 2026."
    )


async def test_the_trend_is_a_png(svc: Services, history: History) -> None:
    found = await trend(svc, history.community.id, sign_value(COP, SIGN))
    assert trend_png(found).startswith(PNG_SIGNATURE)


async def test_without_a_sign_the_signs_that_crossed_last_are_shown(
    svc: Services, history: History
) -> None:
    found = await trend(svc, history.community.id)
    assert [(s.pattern_slug, s.sign_id) for s in found.signs] == [(COP, SIGN)]


async def test_a_sign_may_be_named_by_words_of_its_title(svc: Services, history: History) -> None:
    found = await trend(svc, history.community.id, "nobody reads")
    assert found.signs[0].sign_id == SIGN


async def test_a_sign_that_matches_nothing_is_one_clear_line(
    svc: Services, history: History
) -> None:
    with pytest.raises(ServiceError, match=r"No single sign of decay .* matches “gardening”"):
        await trend(svc, history.community.id, "gardening")


async def test_the_choices_are_the_adopted_decay_signs_with_scores(
    svc: Services, history: History
) -> None:
    choices = await sign_choices(svc, history.community.id)
    assert sign_value(COP, SIGN) in [c.value for c in choices]
    assert all(c.value.startswith(f"{COP}/") for c in choices)
    assert "CoP–Commons Alignment: Writing nobody reads" in [c.name for c in choices]


async def test_another_community_has_no_trend_yet(
    svc: Services, history: History, elsewhere: Community
) -> None:
    assert await sign_choices(svc, elsewhere.id) == []
    with pytest.raises(ServiceError, match="No survey has closed yet"):
        await trend(svc, elsewhere.id)
