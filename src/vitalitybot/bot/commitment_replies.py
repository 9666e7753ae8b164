"""What the bot replies about commitments: the form's refusals, the public note made at
commit time, and the list coordinators mark done or dropped.

Beside ``replies.py`` (the other commands' words) so each file holds one feature's copy.
"""

from __future__ import annotations

from datetime import date

from vitalitybot.bot.replies import named, text
from vitalitybot.domain.records import CommitmentStatus, Community, WhoCommits
from vitalitybot.render.environment import md_escape
from vitalitybot.render.message import Embed, EmbedField, Message
from vitalitybot.render.timestamps import discord_time
from vitalitybot.services.commitments import CommitmentsOverview, CommitmentView

UNKNOWN_ROLE = "That role is not one of this server's roles: pick one from the list."
NO_COMMITMENTS = (
    'Nothing recorded yet. "We\'ll try this" under a suggestion or a harvest records what '
    "the community will change; `/vitality commit` records one on its own."
)
STATUS_WORDS = {
    CommitmentStatus.OPEN: "Open",
    CommitmentStatus.DONE: "Done",
    CommitmentStatus.DROPPED: "Dropped",
}


def calendar_day(day: date) -> str:
    """A day of the community's calendar, the same for every reader: "15 Jan 2027"."""
    return f"{day.day} {day:%b %Y}"


def review_words(view: CommitmentView) -> str:
    if view.review_day is not None:
        return f"on {calendar_day(view.review_day)}"
    if view.sign_titles:
        return "at the next survey that asks about it"
    return "when the community next looks back"


def _answers(view: CommitmentView) -> str:
    signs = ", ".join(md_escape(s) for s in view.sign_titles)
    return f"{signs} ({md_escape(view.pattern_title)})" if signs else ""


def _details(view: CommitmentView) -> list[str]:
    owner = view.commitment.owner_role_id
    parts = [f"Owner: <@&{owner}>"] if owner else []
    if view.commitment.is_open:
        parts.append(f"Review: {review_words(view)}")
    if view.sign_titles:
        parts.append(f"Answers: {_answers(view)}")
    return parts


def we_will_try(view: CommitmentView) -> str:
    """The public note when a commitment is made; the owner role is named, never pinged."""
    details = " · ".join(_details(view))
    head = f"**We'll try:** {md_escape(view.commitment.text)}"
    return f"{head}\n{details}" if details else head


def committed(view: CommitmentView) -> str:
    return (
        f"Saved. We'll look at how it went {review_words(view)}. Coordinators mark it done "
        "or dropped with `/vitality commitments`."
    )


def who_commits_set(community: Community) -> str:
    who = "Any member" if community.who_commits is WhoCommits.MEMBERS else "Only coordinators"
    return f"{who} may now record what {named(community)} will try."


def _who_commits(community: Community) -> str:
    if community.who_commits is WhoCommits.MEMBERS:
        return "Any member may use \u201cWe'll try this\u201d (`/vitality commitments who:`)."
    return (
        "Coordinators record commitments; `/vitality commitments who:members` lets any "
        "member use \u201cWe'll try this\u201d."
    )


def commitments_listed(overview: CommitmentsOverview, note: str = "") -> Message:
    """The list: open commitments and those closed lately, newest first, numbered."""
    intro = [note] if note else []
    if not overview.views:
        return text("\n".join([*intro, NO_COMMITMENTS, _who_commits(overview.community)]))
    fields = []
    for number, view in enumerate(overview.views, start=1):
        made = view.commitment
        status = STATUS_WORDS[made.status]
        since = made.closed_at if made.closed_at is not None else made.created_at
        name = f"{number}. {status}"
        value = "\n".join(
            [
                md_escape(made.text),
                " · ".join([*_details(view), f"{status} since {discord_time(since, 'd')}"]),
            ]
        )
        fields.append(EmbedField(name, value))
    embed = Embed(
        title="What we said we would try",
        description=_who_commits(overview.community),
        fields=tuple(fields),
    )
    return Message(content="\n".join(intro), embeds=(embed,))


def marked(words: str, status: str) -> str:
    return f"Marked {status}: {md_escape(words)}"
