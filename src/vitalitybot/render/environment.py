"""The Jinja2 environment every post is rendered with.

Wording lives in templates, not code, so a coordinator can change what the bot says by
dropping a file of the same name into an override folder (``VITALITYBOT_TEMPLATES_DIR``);
the shipped templates fill in whatever the folder does not provide. Undefined variables
raise instead of rendering as blanks: a typo in a template must fail in a test, not post
a half-empty message to a community.

Autoescaping is off because the output is Discord Markdown, not HTML. Anything a member
wrote must go through the ``md_escape`` filter before it reaches a template's output.
"""

from __future__ import annotations

import re
from pathlib import Path

from jinja2 import BaseLoader, ChoiceLoader, Environment, FileSystemLoader, StrictUndefined

TEMPLATES_DIR = Path(__file__).resolve().parent.parent / "templates"

_URL = re.compile(r"https?://[^\s<>]+")
# Characters Discord reads as inline formatting anywhere in a line.
_INLINE_MARK = re.compile(r"([\\*_~`|\[\]#])")
# Markers that only mean something at the start of a line: quotes, lists, subtext ("-#",
# whose "#" the inline pass has already escaped).
_LINE_MARK = re.compile(r"^(\s*)(>|[-+](?=\s|\\#))", re.MULTILINE)
_ORDERED_ITEM = re.compile(r"^(\s*\d+)([.)])(?=\s)", re.MULTILINE)
# @everyone / @here and user, role or channel mentions: <@1>, <@!1>, <@&1>, <#1>.
_BROADCAST = re.compile(r"@(everyone|here)\b", re.IGNORECASE)
_MENTION = re.compile(r"<([@#][!&]?)(\d+)>")
_ZERO_WIDTH_SPACE = "\u200b"
_WHITESPACE = re.compile(r"\s+")


def build_environment(override_dir: Path | None = None) -> Environment:
    """An environment over the shipped templates, with ``override_dir`` searched first."""
    loaders: list[BaseLoader] = []
    if override_dir is not None:
        if not override_dir.is_dir():
            # Fail at start rather than silently post the shipped wording.
            raise FileNotFoundError(f"template override folder {override_dir} does not exist")
        loaders.append(FileSystemLoader(override_dir))
    loaders.append(FileSystemLoader(TEMPLATES_DIR))
    env = Environment(
        loader=ChoiceLoader(loaders),
        undefined=StrictUndefined,
        autoescape=False,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=False,
    )
    env.filters["md_escape"] = md_escape
    env.filters["oneline"] = oneline
    return env


def md_escape(text: object) -> str:
    """Make member-written text show literally in Discord and ping no one.

    Formatting characters get a backslash (Discord drops it when displaying), links are
    left intact so they stay clickable, and mentions get a zero-width space after the
    sigil so Discord no longer resolves them. The bot also posts with mentions disabled;
    this is the second lock, and it keeps the text from looking like a ping.
    """
    source = _neutralise_mentions(str(text))
    parts: list[str] = []
    position = 0
    for url in _URL.finditer(source):
        parts.append(_escape_plain(source[position : url.start()]))
        parts.append(url.group(0))
        position = url.end()
    parts.append(_escape_plain(source[position:]))
    return "".join(parts)


def _neutralise_mentions(text: str) -> str:
    text = _BROADCAST.sub(lambda m: "@" + _ZERO_WIDTH_SPACE + m.group(1), text)
    return _MENTION.sub(lambda m: f"<{m.group(1)}{_ZERO_WIDTH_SPACE}{m.group(2)}>", text)


def _escape_plain(text: str) -> str:
    text = _INLINE_MARK.sub(r"\\\1", text)
    text = _LINE_MARK.sub(lambda m: m.group(1) + "\\" + m.group(2), text)
    return _ORDERED_ITEM.sub(lambda m: m.group(1) + "\\" + m.group(2), text)


def oneline(text: object) -> str:
    """Collapse a multi-line text into one line, so it cannot start a heading of its own."""
    return _WHITESPACE.sub(" ", str(text)).strip()
