"""What the bot says back to a command: all the reply copy, and the one way to send it.

Posts to the community are templates (``templates/``, rendered by the services); the
short replies to a member's own command live here, one function each (and the note the
notifier DMs a server's owner), so their wording is found and changed in one place and
the cogs only choose which to send (``/vitality``'s set-up, pattern, schedule, privacy
and round replies are in vitality_replies.py, commitments' in commitment_replies.py,
the portfolio's in portfolio_replies.py). Every reply is a ``Message`` and goes out
through ``respond``, whether or not it was deferred.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

import discord

from vitalitybot.bot.convert import send_kwargs
from vitalitybot.bot.invite import required_permissions
from vitalitybot.domain.records import Community
from vitalitybot.render.environment import md_escape
from vitalitybot.render.message import Attachment, Message
from vitalitybot.render.words import plural
from vitalitybot.services.harvest_history import HarvestMatch


def text(content: str, *files: Attachment) -> Message:
    return Message(content=content, files=tuple(files))


def with_notes(message: Message, notes: Sequence[str]) -> Message:
    """The message with delivery problems the coordinator has not heard about yet."""
    if not notes:
        return message
    lines = "\n".join(f"- {note}" for note in notes)
    extra = f"**Since the last coordinator command, some posts failed:**\n{lines}"
    content = f"{message.content}\n\n{extra}" if message.content else extra
    return replace(message, content=content)


async def respond(interaction: discord.Interaction, message: Message, *, ephemeral: bool) -> None:
    kwargs = send_kwargs(message)
    if interaction.response.is_done():
        await interaction.followup.send(**kwargs, ephemeral=ephemeral)
    else:
        await interaction.response.send_message(**kwargs, ephemeral=ephemeral)


# Discord's own spelling of the permissions it lists in a channel's settings.
_PERMISSION_WORDS = {"in": "in"}


def permission_names(lacking: discord.Permissions) -> list[str]:
    """Permissions as a server admin finds them in Discord: "Send Messages in Threads"."""
    return [
        " ".join(_PERMISSION_WORDS.get(w, w.capitalize()) for w in name.split("_"))
        for name, set_ in lacking
        if set_
    ]


ALL_POSTING_PERMISSIONS = tuple(permission_names(required_permissions()))


# -- naming a community -------------------------------------------------------------------


def named(community: Community) -> str:
    """The community as replies name it, so a coordinator of several knows which one."""
    return f"**{md_escape(community.name)}**"


# -- /vitality trend, export, harvests (cogs/history.py) -------------------------------

TREND_KEY = (
    "Dashed: the threshold. Upright dotted line: a commitment made; dash-dot: one done. "
    "A break in a line: too few answered that survey to show a figure."
)


def trend_shown(description: str) -> str:
    return f"{md_escape(description)}\n-# {TREND_KEY}"


def scores_exported(rounds: int) -> str:
    if not rounds:
        return "No round has closed yet, so the file holds only its header."
    return (
        f"Participation and scores of {plural(rounds, 'closed round', 'closed rounds')}, "
        "one row each. A figure under its round's minimum number of answers is left blank, "
        "and the last column says why."
    )


def harvest_choice(name: str, participants: int) -> str:
    return f"{name} ({plural(participants, 'person', 'people')} took part)"


def harvest_matches(query: str, matches: Sequence[HarvestMatch]) -> str:
    asked = md_escape(" ".join(query.split()))
    if not matches:
        return f"No reflection shared in your harvests holds “{asked}”."
    lines = "\n".join(f"- **{m.name}**: {md_escape(m.excerpt)}" for m in matches)
    return f"Shared reflections holding “{asked}”, newest harvest first:\n{lines}"


# -- /me ---------------------------------------------------------------------------------


def communities_named(names: Sequence[str], *, everywhere: bool) -> str:
    """The communities a ``/me`` command acts on, as its reply names them."""
    listed = ", ".join(f"**{md_escape(name)}**" for name in names)
    if everywhere and len(names) > 1:
        return f"in all {len(names)} of this server's communities ({listed})"
    return f"in {listed}"


def paused(where: str) -> str:
    return (
        f"Paused {where}: vitalitybot will not remind or ping you there until you run "
        "`/me resume`. You can still answer any round whenever you like."
    )


def resumed(where: str) -> str:
    return f"Welcome back {where}: you will hear about rounds again."


def reminders_set(on: bool, where: str) -> str:
    if on:
        return f"Reminders on {where}: one DM mid-round if you have not answered or skipped."
    return f"Reminders off {where}: no more reminder DMs from vitalitybot there."


def forget_asked(where: str, *, several: bool) -> str:
    """``several``: the member asked about all of the server's communities, and it has
    more than one."""
    one = " To forget one community only, use the `community` option." if several else ""
    return (
        f"This deletes your answers in open rounds and in named rounds, your choices and "
        f"your settings {where}, and takes your shared words out of stored harvests. "
        "Answers in anonymous rounds that have ended are not linked to you any more, so "
        "they cannot be found to delete. Totals already computed stay (they name no one). "
        f"It cannot be undone.{one}"
    )


ENDED_ANONYMOUS = (
    "Anonymous rounds that have ended are not included: their keys were destroyed when "
    "they closed, so nothing links your answers there to you, not even for the bot."
)
FORGET_CANCELLED = "Nothing was deleted."


def exported(rounds: int, ended_anonymous: int, where: str = "in this server") -> str:
    ended = f" {ENDED_ANONYMOUS}" if ended_anonymous else ""
    return (
        f"Everything vitalitybot can link to you {where}: "
        f"{plural(rounds, 'round', 'rounds')}. Your answers in an open anonymous round are "
        f"found through a key that exists only until the round closes.{ended}"
    )


def export_filename(guild_id: int) -> str:
    return f"vitalitybot-export-{guild_id}.json"


def forgotten(
    records: int, harvests_rewritten: int, ended_anonymous: int, where: str = "in this server"
) -> str:
    rewritten = (
        f" Your words were taken out of {plural(harvests_rewritten, 'stored harvest')}."
        if harvests_rewritten
        else ""
    )
    ended = f" {ENDED_ANONYMOUS}" if ended_anonymous else ""
    deleted = "was" if records == 1 else "were"
    return (
        f"Done: {plural(records, 'record')} about you {deleted} deleted {where}.{rewritten}"
        f"{ended} Posts already made in Discord stay where they are; you can delete your "
        "own messages."
    )


# -- notes to the server owner -------------------------------------------------------------


def owner_note(guild_name: str, problem: str) -> str:
    """The DM to a server's owner when a post in their server was refused."""
    return (
        f"A note from vitalitybot in **{guild_name}**: {problem} "
        "`/vitality status` lists the posts that failed."
    )


def not_allowed(what: str, channel_id: int, lacking: Sequence[str]) -> str:
    """A post Discord refused for want of a permission, and what to do about it.

    ``lacking`` is what the bot knows it lacks in the channel; when it knows nothing
    (the channel is not cached) the sentence names everything a post needs.
    """
    needed = ", ".join(lacking or ALL_POSTING_PERMISSIONS)
    return (
        f"I could not post {what} in <#{channel_id}>: give me {needed} there "
        "(in the channel's permissions), or choose another channel with `/vitality setup`."
    )


def channel_gone(what: str, channel_id: int) -> str:
    return (
        f"I could not post {what}: the channel <#{channel_id}> no longer exists. "
        "Choose another channel with `/vitality setup`."
    )
