"""A tiny discord.py bot that uses every interaction kind the loopback server supports.

The loopback tests use it (the product's bot is tested with its own code), and
benchmarks/fanout.py as the trivial bot to compare with; each handler notes what it
received in ``bot.seen`` so tests can assert the bot really got it.
"""

from __future__ import annotations

from typing import Any, Literal

import discord
from discord import app_commands
from discord.ext import commands

PATTERNS = ["Community Garden", "Commons Pool", "Gift Circle", "Open Books"]


class VoteView(discord.ui.View):
    """Persistent: fixed custom_ids and no timeout, so clicks work after a restart too."""

    def __init__(self, bot: SampleBot) -> None:
        super().__init__(timeout=None)
        self.bot = bot

    @discord.ui.button(label="Yes", custom_id="vote:yes", style=discord.ButtonStyle.success)
    async def yes(self, interaction: discord.Interaction, button: discord.ui.Button[Any]) -> None:
        self.bot.seen.append(("vote", {"user": interaction.user.id, "choice": "yes"}))
        await interaction.response.edit_message(
            content=f"{interaction.user.name} voted yes", view=self
        )

    @discord.ui.button(label="Close", custom_id="vote:close", style=discord.ButtonStyle.danger)
    async def close(self, interaction: discord.Interaction, button: discord.ui.Button[Any]) -> None:
        await interaction.response.defer()
        await interaction.edit_original_response(content="voting closed", view=None)

    @discord.ui.select(
        custom_id="vote:mood",
        placeholder="Mood",
        options=[discord.SelectOption(label=m, value=m) for m in ("thriving", "tired", "lost")],
        max_values=2,
    )
    async def mood(self, interaction: discord.Interaction, select: discord.ui.Select[Any]) -> None:
        self.bot.seen.append(("mood", {"values": list(select.values)}))
        await interaction.response.send_message(f"mood: {', '.join(select.values)}", ephemeral=True)


class PickView(discord.ui.View):
    """Entity selects: Discord sends ids plus resolved channels and roles."""

    def __init__(self, bot: SampleBot) -> None:
        super().__init__(timeout=60)
        self.bot = bot

    @discord.ui.select(cls=discord.ui.ChannelSelect, custom_id="pick:channel")
    async def channel(
        self, interaction: discord.Interaction, select: discord.ui.ChannelSelect[Any]
    ) -> None:
        picked = select.values[0]
        self.bot.seen.append(("pick", {"channel": picked.id, "name": picked.name}))
        await interaction.response.send_message(f"picked {picked.mention}")


class FeedbackModal(discord.ui.Modal, title="Feedback"):
    def __init__(self, bot: SampleBot) -> None:
        super().__init__(custom_id="feedback")
        self.bot = bot
        self.text: discord.ui.TextInput[Any] = discord.ui.TextInput(
            label="What is alive?", custom_id="feedback:text", style=discord.TextStyle.paragraph
        )
        self.name: discord.ui.TextInput[Any] = discord.ui.TextInput(
            label="Name", custom_id="feedback:name", required=False
        )
        self.add_item(self.text)
        self.add_item(self.name)

    async def on_submit(self, interaction: discord.Interaction) -> None:
        self.bot.seen.append(("feedback", {"text": self.text.value, "name": self.name.value}))
        await interaction.response.send_message("thanks for the feedback")


class SampleBot(commands.Bot):
    def __init__(self, *, intents: discord.Intents | None = None, sync: bool = True) -> None:
        super().__init__(command_prefix="!", intents=intents or discord.Intents.default())
        self.sync_on_start = sync
        self.seen: list[tuple[str, dict[str, Any]]] = []
        self.messages_seen: list[discord.Message] = []
        self._define_commands()

    def seen_by(self, name: str) -> list[dict[str, Any]]:
        return [values for handler, values in self.seen if handler == name]

    async def before_identify_hook(self, shard_id: int | None, *, initial: bool = False) -> None:
        """discord.py sleeps 5 s before every IDENTIFY after the first; nothing to pace here."""

    async def setup_hook(self) -> None:
        self.add_view(VoteView(self))
        if self.sync_on_start:
            await self.tree.sync()

    async def on_message(self, message: discord.Message) -> None:
        if message.author.id != self.user.id:  # type: ignore[union-attr]
            self.messages_seen.append(message)

    def _define_commands(self) -> None:
        tree = self.tree

        @tree.command(name="ping", description="Answer with pong")
        async def ping(interaction: discord.Interaction, word: str) -> None:
            self.seen.append(("ping", {"word": word}))
            await interaction.response.send_message(f"pong {word}")

        @tree.command(name="secret", description="Answer only to the caller")
        async def secret(interaction: discord.Interaction) -> None:
            await interaction.response.send_message("only you can see this", ephemeral=True)

        @tree.command(name="slow", description="Defer, then follow up")
        async def slow(interaction: discord.Interaction) -> None:
            await interaction.response.defer(thinking=True)
            await interaction.followup.send("first result")
            await interaction.followup.send("second result")
            await interaction.edit_original_response(content="first result (edited)")

        @tree.command(name="vote", description="Post a vote")
        async def vote(interaction: discord.Interaction) -> None:
            await interaction.response.send_message("Vote!", view=VoteView(self))

        @tree.command(name="pick", description="Pick a channel")
        async def pick(interaction: discord.Interaction) -> None:
            await interaction.response.send_message("where?", view=PickView(self))

        @tree.command(name="tidy", description="Answer, then clean up")
        async def tidy(interaction: discord.Interaction) -> None:
            await interaction.response.send_message("temporary")
            fetched = await interaction.original_response()
            note = await interaction.followup.send("note", wait=True)
            await note.edit(content="note (edited)")
            await interaction.delete_original_response()
            self.seen.append(("tidy", {"fetched": fetched.content}))

        @tree.command(name="remind", description="Post a reminder in a channel")
        async def remind(interaction: discord.Interaction, channel: discord.TextChannel) -> None:
            await interaction.response.send_message("scheduled", ephemeral=True)
            await channel.send("Reminder: the monthly check-in is open")

        @tree.command(name="feedback", description="Open a feedback form")
        async def feedback(interaction: discord.Interaction) -> None:
            await interaction.response.send_modal(FeedbackModal(self))

        vitality = app_commands.Group(name="vitality", description="Vitality checks")
        pattern = app_commands.Group(name="pattern", description="Patterns", parent=vitality)

        @vitality.command(name="setup", description="Set up check-ins")
        async def setup(
            interaction: discord.Interaction,
            channel: discord.TextChannel,
            role: discord.Role,
            cadence: Literal["monthly", "weekly"],
            members: app_commands.Range[int, 1, 500] = 5,
        ) -> None:
            self.seen.append(
                (
                    "setup",
                    {
                        "channel": channel.id,
                        "channel_name": channel.name,
                        "role": role.id,
                        "cadence": cadence,
                        "members": members,
                        "can_manage": interaction.permissions.manage_guild,
                        "bot_can_send": interaction.app_permissions.send_messages,
                    },
                )
            )
            await interaction.response.send_message(
                f"check-ins every {cadence} in {channel.mention}"
            )

        @pattern.command(name="show", description="Show a pattern")
        async def show(interaction: discord.Interaction, name: str) -> None:
            await interaction.response.send_message(f"pattern: {name}")

        @show.autocomplete("name")
        async def show_names(
            interaction: discord.Interaction, current: str
        ) -> list[app_commands.Choice[str]]:
            wanted = current.lower()
            return [app_commands.Choice(name=p, value=p) for p in PATTERNS if wanted in p.lower()]

        tree.add_command(vitality)
