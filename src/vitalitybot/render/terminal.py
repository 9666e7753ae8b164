"""A ``Message`` as plain text for a terminal: the CLI and the simulator print these.

Rendering from the finished ``Message`` (rather than the template text) means the
terminal shows exactly what Discord would get, trims included. Discord's inline marks
are dropped and its escapes undone, so ``\\*`` reads as ``*`` and ``**bold**`` as ``bold``.
Discord timestamps, which only a Discord app can show in its reader's zone, are written
out on the clock of the zone given (the community's), or UTC.
"""

from __future__ import annotations

import re
import textwrap
from dataclasses import replace

from vitalitybot.render.inert import undo_inert
from vitalitybot.render.message import Embed, EmbedField, Message
from vitalitybot.render.timestamps import local_times

DEFAULT_WIDTH = 80
_LIST_ITEM = re.compile(r"^(\s*(?:[-*+]|\d+[.)])\s+)")
_SUBTEXT = re.compile(r"^-#\s+")
_HEADING = re.compile(r"^#{1,6}\s+")
_PAIRED_MARKS = re.compile(r"(\*\*|__|~~|\|\|)")
_EMPHASIS = re.compile(r"(?<![\\\w*])\*(?=[^\s*])(.+?)(?<=[^\s\\*])\*(?![\w*])")


def to_terminal(message: Message, width: int = DEFAULT_WIDTH, timezone: str = "UTC") -> str:
    """Plain text, wrapped to ``width``: content, then each embed as headed paragraphs;
    times on ``timezone``'s clock."""
    message = _local(message, timezone)
    parts: list[str] = []
    if message.content:
        parts.append(_paragraphs(message.content, width))
    parts.extend(_embed(embed, width) for embed in message.embeds)
    return "\n\n".join(p for p in parts if p) + "\n"


def _local(message: Message, timezone: str) -> Message:
    """The message with its times written out, before wrapping measures the lines."""

    def local(text: str) -> str:
        return local_times(text, timezone)

    embeds = tuple(
        replace(
            embed,
            title=local(embed.title),
            description=local(embed.description),
            footer=local(embed.footer),
            fields=tuple(EmbedField(local(f.name), local(f.value), f.inline) for f in embed.fields),
        )
        for embed in message.embeds
    )
    return replace(message, content=local(message.content), embeds=embeds)


def _embed(embed: Embed, width: int) -> str:
    blocks: list[str] = []
    if embed.title:
        title = _plain(embed.title)
        blocks.append(f"{title}\n{'=' * min(len(title), width)}")
    if embed.description:
        blocks.append(_paragraphs(embed.description, width))
    for field in embed.fields:
        name = _plain(field.name)
        value = _paragraphs(field.value, width)
        heading = f"{name}\n{'-' * min(len(name), width)}" if name else ""
        blocks.append("\n".join(p for p in (heading, value) if p))
    if embed.footer:
        blocks.append(_paragraphs(embed.footer, width))
    return "\n\n".join(b for b in blocks if b)


def _paragraphs(text: str, width: int) -> str:
    """Wrap each line on its own so lists and blank lines keep their shape."""
    out: list[str] = []
    for line in text.splitlines():
        if not line.strip():
            out.append("")
            continue
        line = _HEADING.sub("", _SUBTEXT.sub("", line))
        item = _LIST_ITEM.match(line)
        indent = " " * len(item.group(1)) if item else ""
        out.append(
            textwrap.fill(
                _plain(line),
                width=width,
                subsequent_indent=indent,
                break_long_words=False,
                break_on_hyphens=False,
            )
        )
    return "\n".join(out).strip("\n")


def _plain(text: str) -> str:
    text = _PAIRED_MARKS.sub("", text)
    return undo_inert(_EMPHASIS.sub(r"\1", text))
