"""The mid-window reminder."""

from __future__ import annotations

from vitalitybot.domain.records import Community
from vitalitybot.render.timestamps import discord_time
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
    await pause_member(svc, community.id, MEMBERS[2])
    await set_reminders(svc, community.id, MEMBERS[3], on=False)
    reminded = await remind(svc, community.id, round_.id)
    assert reminded == MEMBERS[4:]
    assert await remind(svc, community.id, round_.id) == []
    [post] = notifier.of("reminder")
    assert list(post.member_ids) == MEMBERS[4:]
    assert "<@" not in post.text and "@everyone" not in post.text


async def test_the_reminder_names_its_community_and_round_and_shows_the_close_as_a_timestamp(
    svc: Services, community: Community, notifier: RecordingNotifier
) -> None:
    round_ = await open_survey(svc, community)
    await remind(svc, community.id, round_.id)
    [post] = notifier.of("reminder")
    (embed,) = post.message.embeds
    # A DM carries no server of its own: it says which community, and which round.
    assert "The survey 2026-01-06 of **Protocol nurses** closes" in embed.description
    # Each member's Discord shows the close on their own clock.
    assert discord_time(round_.closes_at) in embed.description
    assert "Sat 10 Jan 2026, 09:00 (Europe/Berlin)" in post.text  # as Berlin reads it
