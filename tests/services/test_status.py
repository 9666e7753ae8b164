"""A community's status: what the coordinator's status command shows."""

from __future__ import annotations

from vitalitybot.domain.records import RoundKind
from vitalitybot.render.terminal import to_terminal
from vitalitybot.services import (
    Services,
    adopt_pattern,
    close_round,
    open_round,
    status,
    status_message,
)

from .conftest import Setup
from .fakes import RecordingNotifier
from .support import COP, GUILD, MEMBERS, rate


async def test_status_shows_where_the_community_stands(
    svc: Services, setup: Setup, notifier: RecordingNotifier
) -> None:
    community = await setup()
    await adopt_pattern(svc, community.id, COP)
    survey = await open_round(svc, community.id, "survey", period="2026-01-06")
    assert survey is not None
    await rate(svc, survey, MEMBERS[:3], {"no-feedback": 5})
    await close_round(svc, community.id, survey.id)
    checkin = await open_round(svc, community.id, "checkin", period="2026-01-06")
    assert checkin is not None
    notifier.failing_guilds.add(GUILD)
    await close_round(svc, community.id, checkin.id)

    shown = await status(svc, community.id)

    assert [a.slug for a in shown.adopted] == [COP]
    assert {v.schedule.kind for v in shown.schedules} == {RoundKind.CHECKIN, RoundKind.SURVEY}
    assert all(v.next_run is not None for v in shown.schedules)
    assert shown.last_scores_round is not None and shown.last_scores_round.id == survey.id
    crossed = [s.sign_id for s in shown.last_scores if s.crossed]
    assert crossed == ["no-feedback"]
    # Newest first: the close's edit of the round post, then its harvest, both refused.
    assert [f.kind for f in shown.failed_deliveries] == ["harvest", "round-closed"]
    text = to_terminal(status_message(svc, shown), 1000)
    assert "CoP–Commons Alignment" in text
    assert "No feedback: mean 5.0" in text and "over the threshold" in text
    assert "3 of 10 members answered" in text
    assert "harvest: 403 Forbidden" in text
