"""Text from pattern files and members, made inert before it reaches a post.

Every value a template prints passes through ``inert`` (the environment's ``finalize``),
so no template, shipped or overridden, can forget it. A value may still format itself
inside the place the template gives it: lists (``-``, ``*``, ``1.``), ``**bold**`` step
titles and ``*italics*`` render as written. What it may not do is change the post around
it or pretend to be something the bot did not write:

================================  ============================  ==================================
construct                          what it would do              what ``inert`` does
================================  ============================  ==================================
``#``, ``##``, ``###`` at a        start an embed or a field     backslash before the ``#``
line's start                       (compose.py), or a heading
``-#`` at a line's start           become the footer, or         backslash before the ``-``
                                   subtext
``>``, ``>>>`` at a line's start   quote the rest of the post    backslash before the ``>``
any backtick                       a fence (```) swallows the    backslash before every backtick
                                   rest; one tick can open a
                                   span that runs across lines
``[``                              ``[text](url)`` hides where   backslash before the ``[``: the
                                   a link goes                   text and the URL show plainly
``|``                              ``||spoiler||`` hides text    backslash before every ``|``
``@everyone``, ``@here``           look like a ping              zero-width space after the ``@``
``<@1>``, ``<@!1>``, ``<@&1>``,    show a member, role,          zero-width space after the ``<``
``<#1>``, ``</cmd:1>``,            channel, clickable command,
``<t:1>``, ``<id:…>``, ``<:e:1>``  live date or emoji
``{inline}`` at a value's end      make a field inline           backslash before its ``}``
``\\`` ending the value            escape the template's next    doubled
                                   character
================================  ============================  ==================================

The one exception is the bot's own times: a ``Timestamp`` (render/timestamps.py) is made
from a ``datetime``, never from text, and is printed as the live date it is meant to be.

Line-start marks count after list markers too (``- # big`` is a heading inside an item),
and the start of a value counts as the start of a line, because a template may put it
there. A backslash followed by punctuation is an escape Discord already honours, so it is
kept as written and never escaped twice: ``inert`` is idempotent, and its output is the
same whether a value passed through it once or, via a filter, twice.
"""

from __future__ import annotations

import re

from vitalitybot.render.compose import INLINE_MARKER
from vitalitybot.render.timestamps import Timestamp

ZERO_WIDTH_SPACE = "\u200b"

_BROADCAST = re.compile(r"@(?=(?:everyone|here)\b)", re.IGNORECASE)
# Discord's angle-bracket syntax: users, roles, channels, slash commands, emoji, timestamps
# and server guide links. URLs in angle brackets (<https://…>) are left alone.
_ANGLE_MENTION = re.compile(r"<(?=[@#/:]|(?:a|t|id):)")
# A line's own structure: leading list markers, then the mark that would restructure it.
_LINE_START = re.compile(r"(\s*(?:(?:[-*+]|\d+[.)])\s+)*)(-#|#|>)")
_ESCAPE_PAIR = r"\\[!-/:-@\[-`{-~]"
_INLINE = re.compile(rf"{_ESCAPE_PAIR}|\\\Z|[`|\[]|{re.escape(INLINE_MARKER)}")
_INLINE_ESCAPED = INLINE_MARKER[:-1] + "\\" + INLINE_MARKER[-1]
_ESCAPED = re.compile(r"\\([!-/:-@\[-`{-~])")


def inert(value: object) -> str:
    """``value`` as text that cannot restructure a post or mention anyone (table above).

    A ``Timestamp`` is the bot's own markup for a moment, so it passes as it is.
    """
    if isinstance(value, Timestamp):
        return value
    text = defuse_mentions(str(value))
    return "".join(_inert_line(line) for line in text.splitlines(keepends=True))


def undo_inert(text: str) -> str:
    """Text made inert, as it was written: for what Discord does not read (a file, a
    terminal), where the zero-width spaces and backslashes would only get in the way."""
    return _ESCAPED.sub(r"\1", text.replace(ZERO_WIDTH_SPACE, ""))


def defuse_mentions(text: str) -> str:
    """Break every mention with a zero-width space, so Discord shows it as plain words."""
    text = _BROADCAST.sub("@" + ZERO_WIDTH_SPACE, text)
    return _ANGLE_MENTION.sub("<" + ZERO_WIDTH_SPACE, text)


def _inert_line(line: str) -> str:
    start = _LINE_START.match(line)
    if start is not None:
        line = f"{start.group(1)}\\{line[start.end(1) :]}"
    return _INLINE.sub(_escape_inline, line)


def _escape_inline(match: re.Match[str]) -> str:
    found = match.group(0)
    if found == INLINE_MARKER:
        return _INLINE_ESCAPED
    if len(found) == 2:  # an escape already in the text: Discord shows it literally
        return found
    return "\\" + found
