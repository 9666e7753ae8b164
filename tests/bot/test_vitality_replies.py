"""``/vitality``'s replies: set-up names the community, says whether it is new, and once
the server holds several tells how a command finds its own."""

from __future__ import annotations

from dataclasses import replace

from vitalitybot.bot import vitality_replies

from .support import COMMUNITY_RECORD as COMMUNITY

DESIGN = replace(COMMUNITY, id=2, name="Design_*team*", channel_id=43, category_id=77)


def set_up(missing: list[str]) -> str:
    return vitality_replies.set_up(COMMUNITY, 42, missing, created=True, communities=[COMMUNITY])


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
    said = vitality_replies.set_up(DESIGN, 43, [], created=True, communities=[DESIGN, COMMUNITY])
    assert said.startswith("Set up **Design\\_\\*team\\*** as a new community")
    assert "Commands run in any channel of <#77> are about it." in said
    assert "This server has 2 communities: Design\\_\\*team\\*, Protocol nurses." in said
    assert "`community` option" in said


def test_setting_up_a_known_name_again_says_it_was_updated() -> None:
    said = vitality_replies.set_up(
        COMMUNITY, 42, [], created=False, communities=[DESIGN, COMMUNITY]
    )
    assert said.startswith("Updated **Protocol nurses**: its rounds are posted in <#42>")
    assert "new community" not in said
