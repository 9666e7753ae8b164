"""A community with three months of surveys, for the history services' tests.

January: four answer and one skips; "Writing nobody reads" is seen often by all four.
February: opened while the community asked for five answers before any figure; four
answer, so the round shows nothing, even after the community goes back to three.
A commitment about the sign is made after February's survey and done after March's.
March: four answer again; one of them sees the sign often.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from vitalitybot.domain.records import CommitmentStatus, Community, Round
from vitalitybot.scheduling.clock import ManualClock
from vitalitybot.services import Services, close_round, set_privacy, skip_round
from vitalitybot.services.commitments import CommitRequest, commit, set_status

from .support import COP, GUILD, MEMBERS, open_survey, rate

SIGN = "writing-nobody-reads"
MONTH = timedelta(days=30)


@dataclass(frozen=True, slots=True)
class History:
    community: Community
    january: Round
    february: Round
    march: Round


async def _survey(
    svc: Services, community: Community, period: str, often: int, answering: int = 4
) -> Round:
    round_ = await open_survey(svc, community, period)
    await rate(svc, round_, MEMBERS[:often], {SIGN: 5})
    await rate(svc, round_, MEMBERS[often:answering], {SIGN: 1})
    return round_


async def three_surveys(svc: Services, community: Community, clock: ManualClock) -> History:
    january = await _survey(svc, community, "2026-01-06", often=4)
    await skip_round(svc, GUILD, january.id, MEMBERS[9])
    await close_round(svc, community.id, january.id)
    clock.advance(MONTH)
    await set_privacy(svc, community.id, min_respondents=5)
    february = await _survey(svc, community, "2026-02-03", often=4)
    await set_privacy(svc, community.id, min_respondents=3)
    await close_round(svc, community.id, february.id)
    made = await commit(
        svc,
        community.id,
        CommitRequest("Pin one guide a month", pattern_slug=COP, sign_ids=(SIGN,)),
        coordinator=True,
    )
    clock.advance(MONTH)
    march = await _survey(svc, community, "2026-03-03", often=1)
    await close_round(svc, community.id, march.id)
    clock.advance(timedelta(days=2))
    await set_status(svc, community.id, made.id, CommitmentStatus.DONE)
    return History(community, january, february, march)
