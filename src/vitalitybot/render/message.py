"""A neutral message structure: what the bot wants to say, independent of where.

The Discord adapter turns a ``Message`` into discord.py objects; the terminal and the
simulator print it. Discord's limits live here because both must respect them, and
``fit()`` trims rather than raises: a long pattern must never stop a post.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

ELLIPSIS = "…"

# https://discord.com/developers/docs/resources/message#embed-object-embed-limits
CONTENT_MAX = 2000
TITLE_MAX = 256
DESCRIPTION_MAX = 4096
FIELD_NAME_MAX = 256
FIELD_VALUE_MAX = 1024
FIELDS_MAX = 25
FOOTER_MAX = 2048
EMBED_TOTAL_MAX = 6000
EMBEDS_MAX = 10


def trim(text: str, limit: int) -> str:
    """Cut ``text`` to at most ``limit`` characters, ending on a word and an ellipsis."""
    text = text.strip()
    if len(text) <= limit:
        return text
    if limit <= len(ELLIPSIS):
        return ELLIPSIS[:limit]
    cut = text[: limit - len(ELLIPSIS)]
    space = cut.rfind(" ")
    if space > limit * 0.6:
        cut = cut[:space]
    return cut.rstrip(" ,;:-–—") + ELLIPSIS


@dataclass(frozen=True, slots=True)
class EmbedField:
    name: str
    value: str
    inline: bool = False


@dataclass(frozen=True, slots=True)
class Embed:
    title: str = ""
    description: str = ""
    fields: tuple[EmbedField, ...] = ()
    footer: str = ""
    url: str | None = None
    colour: int | None = None

    def total_length(self) -> int:
        return (
            len(self.title)
            + len(self.description)
            + len(self.footer)
            + sum(len(f.name) + len(f.value) for f in self.fields)
        )

    def fit(self) -> Embed:
        """Return a copy within every Discord embed limit, trimming the longest parts first."""
        fields = tuple(
            EmbedField(
                trim(f.name, FIELD_NAME_MAX) or "\u200b",
                trim(f.value, FIELD_VALUE_MAX) or "\u200b",
                f.inline,
            )
            for f in self.fields[:FIELDS_MAX]
        )
        embed = replace(
            self,
            title=trim(self.title, TITLE_MAX),
            description=trim(self.description, DESCRIPTION_MAX),
            footer=trim(self.footer, FOOTER_MAX),
            fields=fields,
        )
        return embed._shrink_to_total()

    def _shrink_to_total(self) -> Embed:
        embed = self
        # Trim the description first, then drop trailing fields, then trim field values.
        excess = embed.total_length() - EMBED_TOTAL_MAX
        if excess > 0 and embed.description:
            keep = max(len(embed.description) - excess, 200)
            embed = replace(embed, description=trim(embed.description, keep))
        fields = list(embed.fields)
        while embed.total_length() > EMBED_TOTAL_MAX and fields:
            over = embed.total_length() - EMBED_TOTAL_MAX
            last = fields[-1]
            if len(last.value) - over >= 100:
                fields[-1] = EmbedField(
                    last.name, trim(last.value, len(last.value) - over), last.inline
                )
            else:
                fields.pop()
            embed = replace(embed, fields=tuple(fields))
        if embed.total_length() > EMBED_TOTAL_MAX:
            over = embed.total_length() - EMBED_TOTAL_MAX
            embed = replace(
                embed, description=trim(embed.description, max(len(embed.description) - over, 0))
            )
        return embed


# https://discord.com/developers/docs/resources/message#attachment-object
ATTACHMENT_DESCRIPTION_MAX = 1024


@dataclass(frozen=True, slots=True)
class Attachment:
    filename: str
    data: bytes
    description: str = ""  # an image's alt text: what a reader who cannot see it is told


@dataclass(frozen=True, slots=True)
class CommitAction:
    """A "We'll try this" button under a post: what a commitment made from it answers.

    ``suggestion_ids`` are the suggestions the post carries (one post may name several
    signs calling for the same advice); none under a harvest, whose commitments name no
    sign.
    """

    round_id: int
    suggestion_ids: tuple[int, ...] = ()


@dataclass(frozen=True, slots=True)
class Message:
    """One post. ``content`` is plain text; user-written text inside it is already escaped.

    ``commit`` asks the edge for a "We'll try this" button; an edge without buttons
    (the terminal) may say how to commit instead, or leave it out.
    """

    content: str = ""
    embeds: tuple[Embed, ...] = ()
    files: tuple[Attachment, ...] = field(default=())
    commit: CommitAction | None = None

    def fit(self) -> Message:
        return replace(
            self,
            content=trim(self.content, CONTENT_MAX),
            embeds=tuple(e.fit() for e in self.embeds[:EMBEDS_MAX]),
        )
