"""A pattern full of markup, through the real bot on the loopback server: every post keeps
the layout its template intends, and nothing in it reads as a mention.

The pattern (markup/forged-markup.md) puts headings, fences, quotes, masked links,
spoilers, subtext, @everyone and <@…>/<#…>/</…>/<t:…> mentions in its title, summary,
signs, survey wording, steps, replanting text, licence and attribution.
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator, Sequence
from pathlib import Path
from typing import Any

import pytest

from loopback import Guild, LoopbackDiscord, MessageRecord
from vitalitybot.bot.runner import App
from vitalitybot.render.timestamps import discord_time

from .support import (
    adopt,
    answer_survey,
    bot_settings,
    coordinator_of,
    custom_id,
    open_round,
    reply,
    round_id_of,
    running_bot,
    set_up,
    status_of,
    survey_questions,
    text_of,
)

MARKUP_PATTERNS = Path(__file__).parent / "markup"
SLUG = "forged-markup"
TARGET_SIGN_ID = "forged-decay-sign-here"
ZWSP = "\u200b"
# Discord's mention grammar: what it would turn into a ping, a name, a link or a date.
MENTION = re.compile(
    r"@(?:everyone|here)\b|<@[!&]?\d+>|<#\d+>|</[^>]+:\d+>|<t:-?\d+(?::[tTdDfFR])?>|<id:\w+>",
    re.IGNORECASE,
)
# How the pattern's words reach a post: as written, with the marks made plain.
TITLE = f"\\# Forged ## Markup @{ZWSP}everyone"
TARGET_SIGN = f"\\# Forged decay sign @{ZWSP}here"
OTHER_SIGN = "\\> Quoted decay sign"
LIFE_SIGN = f"\\## Forged life sign <{ZWSP}@6>"
TARGET_QUESTION = (
    f"\\# Forged question @{ZWSP}everyone <{ZWSP}@9> \\`\\`\\` \\[link](https://evil.example)"
)
STEPS = [f"\\# Forged step @{ZWSP}everyone", f"\\## Second step <{ZWSP}@5>"]


@pytest.fixture
async def app(
    loopback_server: LoopbackDiscord, loopback_guild: Guild, tmp_path: Path
) -> AsyncIterator[App]:
    """The bot with only the markup pattern in its library."""
    settings = bot_settings(loopback_server, tmp_path, MARKUP_PATTERNS)
    async with running_bot(loopback_server, settings) as running:
        yield running


def titles(message: MessageRecord) -> list[str]:
    return [embed.get("title") or "" for embed in message.embeds]


def fields(message: MessageRecord) -> list[dict[str, Any]]:
    return [field for embed in message.embeds for field in embed.get("fields") or []]


def assert_no_mention_parses(message: MessageRecord, *, ours: Sequence[str] = ()) -> None:
    """Nothing in the post parses as a mention but ``ours``: the bot's own timestamps."""
    assert MENTION.findall(text_of(message)) == list(ours)
    assert not message.pings.anyone


async def test_the_pattern_summary_keeps_its_one_card(app: App, loopback_guild: Guild) -> None:
    ana = loopback_guild.add_member("ana")

    summary = await reply(await ana.invoke("pattern", name=SLUG))

    assert titles(summary) == [TITLE]
    (embed,) = summary.embeds
    assert embed["description"].startswith("\\# Forged summary title \\`\\`\\` \\[click me](")
    assert [f["name"] for f in fields(summary)] == [
        "Signs of life",
        "Signs of decay",
        "When to replant",
        "Implementation steps",
    ]
    signs_of_decay, replant, steps = (f["value"] for f in fields(summary)[1:])
    assert signs_of_decay == f"- {TARGET_SIGN}\n- {OTHER_SIGN}"
    assert replant.splitlines()[1].startswith(f"\\>> Forged replant quote @{ZWSP}everyone")
    assert steps == f"1. {STEPS[0]}\n2. {STEPS[1]}"
    assert embed["footer"]["text"].startswith(f"{SLUG} · Licence: CC-BY-SA-4.0 <{ZWSP}@&2>")
    assert_no_mention_parses(summary)


async def test_survey_results_and_remedy_keep_their_layout(
    app: App, loopback_server: LoopbackDiscord, loopback_guild: Guild
) -> None:
    coordinator = coordinator_of(loopback_guild)
    members = [loopback_guild.add_member(name) for name in ("ana", "ben", "cai", "dee", "eli")]
    await set_up(coordinator)
    assert "Now watching" in await adopt(coordinator, SLUG)

    post = await open_round(coordinator, "survey")

    assert titles(post) == ["Survey: how are we doing?"]
    assert [f["name"] for f in fields(post)] == [
        TITLE,
        "Your answers",
        "Who sees what",
        "Open until",
    ]
    assert fields(post)[0]["value"].splitlines()[0] == f"1. {TARGET_QUESTION}"
    (opened,) = (await status_of(app.services, loopback_guild)).open_rounds
    assert_no_mention_parses(post, ours=[discord_time(opened.round.closes_at)])

    questions = await survey_questions(app, loopback_guild, round_id_of(post))
    target_index = next(i for i, q in enumerate(questions) if q.sign_id == TARGET_SIGN_ID)
    page = await reply(await members[0].click(post, custom_id(post, "vb:answer:")))
    assert titles(page) == ["Survey · page 1 of 1"]
    assert f"**1.** {TARGET_QUESTION}" in page.embeds[0]["description"].splitlines()
    assert_no_mention_parses(page)
    for member in members:
        await answer_survey(member, post, lambda i: 5 if i == target_index else 1)
    await reply(await coordinator.invoke("vitality close"))

    thread = post.thread_id
    assert thread is not None
    remedy = await loopback_server.wait_for_message(thread, lambda m: titles(m) == [TARGET_SIGN])
    results = loopback_server.messages_in(thread)[0]
    period = post.embeds[0]["footer"]["text"].split(" · ")[0].removeprefix("Survey ")
    assert titles(results) == [f"Results of the survey {period}"]
    assert [f["name"] for f in fields(results)] == [TITLE]
    assert fields(results)[0]["value"].startswith(f"- {TARGET_SIGN}: ")
    assert [f["name"] for f in fields(remedy)] == [f"1. {STEPS[0]}", f"2. {STEPS[1]}"]
    assert remedy.embeds[0]["footer"]["text"] == f"A suggestion, not a rule · {TITLE}"
    for message in (results, remedy):
        assert_no_mention_parses(message)
