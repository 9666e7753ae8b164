"""What the bot says back to a command: all the reply copy, and the one way to send it.

Posts to the community are templates (``templates/``, rendered by the services); the
short replies to a member's own command live here, one function each (and the note the
notifier DMs a server's owner), so their wording is found and changed in one place and
the cogs only choose which to send. Every reply
is a ``Message`` and goes out through ``respond``, whether or not it was deferred.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

import discord

from vitalitybot.bot.convert import send_kwargs
from vitalitybot.bot.invite import required_permissions
from vitalitybot.bot.views.common import jump_url
from vitalitybot.domain import scale
from vitalitybot.domain.records import Community, Round, RoundKind
from vitalitybot.render.environment import md_escape
from vitalitybot.render.message import Attachment, Message
from vitalitybot.render.timestamps import discord_time
from vitalitybot.render.words import plural
from vitalitybot.services import (
    AdoptResult,
    CloseResult,
    DropResult,
    PrivacySettings,
    ScheduleView,
    kind_name,
)
from vitalitybot.services.default_schedules import StatedRhythm
from vitalitybot.services.harvest_history import HarvestMatch
from vitalitybot.services.places import listing


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


# -- /vitality ---------------------------------------------------------------------------


# Without these a round still posts; only its discussion thread is missing.
THREAD_PERMISSIONS = frozenset({"Create Public Threads", "Send Messages in Threads"})


def named(community: Community) -> str:
    """The community as replies name it, so a coordinator of several knows which one."""
    return f"**{md_escape(community.name)}**"


def set_up(
    community: Community,
    channel_id: int,
    missing: Sequence[str],
    *,
    created: bool,
    communities: Sequence[Community],
) -> str:
    """``communities``: all of the server's, this one included, as they are now."""
    channel = f"<#{channel_id}>"
    name = named(community)
    where = f"its rounds are posted in {channel}, on {md_escape(community.timezone)} time."
    lines = [
        f"Set up {name} as a new community: {where}" if created else f"Updated {name}: {where}"
    ]
    if community.category_id is not None:
        lines.append(f"Commands run in any channel of <#{community.category_id}> are about it.")
    roles = [f"<@&{r}>" for r in (community.coordinator_role_id, community.steward_role_id) if r]
    if roles:
        lines.append(f"Besides server managers, {' and '.join(roles)} may coordinate it.")
    lines += [line for line in (_heads_up(missing, channel), _finding(communities)) if line]
    lines.append(
        f"Next: `/vitality adopt` a pattern for {name} to watch; it sets up default schedules."
    )
    return "\n".join(lines)


def _heads_up(missing: Sequence[str], channel: str) -> str | None:
    """What the bot lacks to post in the community's channel, and what follows from it."""
    if not missing:
        return None
    if set(missing) <= THREAD_PERMISSIONS:
        return (
            f"**Heads up:** I am missing {', '.join(missing)} in {channel}, so rounds are "
            "posted without a discussion thread: their results and suggestions go to the "
            "channel instead. A server admin can grant it to give each round its thread."
        )
    return (
        f"**Heads up:** I am missing {', '.join(missing)} in {channel}; "
        "rounds will fail there until a server admin grants them."
    )


def _finding(communities: Sequence[Community]) -> str | None:
    """How a command finds its community, once there are several to tell apart."""
    if len(communities) < 2:
        return None
    return (
        f"This server has {plural(len(communities), 'community', 'communities')}: "
        f"{md_escape(listing(communities))}. A command acts on the community whose "
        "channel (or category) it runs in; anywhere else, name it in the `community` option."
    )


def adopted(community: Community, result: AdoptResult, schedules: Sequence[ScheduleView]) -> str:
    """``schedules``: the community's schedules, of which those the adoption made are told."""
    title = md_escape(result.pattern.title)
    lines = [
        f"Now watching **{title}** for {named(community)}: its signs join its next surveys."
        if result.created
        else f"{named(community)} already watches **{title}**."
    ]
    if result.schedules:
        created = {s.id for s in result.schedules}
        lines.append("Default schedules, to adjust with `/vitality schedule`:")
        lines += [
            f"- {kind_name(view.schedule.kind).capitalize()}: {view.description}"
            + (f". Next: {view.next_run_text}" if view.next_run_text else "")
            for view in schedules
            if view.schedule.id in created
        ]
        lines += [_stated(rhythm) for rhythm in result.rhythms]
    lines.append("To ask now, run `/vitality survey` or `/vitality checkin`.")
    return "\n".join(lines)


