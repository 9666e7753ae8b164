"""What every persistent component acting on one round shares.

Each button and select members click is a ``discord.ui.DynamicItem``: discord.py
rebuilds it from its custom id (``from_custom_id``) whichever process receives the
click, and the custom id always names the round in a ``round_id`` group. ``RoundItem``
holds that rebuilding, the ``round_id`` attribute and the ``guarded`` callback once; a
component lists it before ``DynamicItem`` in its bases (discord.py still wants each
class's own ``template=``) and says what a click does in ``act``.
"""

from __future__ import annotations

import re
from collections.abc import Awaitable
from typing import Any, Self

import discord

from vitalitybot.bot.errors import guarded


class RoundItem:
    """Mixin for a round's DynamicItem: ``RoundItem`` first, then ``DynamicItem[...]``."""

    round_id: int

    def __init__(
        self, round_id: int, item: discord.ui.Item[Any], *, row: int | None = None
    ) -> None:
        # DynamicItem's __init__ comes next in every subclass's MRO; object's, as mypy
        # sees this class alone, takes no arguments.
        super().__init__(item, row=row)  # type: ignore[call-arg]
        self.round_id = round_id

    @classmethod
    def arguments(cls, match: re.Match[str]) -> tuple[Any, ...]:
        """The constructor's arguments read back from the custom id: the round alone here."""
        return (int(match["round_id"]),)

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Item[Any], match: re.Match[str], /
    ) -> Self:
        return cls(*cls.arguments(match))

    async def callback(self, interaction: discord.Interaction) -> None:
        await guarded(interaction, self.act(interaction))

    def act(self, interaction: discord.Interaction) -> Awaitable[None]:
        """What a click does; errors are reported to the member by ``guarded``."""
        raise NotImplementedError
