"""The components under ``/vitality commitments``: mark an open commitment done or dropped.

With a few open commitments, each gets its own pair of buttons; with more, a select picks
one and the list is shown again with that one's buttons. Every component is a
``DynamicItem`` carrying the commitment's id (or nothing, for the select), and every
click reads the list back from the database and repaints it, so a list shown before a
restart, or before someone else changed a commitment, still works and shows what is true
now. Each click passes the coordinator check again: a custom id is never a permission.
"""

from __future__ import annotations

import re
from typing import Any, Self

import discord

from vitalitybot.bot import commitment_replies
from vitalitybot.bot.base import bot_of
from vitalitybot.bot.checks import guild_id_of, require_coordinator
from vitalitybot.bot.convert import send_kwargs
from vitalitybot.bot.errors import guarded
from vitalitybot.bot.views.common import static_view
from vitalitybot.domain.records import CommitmentStatus, Community
from vitalitybot.render.message import trim
from vitalitybot.services.commitments import (
    CommitmentsOverview,
    commitment_community,
    overview,
    set_status,
)

FEW = 3  # open commitments shown with their own buttons; more are picked from a select
OPTION_LABEL_MAX = 100
STATUS_LABELS = {CommitmentStatus.DONE: "done", CommitmentStatus.DROPPED: "dropped"}


class StatusButton(
    discord.ui.DynamicItem[discord.ui.Button[discord.ui.View]],
    template=r"vb:cmt:(?P<commitment_id>[0-9]+):(?P<status>done|dropped)",
):
    """Mark one commitment done or dropped."""

    def __init__(
        self,
        commitment_id: int,
        status: CommitmentStatus,
        number: int = 0,
        *,
        row: int | None = None,
    ) -> None:
        done = status is CommitmentStatus.DONE
        label = "Done" if done else "Dropped"
        super().__init__(
            discord.ui.Button(
                label=f"{number}. {label}" if number else label,
                style=discord.ButtonStyle.success if done else discord.ButtonStyle.secondary,
                custom_id=f"vb:cmt:{commitment_id}:{status.value}",
            ),
            row=row,
        )
        self.commitment_id = commitment_id
        self.status = status

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Item[Any], match: re.Match[str], /
    ) -> Self:
        return cls(int(match["commitment_id"]), CommitmentStatus(match["status"]))

    async def callback(self, interaction: discord.Interaction) -> None:
        await guarded(interaction, mark(interaction, self.commitment_id, self.status))


class CommitmentPick(
    discord.ui.DynamicItem[discord.ui.Select[discord.ui.View]],
    template=r"vb:cmt-pick",
):
    """Pick which open commitment to mark, when there are too many for buttons."""

    def __init__(self, choices: list[tuple[int, str]] | None = None, picked: int = 0) -> None:
        options = [
            discord.SelectOption(label=label, value=str(ident), default=ident == picked)
            for ident, label in choices or [(0, "-")]  # a placeholder when rebuilt for a click
        ]
        super().__init__(
            discord.ui.Select(
                custom_id="vb:cmt-pick",
                placeholder="Pick a commitment to mark done or dropped",
                options=options,
            )
        )

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Item[Any], match: re.Match[str], /
    ) -> Self:
        return cls()

    async def callback(self, interaction: discord.Interaction) -> None:
        await guarded(interaction, self._picked(interaction))

    async def _picked(self, interaction: discord.Interaction) -> None:
        # Every option is a commitment of the listed community: the one picked names it.
        values = self.item.values
        picked = int(values[0]) if values else 0
        community = await coordinated(interaction, picked)
        await repaint(interaction, community, picked=picked)


def commitments_view(found: CommitmentsOverview, picked: int = 0) -> discord.ui.View | None:
    """Buttons for the open commitments, or a select and the picked one's buttons."""
    open_ = [
        (number, v.commitment.id, v.commitment.text)
        for number, v in enumerate(found.views, start=1)
        if v.commitment.is_open
    ]
    if not open_:
        return None
    items: list[discord.ui.Item[Any]] = []
    if len(open_) <= FEW:  # one row per commitment: its pair side by side
        for row, (number, ident, _) in enumerate(open_):
            items += [
                StatusButton(ident, CommitmentStatus.DONE, number, row=row),
                StatusButton(ident, CommitmentStatus.DROPPED, number, row=row),
            ]
        return static_view(*items)
    choices = [
        (ident, trim(f"{number}. {words}", OPTION_LABEL_MAX)) for number, ident, words in open_
    ]
    items.append(CommitmentPick(choices, picked))
    if picked in {ident for _, ident, _ in open_}:
        items += [
            StatusButton(picked, CommitmentStatus.DONE),
            StatusButton(picked, CommitmentStatus.DROPPED),
        ]
    return static_view(*items)


async def mark(
    interaction: discord.Interaction, commitment_id: int, status: CommitmentStatus
) -> None:
    community = await coordinated(interaction, commitment_id)
    changed = await set_status(bot_of(interaction).services, community.id, commitment_id, status)
    await repaint(
        interaction, community, note=commitment_replies.marked(changed.text, STATUS_LABELS[status])
    )


async def coordinated(interaction: discord.Interaction, commitment_id: int) -> Community:
    """The community of the commitment clicked, if the member coordinates it."""
    services = bot_of(interaction).services
    community = await commitment_community(services, guild_id_of(interaction), commitment_id)
    return require_coordinator(interaction, community)


async def repaint(
    interaction: discord.Interaction, community: Community, *, note: str = "", picked: int = 0
) -> None:
    """Show the list as it is now in place of the one clicked."""
    found = await overview(bot_of(interaction).services, community.id)
    kwargs = send_kwargs(commitment_replies.commitments_listed(found, note))
    kwargs.setdefault("content", None)
    await interaction.response.edit_message(**kwargs, view=commitments_view(found, picked))
