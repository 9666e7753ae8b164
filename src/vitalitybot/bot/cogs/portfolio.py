"""``/vitality sponsors | portfolio``: the server's sponsors, and what they read.

Subcommands of ``/vitality`` (``attach`` adds them to ``VitalityCog``'s group), but about
the whole server rather than one community, so they take no ``community`` option and sit
behind their own gates: naming the sponsors needs Manage Server (it decides who reads
every community's figures), and the portfolio is for the sponsor role and server
managers (``services.check_sponsor``; a community's coordinators are not sponsors).
Replies are ephemeral: the figures are for whoever asked.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import discord
from discord import app_commands
from discord.ext import commands

from vitalitybot.bot import portfolio_replies
from vitalitybot.bot.checks import guild_id_of, manages_server, role_ids
from vitalitybot.bot.invite import missing_in
from vitalitybot.bot.replies import permission_names, respond, text
from vitalitybot.services import NotAllowed, check_sponsor, portfolio_message, set_sponsors
from vitalitybot.services import portfolio as server_portfolio

if TYPE_CHECKING:
    from vitalitybot.bot.client import VitalityBot


async def _manages_server(interaction: discord.Interaction) -> bool:
    """Only server managers name the sponsors; the refusal says why (errors.py shows it)."""
    if not manages_server(interaction):
        refusal = NotAllowed(portfolio_replies.NOT_A_SERVER_MANAGER)
        raise app_commands.CheckFailure(refusal.message) from refusal
    return True


class PortfolioCog(commands.Cog):
    def __init__(self, bot: VitalityBot) -> None:
        self.bot = bot

    def attach(self, parent: commands.GroupCog) -> None:
        """Add these commands to ``parent``'s group, before ``parent`` is added to the bot."""
        group = parent.app_command
        if group is None:
            raise TypeError(f"{type(parent).__name__} has no command group")
        for command in self.get_app_commands():
            group.add_command(command)

    @app_commands.command(
        name="sponsors", description="Choose the sponsor role, and a channel for a quarterly digest"
    )
    @app_commands.describe(
        role="Members with this role may read /vitality portfolio",
        digest_channel="Where the portfolio is posted each quarter (leave out: no digest)",
    )
    @app_commands.check(_manages_server)
    async def sponsors(
        self,
        interaction: discord.Interaction,
        role: discord.Role,
        digest_channel: discord.TextChannel | None = None,
    ) -> None:
        services = self.bot.services
        server = await set_sponsors(
            services,
            guild_id_of(interaction),
            role.id,
            digest_channel.id if digest_channel else None,
        )
        missing = permission_names(missing_in(digest_channel)) if digest_channel else []
        answer = portfolio_replies.sponsors_set(server, missing, services.now())
        await respond(interaction, text(answer), ephemeral=True)

    @app_commands.command(
        name="portfolio", description="How every community of this server stands, for sponsors"
    )
    async def portfolio(self, interaction: discord.Interaction) -> None:
        services = self.bot.services
        guild_id = guild_id_of(interaction)
        await check_sponsor(
            services, guild_id, role_ids(interaction), is_admin=manages_server(interaction)
        )
        await interaction.response.defer(ephemeral=True, thinking=True)
        found = await server_portfolio(services, guild_id)
        await respond(interaction, portfolio_message(services, found), ephemeral=True)
