"""Message -> discord.py keyword arguments: nothing lost, nothing that could ping."""

from __future__ import annotations

import discord

from vitalitybot.bot.convert import EMBED_COLOUR, send_kwargs
from vitalitybot.render.message import (
    ATTACHMENT_DESCRIPTION_MAX,
    Attachment,
    Embed,
    EmbedField,
    Message,
)

REPORT = Message(
    content="The survey is open",
    embeds=(
        Embed(
            title="Survey",
            description="How are we doing?",
            fields=(EmbedField("Open until", "Friday", inline=True),),
            footer="Survey 2026-11",
        ),
    ),
    files=(Attachment("harvest.md", b"# Harvest\n"),),
)


def test_every_part_of_a_message_reaches_discord_py_and_mentions_are_off() -> None:
    kwargs = send_kwargs(REPORT)

    assert kwargs["content"] == "The survey is open"
    (embed,) = kwargs["embeds"]
    assert (embed.title, embed.description, embed.footer.text) == (
        "Survey",
        "How are we doing?",
        "Survey 2026-11",
    )
    assert [(f.name, f.value, f.inline) for f in embed.fields] == [("Open until", "Friday", True)]
    assert embed.colour == discord.Colour(EMBED_COLOUR)
    (file,) = kwargs["files"]
    assert file.filename == "harvest.md" and file.fp.read() == b"# Harvest\n"
    assert kwargs["allowed_mentions"].to_dict() == {"parse": []}


def test_each_call_gets_fresh_files_so_a_retry_can_send_them_again() -> None:
    first, second = send_kwargs(REPORT)["files"][0], send_kwargs(REPORT)["files"][0]
    first.fp.read()

    assert second.fp.read() == b"# Harvest\n"


def test_empty_parts_are_left_out_and_long_text_is_trimmed_to_discords_limits() -> None:
    kwargs = send_kwargs(Message(embeds=(Embed(description="x " * 3000),)))

    assert set(kwargs) == {"allowed_mentions", "embeds"}
    assert len(kwargs["embeds"][0].description) <= 4096


def test_an_images_alt_text_reaches_discord_py_within_its_limit() -> None:
    described = Attachment("trend.png", b"png", description="Writing nobody reads: 73% " * 100)
    (file,) = send_kwargs(Message(files=(described,)))["files"]
    (plain,) = send_kwargs(REPORT)["files"]

    assert file.description.startswith("Writing nobody reads: 73%")
    assert len(file.description) <= ATTACHMENT_DESCRIPTION_MAX
    assert plain.description is None
