"""One template, two destinations: Markdown-ish text read back into a ``Message``.

A template writes what a person would write in a Discord message, and a few line-start
markers say which part of the post each piece of text becomes::

    Optional plain text: becomes the message content (above the embed).
    # Title                     -> starts an embed; the text is its title
    Text under the title        -> the embed's description
    ## Field name               -> a field; its value is the text until the next heading
    ## Short field {inline}     -> "{inline}" at the end: shown side by side on Discord
    -# Licence, credits         -> trailing "-# " lines (Discord's subtext): the footer

Rules worth knowing:

* Only ``# `` and ``## `` (one or two hashes and a space) at the very start of a line are
  structure; ``###`` and deeper stay as text, and so does anything inside a ``` fence.
* Another ``# `` line starts another embed (Discord allows ten per post). A ``## `` line
  before any ``# `` line opens an embed without a title.
* A field with nothing under its heading is left out, so a template may write a heading
  unconditionally and fill it only when there is something to say.
* Footer lines count only at the end, and only when there is an embed; anywhere else a
  ``-# `` line is ordinary subtext.
* Every value a template prints has passed through ``render.inert.inert`` (the
  environment's ``finalize``), which escapes these markers at a line's start, so text
  from a pattern file or a member can never be taken for structure.

The result is passed through ``Message.fit()``, so a long pattern is trimmed with an
ellipsis and never makes the post fail. The terminal shows the same ``Message`` through
``render.terminal.to_terminal``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from jinja2 import Environment

from vitalitybot.render.message import Embed, EmbedField, Message

INLINE_MARKER = "{inline}"
_TITLE = "# "
_FIELD = "## "
_FOOTER = "-# "
_FENCE = "```"
_BLANK_RUNS = re.compile(r"\n{3,}")


def render_message(env: Environment, template_name: str, /, **context: Any) -> Message:
    """Render a template and read it back as a Message within Discord's limits."""
    return compose(env.get_template(template_name).render(**context))


def compose(text: str) -> Message:
    """Split rendered template text into content, embeds, fields and footer (see above)."""
    return compose_unfitted(text).fit()


def compose_unfitted(text: str) -> Message:
    """``compose`` before ``Message.fit()``: for a caller that fits the parts its own way
    (the harvest cuts by whole reflections) and then fits the rest."""
    lines = text.splitlines()
    footer = _take_footer(lines) if _has_embed(lines) else []
    content: list[str] = []
    embeds: list[_EmbedDraft] = []
    target = content
    in_fence = False
    for line in lines:
        if line.lstrip().startswith(_FENCE):
            in_fence = not in_fence
        elif not in_fence and line.startswith(_TITLE):
            embeds.append(_EmbedDraft(title=line[len(_TITLE) :].strip()))
            target = embeds[-1].description
            continue
        elif not in_fence and line.startswith(_FIELD):
            if not embeds:
                embeds.append(_EmbedDraft(title=""))
            embeds[-1].fields.append(_FieldDraft.from_heading(line[len(_FIELD) :]))
            target = embeds[-1].fields[-1].value
            continue
        target.append(line)
    if footer and embeds:
        embeds[-1].footer = "\n".join(footer)
    return Message(
        content=_block(content), embeds=tuple(e.build() for e in embeds if not e.is_empty())
    )


def _has_embed(lines: list[str]) -> bool:
    in_fence = False
    for line in lines:
        if line.lstrip().startswith(_FENCE):
            in_fence = not in_fence
        elif not in_fence and line.startswith((_TITLE, _FIELD)):
            return True
    return False


def _take_footer(lines: list[str]) -> list[str]:
    """Remove the trailing run of ``-# `` lines (blank lines between them allowed)."""
    while lines and not lines[-1].strip():
        lines.pop()
    footer: list[str] = []
    while lines and (lines[-1].startswith(_FOOTER) or (footer and not lines[-1].strip())):
        line = lines.pop()
        if line.strip():
            footer.insert(0, line[len(_FOOTER) :].strip())
    return footer


def _block(lines: list[str]) -> str:
    """Join lines into one tidy block: no leading/trailing blanks, no blank runs."""
    text = "\n".join(line.rstrip() for line in lines).strip("\n")
    return _BLANK_RUNS.sub("\n\n", text).strip()


@dataclass
class _FieldDraft:
    name: str
    inline: bool
    value: list[str] = field(default_factory=list)

    @classmethod
    def from_heading(cls, heading: str) -> _FieldDraft:
        heading = heading.strip()
        inline = heading.endswith(INLINE_MARKER)
        if inline:
            heading = heading[: -len(INLINE_MARKER)].rstrip()
        return cls(name=heading, inline=inline)


@dataclass
class _EmbedDraft:
    title: str
    description: list[str] = field(default_factory=list)
    fields: list[_FieldDraft] = field(default_factory=list)
    footer: str = ""

    def build(self) -> Embed:
        fields = tuple(
            EmbedField(f.name, value, f.inline) for f in self.fields if (value := _block(f.value))
        )
        return Embed(
            title=self.title,
            description=_block(self.description),
            fields=fields,
            footer=self.footer,
        )

    def is_empty(self) -> bool:
        return not (self.title or _block(self.description) or self.footer) and not any(
            _block(f.value) for f in self.fields
        )
