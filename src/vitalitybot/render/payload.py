"""A ``Message`` as JSON text, and back: how a post waits in the outbox.

The outbox stores a post rendered, as members will read it, in the transaction that
decided it; the drain sends it later, maybe from another process after a restart. So
every part of a message must survive the trip: files as base64, the commit button's
round and suggestions.
"""

from __future__ import annotations

import base64
import json
from typing import Any

from vitalitybot.render.message import Attachment, CommitAction, Embed, EmbedField, Message

Json = dict[str, Any]


def message_to_json(message: Message) -> str:
    data: Json = {
        "content": message.content,
        "embeds": [_embed_to_json(e) for e in message.embeds],
        "files": [
            {"filename": f.filename, "data": base64.b64encode(f.data).decode("ascii")}
            for f in message.files
        ],
        "commit": None,
    }
    if message.commit is not None:
        data["commit"] = {
            "round_id": message.commit.round_id,
            "suggestion_ids": list(message.commit.suggestion_ids),
        }
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"))


def message_from_json(text: str) -> Message:
    data: Json = json.loads(text)
    commit = data.get("commit")
    return Message(
        content=data["content"],
        embeds=tuple(_embed_from_json(e) for e in data["embeds"]),
        files=tuple(Attachment(f["filename"], base64.b64decode(f["data"])) for f in data["files"]),
        commit=(
            CommitAction(commit["round_id"], tuple(commit["suggestion_ids"]))
            if commit is not None
            else None
        ),
    )


def _embed_to_json(embed: Embed) -> Json:
    return {
        "title": embed.title,
        "description": embed.description,
        "fields": [[f.name, f.value, f.inline] for f in embed.fields],
        "footer": embed.footer,
        "url": embed.url,
        "colour": embed.colour,
    }


def _embed_from_json(data: Json) -> Embed:
    return Embed(
        title=data["title"],
        description=data["description"],
        fields=tuple(EmbedField(name, value, inline) for name, value, inline in data["fields"]),
        footer=data["footer"],
        url=data["url"],
        colour=data["colour"],
    )