def _stated(rhythm: StatedRhythm) -> str:
    """One ritual's rhythm in the pattern's words, and how to follow it more closely."""
    kind = RoundKind(rhythm.kind).value
    line = (
        f"The pattern's {kind_name(kind)} rhythm: \u201c{md_escape(rhythm.phrase)}\u201d; "
        f"scheduled {rhythm.scheduled}"
    )
    if not rhythm.others:
        return line + "."
    options = " or ".join(f"`/vitality schedule kind:{kind} cadence:{c}`" for c in rhythm.others)
    return f"{line}. Also in line with it: {options}."


def dropped(community: Community, result: DropResult) -> str:
    extra = (
        f" Its own schedules ({result.schedules_removed}) went with it."
        if result.schedules_removed
        else ""
    )
    return (
        f"No longer watching **{md_escape(result.title)}** for {named(community)}. "
        f"Earlier answers and scores stay.{extra}"
    )


def scheduled(community: Community, kind: RoundKind | str, view: ScheduleView) -> str:
    name = f"{kind_name(kind).capitalize()}s for {named(community)}"
    if not view.schedule.enabled:
        return (
            f"{name} are paused: {view.description}. "
            f"`/vitality schedule kind:{RoundKind(kind).value} enabled:true` resumes them."
        )
    next_run = f" Next: {view.next_run_text}." if view.next_run_text else ""
    return f"{name} now run {view.description}.{next_run}"


def threshold_set(community: Community) -> str:
    return (
        f"For {named(community)}, a sign now crosses when at least "
        f"{round(community.threshold * 100)}% of at least "
        f"{plural(community.min_respondents, 'respondent')} see it {scale.high_words()}. "
        f"{LATER_ROUNDS}"
    )


LATER_ROUNDS = "Rounds already open keep the minimum they promised; new ones use this."


def privacy_shown(settings: PrivacySettings) -> str:
    return "\n".join(
        [
            "**Privacy of the next rounds**",
            *_privacy_lines(settings),
            "Change them with `/vitality privacy`, giving any of `anonymous`, "
            "`min_respondents` and `max_items`.",
        ]
    )


def privacy_changed(settings: PrivacySettings) -> str:
    lines = ["Saved. **Privacy of the next rounds**", *_privacy_lines(settings)]
    if settings.raised_from is not None:
        lines.append(
            f"The minimum was {settings.raised_from}; anonymous rounds need at least "
            f"{settings.next_minimum}, so it is {settings.next_minimum} now."
        )
    lines.append(LATER_ROUNDS)
    return "\n".join(lines)


def _privacy_lines(settings: PrivacySettings) -> list[str]:
    community = settings.community
    stored = (
        "- **Anonymous**: answers are kept under a key made for each round and destroyed "
        "when it closes; after that nothing ties them to a member."
        if community.anonymous
        else "- **Named**: answers are kept with members' Discord ids; whoever runs the bot "
        "can read who answered what."
    )
    return [
        stored,
        f"- No figure is shown until at least {plural(settings.next_minimum, 'member')} "
        f"{'has' if settings.next_minimum == 1 else 'have'} answered a round; coordinators "
        "see the same totals as members.",
        f"- A survey asks at most {plural(community.max_items, 'question', 'questions')}.",
    ]


def opened(community: Community, round_: Round) -> str:
    name = f"{kind_name(round_.kind)} for {named(community)}"
    link = jump_url(community.guild_id, round_.channel_id, round_.message_id)
    if link is None:
        return f"The {name} is open (until {discord_time(round_.closes_at)}), but its post failed."
    return f"Opened the {name}: {link}. It closes {discord_time(round_.closes_at)}."


def closed(community: Community, result: CloseResult) -> str:
    posted = ["the results" if result.round.kind is RoundKind.SURVEY else "the harvest"]
    if result.suggestions:
        posted.append(plural(len(result.suggestions), "suggestion", "suggestions"))
    where = "the round's thread" if result.round.thread_id else "the channel"
    return (
        f"Closed the {kind_name(result.round.kind)} for {named(community)}: "
        f"{result.participation.text}. "
        f"Posted {' and '.join(posted)} in {where}."
    )


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
