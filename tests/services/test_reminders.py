"""The mid-window reminder."""

from __future__ import annotations

from vitalitybot.domain.records import Community
from vitalitybot.services import (
    Services,
    pause_member,
    remind,
    set_reminders,
    skip_round,
)

from .fakes import RecordingNotifier
from .support import GUILD, MEMBERS, open_survey, rate


async def test_reminders_go_once_and_only_to_members_who_want_them(
    svc: Services, community: Community, notifier: RecordingNotifier
) -> None:
    round_ = await open_survey(svc, community)
    await rate(svc, round_, MEMBERS[:1], 3)
    await skip_round(svc, GUILD, round_.id, MEMBERS[1])
    await pause_member(svc, GUILD, MEMBERS[2])
    await set_reminders(svc, GUILD, MEMBERS[3], on=False)
    reminded = await remind(svc, community.id, round_.id)
    assert reminded == MEMBERS[4:]
    assert await remind(svc, community.id, round_.id) == []
    [post] = notifier.of("reminder")
    assert list(post.member_ids) == MEMBERS[4:]
    assert "<@" not in post.text and "@everyone" not in post.text
