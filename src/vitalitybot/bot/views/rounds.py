"""The buttons under a round's post, and the list of every dynamic item the bot handles."""

from __future__ import annotations

from typing import Any

import discord

from vitalitybot.bot.views.checkin import ReflectButton, ShareButton
from vitalitybot.bot.views.common import static_view
from vitalitybot.bot.views.skip import SkipButton
from vitalitybot.bot.views.survey import AnswerButton, PageButton, PickSelect, SubmitButton
from vitalitybot.domain.records import Round, RoundKind

DYNAMIC_ITEMS: tuple[type[discord.ui.DynamicItem[Any]], ...] = (
    AnswerButton,
    ReflectButton,
    SkipButton,
    PickSelect,
    PageButton,
    SubmitButton,
    ShareButton,
)


def round_view(round_: Round) -> discord.ui.View:
    """Reflect (check-in) or Answer (survey), and Skip: custom ids name the round."""
    first: discord.ui.Item[Any] = (
        ReflectButton(round_.id) if round_.kind is RoundKind.CHECKIN else AnswerButton(round_.id)
    )
    return static_view(first, SkipButton(round_.id))
