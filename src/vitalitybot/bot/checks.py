"""Who may run the coordinator commands, asked of the services with what Discord tells us.

Two gates. Discord's own: the ``/vitality`` commands are registered with
``default_member_permissions`` = Manage Server, so by default only members who can manage
the server see them (a server admin can open them to the coordinator role under Server
Settings -> Integrations). Ours, because that first gate belongs to the server and can be
opened to anyone: ``services.check_coordinator`` lets through members who can manage the
server and members holding the community's coordinator (or steward) role, and refuses
everyone else with a sentence saying why.
"""

from __future__ import annotations

import discord

from vitalitybot.domain.records import Community
from vitalitybot.services import NotAllowed, NotConfigured, Services, check_coordinator

SETUP_REFUSED = (
    "Only members who can manage this server can set vitalitybot up. Once it is set up, "
    "members with the coordinator role can run these commands too."
)


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


async def require_coordinator(services: Services, interaction: discord.Interaction) -> Community:
    """The community, if this member may coordinate it; otherwise a ``ServiceError``."""
    return await check_coordinator(
        services,
        guild_id_of(interaction),
        role_ids(interaction),
        is_admin=manages_server(interaction),
    )


async def require_setup_rights(services: Services, interaction: discord.Interaction) -> None:
    """Setting up a new community needs Manage Server; changing one needs a coordinator."""
    try:
        await require_coordinator(services, interaction)
    except NotConfigured:
        if not manages_server(interaction):
            raise NotAllowed(SETUP_REFUSED) from None
