"""A ``Message`` as plain text for a terminal: the CLI and the simulator print these.

Rendering from the finished ``Message`` (rather than the template text) means the
terminal shows exactly what Discord would get, trims included. Discord's inline marks
are dropped and its escapes undone, so ``\\*`` reads as ``*`` and ``**bold**`` as ``bold``.
"""

from __future__ import annotations

import re
import textwrap

from vitalitybot.render.message import Embed, Message

DEFAULT_WIDTH = 80
_LIST_ITEM = re.compile(r"^(\s*(?:[-*+]|\d+[.)])\s+)")
_SUBTEXT = re.compile(r"^-#\s+")
_HEADING = re.compile(r"^#{1,6}\s+")
_PAIRED_MARKS = re.compile(r"(\*\*|__|~~|\|\|)")
_EMPHASIS = re.compile(r"(?<![\\\w*])\*(?=[^\s*])(.+?)(?<=[^\s\\*])\*(?![\w*])")
_ESCAPE = re.compile(r"\\([^\w\s])")
_ZERO_WIDTH_SPACE = "\u200b"


def to_terminal(message: Message, width: int = DEFAULT_WIDTH) -> str:
    """Plain text, wrapped to ``width``: content, then each embed as headed paragraphs."""
    parts: list[str] = []
    if message.content:
        parts.append(_paragraphs(message.content, width))
    parts.extend(_embed(embed, width) for embed in message.embeds)
    return "\n\n".join(p for p in parts if p) + "\n"


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
    text = _PAIRED_MARKS.sub("", text.replace(_ZERO_WIDTH_SPACE, ""))
    text = _EMPHASIS.sub(r"\1", text)
    return _ESCAPE.sub(r"\1", text)
