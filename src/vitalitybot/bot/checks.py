"""Which community a command is about, and whether the member may act on it.

Two gates. Discord's own: the ``/vitality`` commands are registered with
``default_member_permissions`` = Manage Server, so by default only members who can manage
the server see them (a server admin can open them to the coordinator, steward or sponsor
roles under Server Settings -> Integrations). Ours, because that first gate belongs to the
server and can be opened to anyone: ``coordinator_only`` finds the community meant
(``services.find_community``: the ``community`` option, else where the command runs,
else the server's only one) and lets through members who can manage the server and
members holding that community's coordinator or steward role, refusing anyone else with
a sentence saying why. A coordinator of one community is a member like any other in the
next.

The check runs before the handler and hands it the community it checked against
(``community_of``), so no handler asks twice or forgets to ask.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

import discord
from discord import app_commands

from vitalitybot.bot.base import bot_of
from vitalitybot.domain.records import Community
from vitalitybot.observability.logs import tag_community
from vitalitybot.services import (
    NotAllowed,
    Place,
    ServiceError,
    check_coordinator,
    find_community,
)
from vitalitybot.services.places import choose, named, server_communities
from vitalitybot.services.setup import may_coordinate

T = TypeVar("T")

SETUP_REFUSED = (
    "Only members who can manage this server can set up a new community. Once it is set "
    "up, members with its coordinator role can run these commands for it too."
)
COMMUNITY = "vitalitybot.community"  # the interaction's ``extras`` key the check fills
OPTION = "community"  # the option every /vitality command takes to name its community
OPTION_DESCRIPTION = (
    "Which community (default: this channel's or category's, or the server's only one)"
)
SETUP_OPTION_DESCRIPTION = "The community to change, renaming it to the name given"


def guild_id_of(interaction: discord.Interaction) -> int:
    if interaction.guild_id is None:
        raise NotAllowed("This works inside a server, not in direct messages.")
    return interaction.guild_id


def place_of(interaction: discord.Interaction) -> Place:
    """Where the command ran: a thread counts as its parent channel, whose category
    (if any) is the category."""
    channel = interaction.channel
    channel_id = interaction.channel_id
    if isinstance(channel, discord.Thread):
        channel_id = channel.parent_id
        channel = channel.parent
    category_id = getattr(channel, "category_id", None)
    return Place(guild_id_of(interaction), channel_id, category_id)


def named_option(interaction: discord.Interaction, option: str = OPTION) -> str | None:
    value = getattr(interaction.namespace, option, None)
    return value if isinstance(value, str) and value.strip() else None


def role_ids(interaction: discord.Interaction) -> list[int]:
    user = interaction.user
    return [role.id for role in user.roles] if isinstance(user, discord.Member) else []


def manages_server(interaction: discord.Interaction) -> bool:
    permissions = interaction.permissions
    return permissions.administrator or permissions.manage_guild


def is_coordinator(interaction: discord.Interaction, community: Community) -> bool:
    """Whether the member coordinates ``community``, for handlers any member may reach
    (the "We'll try this" button, ``/vitality commit``): the services decide what the
    answer allows them."""
    return may_coordinate(community, role_ids(interaction), is_admin=manages_server(interaction))


def require_coordinator(interaction: discord.Interaction, community: Community) -> Community:
    """The coordinator check for buttons and selects, which ``coordinator_only`` cannot
    guard: they name their community through what they act on."""
    return check_coordinator(community, role_ids(interaction), is_admin=manages_server(interaction))


async def _found(interaction: discord.Interaction) -> Community:
    services = bot_of(interaction).services
    return await find_community(services, place_of(interaction), named_option(interaction))


async def _coordinated(interaction: discord.Interaction) -> Community:
    return require_coordinator(interaction, await _found(interaction))


async def _setting_up(interaction: discord.Interaction) -> Community | None:
    """The community set-up changes (named by its ``community`` option, else by its
    ``name``), checked like any command; None when it creates one, which only members
    who can manage the server may do."""
    guild_id = guild_id_of(interaction)
    communities = await server_communities(bot_of(interaction).services, guild_id)
    chosen = named_option(interaction)
    if chosen is not None:
        target: Community | None = choose(communities, Place(guild_id), chosen)
    else:
        name = named_option(interaction, "name")
        target = named(communities, name) if name else None
    if target is not None:
        return require_coordinator(interaction, target)
    if not manages_server(interaction):
        raise NotAllowed(SETUP_REFUSED)
    return None


def coordinator_only(*, setting_up: bool = False) -> Callable[[T], T]:
    """The check of every ``/vitality`` command, with its ``community`` option described
    and autocompleted (the handler takes ``community_name: str | None = None`` and leaves
    it to the check; the Python name keeps it from hiding the ``Community`` the handler
    gets from ``community_of``). A refusal is told to the member alone (errors.py answers
    the ``CheckFailure`` with the services' sentence)."""
    found = _setting_up if setting_up else _coordinated
    description = SETUP_OPTION_DESCRIPTION if setting_up else OPTION_DESCRIPTION
    return _with_community(found, description)


def any_member() -> Callable[[T], T]:
    """``coordinator_only`` for a command any member may run, whose handler decides what
    the member may do there (``is_coordinator``): the community is found, not checked."""
    return _with_community(_found, OPTION_DESCRIPTION)


def _with_community(
    find: Callable[[discord.Interaction], Awaitable[Community | None]], description: str
) -> Callable[[T], T]:
    async def predicate(interaction: discord.Interaction) -> bool:
        try:
            community = await find(interaction)
        except ServiceError as refusal:
            raise app_commands.CheckFailure(refusal.message) from refusal
        interaction.extras[COMMUNITY] = community
        if community is not None:  # the check runs in the handler's own task
            tag_community(community.id)
        return True

    def decorate(command: T) -> T:
        checked: T = app_commands.check(predicate)(community_option(description)(command))
        return checked

    return decorate


def community_option(description: str) -> Callable[[T], T]:
    """The ``community`` option: the handler's ``community_name: str | None = None``
    (a Python name that does not hide the ``Community`` it works on), shown to members as
    ``community``, described, and autocompleted with the server's communities."""

    def decorate(command: T) -> T:
        renamed: T = app_commands.rename(community_name=OPTION)(command)
        described: T = app_commands.describe(community_name=description)(renamed)
        completed: T = app_commands.autocomplete(community_name=community_names)(described)
        return completed

    return decorate


def setup_target(interaction: discord.Interaction[Any]) -> Community | None:
    """The community ``coordinator_only(setting_up=True)`` found to change; None: a new one."""
    found = interaction.extras.get(COMMUNITY)
    return found if isinstance(found, Community) else None


def community_of(interaction: discord.Interaction[Any]) -> Community:
    """The community ``coordinator_only`` checked this interaction against."""
    found = interaction.extras.get(COMMUNITY)
    if not isinstance(found, Community):
        raise TypeError("this handler is not behind coordinator_only, or it creates one")
    return found


async def community_names(
    interaction: discord.Interaction, current: str
) -> list[app_commands.Choice[str]]:
    """Autocomplete of the ``community`` option: the server's communities by name."""
    if interaction.guild_id is None:
        return []
    try:
        communities = await server_communities(bot_of(interaction).services, interaction.guild_id)
    except ServiceError:
        return []
    wanted = current.strip().casefold()
    return [
        app_commands.Choice(name=c.name[:100], value=c.name[:100])
        for c in communities
        if wanted in c.name.casefold()
    ][:25]


async def community_here(interaction: discord.Interaction) -> Community | None:
    """For an autocomplete: the community the command would act on; None when there is
    none to offer choices from (the command itself will say why). Not checked: the
    choices are names members see in posts anyway."""
    if interaction.guild_id is None:
        return None
    try:
        return await _found(interaction)
    except ServiceError:
        return None
