"""Who may run the coordinator commands: one check, asked of the services.

Two gates. Discord's own: the ``/vitality`` commands are registered with
``default_member_permissions`` = Manage Server, so by default only members who can manage
the server see them (a server admin can open them to the coordinator role under Server
Settings -> Integrations). Ours, because that first gate belongs to the server and can be
opened to anyone: ``coordinator_only`` asks ``services.check_coordinator``, which lets
through members who can manage the server and members holding the community's
coordinator (or steward) role, and refuses everyone else with a sentence saying why.

The check runs before the handler, and hands it the community it checked against
(``community_of``), so no handler asks twice or forgets to ask.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

import discord
from discord import app_commands

from vitalitybot.bot.base import bot_of
from vitalitybot.domain.records import Community
from vitalitybot.services import NotAllowed, NotConfigured, ServiceError, check_coordinator

T = TypeVar("T")

SETUP_REFUSED = (
    "Only members who can manage this server can set vitalitybot up. Once it is set up, "
    "members with the coordinator role can run these commands too."
)
COMMUNITY = "vitalitybot.community"  # the interaction's ``extras`` key the check fills


def guild_id_of(interaction: discord.Interaction) -> int:
    if interaction.guild_id is None:
        raise NotAllowed("This works inside a server, not in direct messages.")
    return interaction.guild_id


def role_ids(interaction: discord.Interaction) -> list[int]:
    user = interaction.user
    return [role.id for role in user.roles] if isinstance(user, discord.Member) else []


def manages_server(interaction: discord.Interaction) -> bool:
    permissions = interaction.permissions
    return permissions.administrator or permissions.manage_guild


async def _coordinated(interaction: discord.Interaction, *, setting_up: bool) -> Community | None:
    """The community this member coordinates; refused with a ``ServiceError`` otherwise.

    ``setting_up``: a server without a community yet may be set up by a member who can
    manage it (None: nothing to hand on).
    """
    try:
        return await check_coordinator(
            bot_of(interaction).services,
            guild_id_of(interaction),
            role_ids(interaction),
            is_admin=manages_server(interaction),
        )
    except NotConfigured:
        if not setting_up:
            raise
        if not manages_server(interaction):
            raise NotAllowed(SETUP_REFUSED) from None
        return None


def coordinator_only(*, setting_up: bool = False) -> Callable[[T], T]:
    """The check of every ``/vitality`` command: a refusal is told to the member alone
    (errors.py answers the ``CheckFailure`` with the services' sentence)."""

    async def predicate(interaction: discord.Interaction) -> bool:
        try:
            community = await _coordinated(interaction, setting_up=setting_up)
        except ServiceError as refusal:
            raise app_commands.CheckFailure(refusal.message) from refusal
        interaction.extras[COMMUNITY] = community
        return True

    check: Callable[[T], T] = app_commands.check(predicate)
    return check


async def is_coordinator(interaction: discord.Interaction) -> bool:
    """Whether the member passes the coordinator check, for handlers any member may reach
    (the "We'll try this" button, ``/vitality commit``): the services decide what the
    answer allows them."""
    try:
        await _coordinated(interaction, setting_up=False)
    except NotAllowed:
        return False
    return True


async def require_coordinator(interaction: discord.Interaction) -> Community:
    """The coordinator check for buttons and selects, which ``coordinator_only`` cannot
    guard: the community, or the services' refusal (a ``ServiceError``) to show."""
    community = await _coordinated(interaction, setting_up=False)
    assert community is not None  # not setting up: a server without one raised
    return community


def community_of(interaction: discord.Interaction[Any]) -> Community:
    """The community ``coordinator_only`` checked this interaction against."""
    found = interaction.extras.get(COMMUNITY)
    if not isinstance(found, Community):
        raise TypeError("this handler is not behind coordinator_only, or its server is new")
    return found
