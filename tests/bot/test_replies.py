"""The replies' copy where it must stay true to what the bot will do."""

from __future__ import annotations

import discord

from vitalitybot.bot import replies, vitality_replies

from .support import COMMUNITY_RECORD


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
    assert "at least 1 respondent see" in vitality_replies.threshold_set(COMMUNITY_RECORD)
    assert "1 record about you was deleted" in replies.forgotten(1, 0, 0)
    assert "1 round." in replies.exported(1, 0)
