"""What ``/vitality`` says back when a coordinator sets a community up, adopts or drops a
pattern, changes a schedule, the threshold or privacy, and opens or closes a round.

Each reply names the community it acted on (``replies.named``): a coordinator of several
communities in one server, or one who ran the command away from its channel, sees which
one changed.
"""

from __future__ import annotations

from collections.abc import Sequence

from vitalitybot.bot.replies import named
from vitalitybot.bot.views.common import jump_url
from vitalitybot.domain import scale
from vitalitybot.domain.records import Community, Round, RoundKind
from vitalitybot.render.environment import md_escape
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
from vitalitybot.services.places import listing

# Without these a round still posts; only its discussion thread is missing.
THREAD_PERMISSIONS = frozenset({"Create Public Threads", "Send Messages in Threads"})


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
            _privacy_heading(settings),
            *_privacy_lines(settings),
            "Change them with `/vitality privacy`, giving any of `anonymous`, "
            "`min_respondents` and `max_items`.",
        ]
    )


def privacy_changed(settings: PrivacySettings) -> str:
    lines = [f"Saved. {_privacy_heading(settings)}", *_privacy_lines(settings)]
    if settings.raised_from is not None:
        lines.append(
            f"The minimum was {settings.raised_from}; anonymous rounds need at least "
            f"{settings.next_minimum}, so it is {settings.next_minimum} now."
        )
    lines.append(LATER_ROUNDS)
    return "\n".join(lines)


def _privacy_heading(settings: PrivacySettings) -> str:
    return f"**Privacy of the next rounds** of {named(settings.community)}"


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
