"""``DiscordMemberDirectory``: who may answer a community's rounds, as far as Discord says.

The honest answer depends on one privileged intent. Discord tells a bot who is in a
server only with the **Server Members** intent, which must be switched on in the
Developer Portal (and reviewed by Discord once a bot is in 100 servers). vitalitybot does
not ask for it by default, because nothing it does *needs* to know members it has not
met: commands, buttons and forms all arrive with the member who used them.

* **Default (no members intent):** the directory knows no one and returns an empty
  list. Rounds then report how many answered and skipped, without a rate ("4 members
  answered"), the participation-drop suggestion never fires (it needs a rate), and no
  DM reminders are sent. Nothing is guessed: a participation rate built on a wrong
  count would be worse than none, and a bot that DMs people who never chose to hear
  from it is a spam bot.
* **With ``vitalitybot run --members-intent``** (and the intent enabled in the portal):
  the eligible members are the server's human members who can see the community's
  channel, the people the round is actually addressed to. Rates, the participation
  suggestion and reminders (to those who have not answered, paused or opted out) work.
"""

from __future__ import annotations

import discord

from vitalitybot.domain.records import Community


class DiscordMemberDirectory:
    def __init__(self, client: discord.Client | None = None) -> None:
        self._client = client

    def bind(self, client: discord.Client) -> None:
        """Look members up through ``client`` from now on (the runner binds the bot it built)."""
        self._client = client

    async def eligible_members(self, community: Community) -> list[int]:
        client = self._client
        if client is None or not client.intents.members:
            return []
        guild = client.get_guild(community.guild_id)
        if guild is None:
            return []
        channel = guild.get_channel(community.channel_id) if community.channel_id else None
        return [
            member.id
            for member in guild.members
            if not member.bot and (channel is None or channel.permissions_for(member).view_channel)
        ]
