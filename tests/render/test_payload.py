"""A post waiting in the outbox comes back exactly as it was rendered."""

from __future__ import annotations

from vitalitybot.render.message import Attachment, CommitAction, Embed, EmbedField, Message
from vitalitybot.render.payload import message_from_json, message_to_json


def test_every_part_of_a_message_survives_the_outbox() -> None:
    message = Message(
        content="Results of the survey — “what we heard”",
        embeds=(
            Embed(
                title="Writing nobody reads",
                description="73% said often",
                fields=(EmbedField("Try", "Pin one guide a month", inline=True),),
                footer="CC BY-SA",
                url="https://example.org/p",
                colour=0x2E7D32,
            ),
            Embed(title="Second card"),
        ),
        files=(Attachment("harvest.md", b"# Harvest\n\x00\xff binary-safe"),),
        commit=CommitAction(round_id=7, suggestion_ids=(3, 4)),
    )

    assert message_from_json(message_to_json(message)) == message


def test_a_message_without_a_commit_button_stays_without_one() -> None:
    plain = Message(content="The survey is still open")

    assert message_from_json(message_to_json(plain)) == plain
