"""The Jinja2 environment every post is rendered with.

Wording lives in templates, not code, so a coordinator can change what the bot says by
dropping a file of the same name into an override folder (``VITALITYBOT_TEMPLATES_DIR``);
the shipped templates fill in whatever the folder does not provide. Undefined variables
raise instead of rendering as blanks: a typo in a template must fail in a test, not post
a half-empty message to a community.

Jinja's autoescaping is HTML's, and the output is Discord Markdown, so the environment
escapes its own way: every value a template prints passes through ``render.inert.inert``
(``finalize``), so text from a pattern file or a member can never restructure a post or
mention anyone, whichever template prints it. Where a member's words must also show
exactly as typed (no bold, no lists), templates add the ``md_escape`` filter.

Three filters keep what every post says about times, counts and rounds in one place:
``discord_time`` (a moment in each reader's own zone, render/timestamps.py), ``plural``
("1 respondent", "3 respondents") and ``round_label`` (a round's name, domain/labels.py).
"""

from __future__ import annotations

import re
from pathlib import Path

from jinja2 import BaseLoader, ChoiceLoader, Environment, FileSystemLoader, StrictUndefined

from vitalitybot.domain.labels import round_label
from vitalitybot.render.inert import inert
from vitalitybot.render.timestamps import discord_time
from vitalitybot.render.words import plural

TEMPLATES_DIR = Path(__file__).resolve().parent.parent / "templates"

_URL = re.compile(r"https?://[^\s<>]+")
# Characters Discord reads as inline formatting anywhere in a line.
_INLINE_MARK = re.compile(r"([\\*_~`|\[\]#])")
# Markers that only mean something at the start of a line: quotes, lists, subtext ("-#",
# whose "#" the inline pass has already escaped).
_LINE_MARK = re.compile(r"^(\s*)(>|[-+](?=\s|\\#))", re.MULTILINE)
_ORDERED_ITEM = re.compile(r"^(\s*\d+)([.)])(?=\s)", re.MULTILINE)
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
        finalize=inert,
    )
    env.filters["md_escape"] = md_escape
    env.filters["oneline"] = oneline
    env.filters["discord_time"] = discord_time
    env.filters["plural"] = plural
    env.filters["round_label"] = round_label
    return env


def md_escape(text: object) -> str:
    """Make member-written text show literally in Discord and ping no one.

    Formatting characters get a backslash (Discord drops it when displaying), links are
    left intact so they stay clickable, and the result is ``inert`` (mentions broken with
    a zero-width space, layout marks escaped). The bot also posts with mentions disabled;
    this is the second lock, and it keeps the text from looking like a ping. Being inert
    already, the result passes the environment's ``finalize`` unchanged.
    """
    source = str(text)
    parts: list[str] = []
    position = 0
    for url in _URL.finditer(source):
        parts.append(_escape_plain(source[position : url.start()]))
        parts.append(url.group(0))
        position = url.end()
    parts.append(_escape_plain(source[position:]))
    return inert("".join(parts))


def _escape_plain(text: str) -> str:
    text = _INLINE_MARK.sub(r"\\\1", text)
    text = _LINE_MARK.sub(lambda m: m.group(1) + "\\" + m.group(2), text)
    return _ORDERED_ITEM.sub(lambda m: m.group(1) + "\\" + m.group(2), text)


def oneline(text: object) -> str:
    """Collapse a multi-line text into one line, so it cannot start a heading of its own."""
    return _WHITESPACE.sub(" ", str(text)).strip()
