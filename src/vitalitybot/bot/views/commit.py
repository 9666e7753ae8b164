""" "We'll try this": the button under a suggestion or a harvest, and the form it opens.

The button is a ``DynamicItem`` whose custom id names the post it sits under: its round
and the suggestions it carries (``vb:commit:<round>:<id>,<id>``), so it works after a
restart and in whichever process receives the click. Those ids are only a pointer: the
services read the suggestions back and check they are the community's and the round's.

A click first asks the services whether this member may commit (the community's
setting), so no one writes out a commitment only to be refused; then it opens a form:
what we will change (required), an owner role (a role select: the role is picked, not
typed, so it is always one of the server's), and a review day (YYYY-MM-DD in the
community's calendar; empty means the next survey that asks the sign). Like the
reflection form, the form is stopped before it is sent and answered by an
``on_interaction`` listener reading its custom id, so a form opened before a restart
still saves after it.

On success the member alone hears that it is saved, and the thread or channel the post
is in gets a short public note, naming the owner role without pinging it.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Awaitable
from typing import Any

import discord

from vitalitybot.bot import commitment_replies
from vitalitybot.bot.base import bot_of
from vitalitybot.bot.checks import guild_id_of, is_coordinator
from vitalitybot.bot.convert import NO_MENTIONS
from vitalitybot.bot.errors import guarded
from vitalitybot.bot.views.checkin import submitted_values
from vitalitybot.bot.views.common import static_view, submitted_form
from vitalitybot.bot.views.round_item import RoundItem
from vitalitybot.render.message import CommitAction
from vitalitybot.services import InvalidSetting
from vitalitybot.services.app import round_community
from vitalitybot.services.commitments import (
    CommitmentView,
    CommitRequest,
    check_may_commit,
    commit,
    described,
    parse_review_day,
)
from vitalitybot.storage.commitment_row import TEXT_MAX

logger = logging.getLogger(__name__)

BUTTON_PREFIX = "vb:commit:"
FORM_PREFIX = "vb:commit-form:"
CUSTOM_ID_MAX = 100
FORM_ID = re.compile(r"vb:commit-form:(?P<round_id>[0-9]+):(?P<ids>[0-9,]*)")
WHAT, OWNER, REVIEW = "vb:commit-what", "vb:commit-owner", "vb:commit-review"
FORM_TITLE = "We'll try this"
DAY_LENGTH = len("2027-01-15")
REVIEW_HINT = "YYYY-MM-DD. Empty: the next survey that asks about this sign."


def post_ids(action: CommitAction) -> str:
    """``<round>:<id>,<id>``: the post a commitment answers, short enough for both custom
    ids (the form's prefix is the longer). Suggestion ids past the limit are left out,
    with a warning: one post naming so many signs is not expected."""
    room = CUSTOM_ID_MAX - len(FORM_PREFIX) - len(f"{action.round_id}:")
    kept: list[str] = []
    for suggestion_id in action.suggestion_ids:
        if len(",".join([*kept, str(suggestion_id)])) > room:
            logger.warning(
                "round %s: a commit button names %d of its %d suggestions (custom id limit)",
                action.round_id,
                len(kept),
                len(action.suggestion_ids),
            )
            break
        kept.append(str(suggestion_id))
    return f"{action.round_id}:{','.join(kept)}"


def _suggestion_ids(ids: str) -> tuple[int, ...]:
    return tuple(int(i) for i in ids.split(",") if i)


class CommitButton(
    RoundItem,
    discord.ui.DynamicItem[discord.ui.Button[discord.ui.View]],
    template=r"vb:commit:(?P<round_id>[0-9]+):(?P<ids>[0-9,]*)",
):
    """Under a suggestion or a harvest: opens the form to say what the community will try."""

    def __init__(self, round_id: int, suggestion_ids: tuple[int, ...] = ()) -> None:
        action = CommitAction(round_id, suggestion_ids)
        super().__init__(
            round_id,
            discord.ui.Button(
                label="We'll try this",
                style=discord.ButtonStyle.success,
                custom_id=f"{BUTTON_PREFIX}{post_ids(action)}",
            ),
        )
        self.suggestion_ids = suggestion_ids

    @classmethod
    def arguments(cls, match: re.Match[str]) -> tuple[Any, ...]:
        return (int(match["round_id"]), _suggestion_ids(match["ids"]))

    def act(self, interaction: discord.Interaction) -> Awaitable[None]:
        return open_form(interaction, CommitAction(self.round_id, self.suggestion_ids))


def commit_view(action: CommitAction | None) -> discord.ui.View | None:
    """The button a post asks for (``Message.commit``); None when it asks for none."""
    if action is None:
        return None
    return static_view(CommitButton(action.round_id, action.suggestion_ids))


def commit_form(action: CommitAction) -> discord.ui.Modal:
    form = discord.ui.Modal(
        title=FORM_TITLE, custom_id=f"{FORM_PREFIX}{post_ids(action)}", timeout=None
    )
    form.add_item(
        discord.ui.Label(
            text="What will we change?",
            description="A few words members will recognise, e.g. pin one guide a month.",
            component=discord.ui.TextInput(
                style=discord.TextStyle.paragraph,
                custom_id=WHAT,
                required=True,
                max_length=TEXT_MAX,
            ),
        )
    )
    form.add_item(
        discord.ui.Label(
            text="Who looks after it? (optional)",
            component=discord.ui.RoleSelect(
                custom_id=OWNER, required=False, min_values=0, max_values=1
            ),
        )
    )
    form.add_item(
        discord.ui.Label(
            text="Review on (optional)",
            description=REVIEW_HINT if action.suggestion_ids else "YYYY-MM-DD.",
            component=discord.ui.TextInput(
                style=discord.TextStyle.short,
                custom_id=REVIEW,
                required=False,
                placeholder="2027-01-15",
                max_length=DAY_LENGTH,
            ),
        )
    )
    form.stop()  # answered by the listener, never by discord.py's modal store
    return form


async def open_form(interaction: discord.Interaction, action: CommitAction) -> None:
    services = bot_of(interaction).services
    community = await round_community(services, guild_id_of(interaction), action.round_id)
    await check_may_commit(
        services, community.id, coordinator=is_coordinator(interaction, community)
    )
    await interaction.response.send_modal(commit_form(action))


async def on_commit_submitted(interaction: discord.Interaction) -> None:
    """The ``on_interaction`` listener: picks out submissions of the commit form."""
    match = submitted_form(interaction, FORM_ID)
    if match is None:
        return
    action = CommitAction(int(match["round_id"]), _suggestion_ids(match["ids"]))
    await guarded(interaction, save_commitment(interaction, action))


def owner_role(interaction: discord.Interaction, picked: Any) -> int | None:
    """The role picked in the form, checked to be one of this server's."""
    if not picked:
        return None
    role_id = int(picked[0])
    guild = interaction.guild
    if guild is None or guild.get_role(role_id) is None:
        raise InvalidSetting(commitment_replies.UNKNOWN_ROLE)
    return role_id


async def save_commitment(interaction: discord.Interaction, action: CommitAction) -> None:
    services = bot_of(interaction).services
    community = await round_community(services, guild_id_of(interaction), action.round_id)
    values = submitted_values(dict(interaction.data or {}))
    request = CommitRequest(
        str(values.get(WHAT) or ""),
        round_id=action.round_id,
        suggestion_ids=action.suggestion_ids,
        owner_role_id=owner_role(interaction, values.get(OWNER)),
        review_on=parse_review_day(str(values.get(REVIEW) or "")),
    )
    coordinator = is_coordinator(interaction, community)
    made = await commit(services, community.id, request, coordinator=coordinator)
    await announce(interaction, await described(services, community.id, made))


async def announce(interaction: discord.Interaction, view: CommitmentView) -> None:
    """Tell the member it is saved, and everyone in the channel what we will try."""
    await interaction.response.send_message(
        commitment_replies.committed(view), ephemeral=True, allowed_mentions=NO_MENTIONS
    )
    await interaction.followup.send(
        commitment_replies.we_will_try(view), ephemeral=False, allowed_mentions=NO_MENTIONS
    )
