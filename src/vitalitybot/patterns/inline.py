"""Inline Markdown reduced to the plain words a member reads.

Sign and step texts end up in survey items, Discord embeds and the terminal, and they
feed the remedy matcher; none of those want ``**`` or link targets. A full inline parse
(markdown-it) of every item would cost more than the rest of a load, so this is a small set
of substitutions for the constructs that actually occur in pattern files.
"""

from __future__ import annotations

import re

_IMAGE = re.compile(r"!\[([^\]]*)\]\([^)]*\)")
_LINK = re.compile(r"\[([^\]]+)\]\((?:[^()]|\([^)]*\))*\)")
_REF_LINK = re.compile(r"\[([^\]]+)\]\[[^\]]*\]")
# Each expression starts with a literal, so the regex engine jumps from one "`", "*" or
# "_" to the next instead of trying every position; the character before the opening
# marker is checked by a lookbehind after it ("\*(?<![\w*]\*)": the star is not preceded
# by a word character or a star), which is the same test as a lookbehind before it.
_CODE = re.compile(r"``*([^`]*)`+")
_STRONG_UNDERSCORE = re.compile(r"__(?<![\w_]__)(?=\S)(.+?)(?<=\S)__(?![\w_])")
# Single-star emphasis; single underscores only at word edges so snake_case survives.
_EM_STAR = re.compile(r"\*(?<![\w*]\*)(?=[^\s*])([^*]+?)(?<=[^\s*])\*(?![\w*])")
_EM_UNDERSCORE = re.compile(r"_(?<![\w_]_)(?=\S)([^_]+?)(?<=\S)_(?![\w_])")
_HTML_TAG = re.compile(r"</?[A-Za-z][^>\n]*>|<!--.*?-->")
_SPACES = re.compile(r"[ \t]+")


def plain(markdown: str) -> str:
    """One line of inline Markdown as plain text (emphasis, code and link syntax removed)."""
    text = markdown
    if "[" in text:
        text = _REF_LINK.sub(r"\1", _LINK.sub(r"\1", _IMAGE.sub(r"\1", text)))
    if "`" in text:
        text = _CODE.sub(r"\1", text)
    if "**" in text:
        text = text.replace("**", "")  # bold markers; never literal in prose
    if "*" in text:
        text = _EM_STAR.sub(r"\1", text)
    if "_" in text:
        text = _EM_UNDERSCORE.sub(r"\1", _STRONG_UNDERSCORE.sub(r"\1", text))
    if "<" in text:
        text = _HTML_TAG.sub("", text)
    if "  " in text or "\t" in text:
        text = _SPACES.sub(" ", text)
    return text.strip()
