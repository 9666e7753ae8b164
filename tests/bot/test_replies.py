"""The replies' copy where it must stay true to what the bot will do."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

import discord

from vitalitybot.bot import replies
from vitalitybot.domain.records import Community

COMMUNITY = Community(
    id=1,
    guild_id=111,
    name="Protocol nurses",
    timezone="Europe/Berlin",
    coordinator_role_id=None,
    steward_role_id=None,
    channel_id=42,
    threshold=0.5,
    min_respondents=1,
    max_items=1,
    anonymous=False,
    created_at=datetime(2026, 1, 5, tzinfo=UTC),
)


DESIGN = replace(COMMUNITY, id=2, name="Design_*team*", channel_id=43, category_id=77)


def set_up(missing: list[str]) -> str:
    return replies.set_up(COMMUNITY, 42, missing, created=True, communities=[COMMUNITY])


def test_setup_without_thread_permissions_says_rounds_still_post() -> None:
    said = set_up(["Create Public Threads", "Send Messages in Threads"])
    assert "will fail" not in said
    assert "results and suggestions go to the channel" in said


def test_setup_without_send_messages_says_rounds_will_fail() -> None:
    said = set_up(["Send Messages", "Create Public Threads"])
    assert "rounds will fail there" in said


def test_the_only_community_of_a_server_is_named_and_no_listing_is_given() -> None:
    said = set_up([])
    assert said.startswith("Set up **Protocol nurses** as a new community: its rounds are")
    assert "This server has" not in said and "`community` option" not in said


def test_a_second_community_is_created_and_the_reply_says_how_commands_find_each() -> None:
    said = replies.set_up(DESIGN, 43, [], created=True, communities=[DESIGN, COMMUNITY])
    assert said.startswith("Set up **Design\\_\\*team\\*** as a new community")
    assert "Commands run in any channel of <#77> are about it." in said
    assert "This server has 2 communities: Design\\_\\*team\\*, Protocol nurses." in said
    assert "`community` option" in said


def test_setting_up_a_known_name_again_says_it_was_updated() -> None:
    said = replies.set_up(COMMUNITY, 42, [], created=False, communities=[DESIGN, COMMUNITY])
    assert said.startswith("Updated **Protocol nurses**: its rounds are posted in <#42>")
    assert "new community" not in said


def test_permissions_are_named_as_discord_shows_them() -> None:
    lacking = discord.Permissions(send_messages_in_threads=True, embed_links=True)
    assert replies.permission_names(lacking) == ["Embed Links", "Send Messages in Threads"]


def test_a_refused_post_says_what_to_grant_and_never_the_raw_error() -> None:
    told = replies.not_allowed("the survey", 42, ["Send Messages"])
    unknown = replies.not_allowed("the survey", 42, [])
    assert told.startswith("I could not post the survey in <#42>: give me Send Messages there")
    assert "403" not in told and "Missing Permissions" not in told
    # Without the channel in its cache the bot names everything a post needs.
    assert all(name in unknown for name in replies.ALL_POSTING_PERMISSIONS)


def test_the_privacy_lines_and_threshold_count_one_member_in_the_singular() -> None:
    assert "at least 1 respondent see" in replies.threshold_set(COMMUNITY)
    assert "1 record about you was deleted" in replies.forgotten(1, 0, 0)
    assert "1 round." in replies.exported(1, 0)
