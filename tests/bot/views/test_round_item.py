"""Buttons and selects already posted keep working: custom ids rebuild their component.

A round's post, and a member's half-answered survey page, outlive the process that
sent them; a click on them after an upgrade arrives with the custom id written then.
These ids are spelt out here as posts carry them, so a change of format fails here.
"""

from __future__ import annotations

from typing import Any

import discord
import pytest

from vitalitybot.bot.views.checkin import ShareButton
from vitalitybot.bot.views.round_item import RoundItem
from vitalitybot.bot.views.rounds import DYNAMIC_ITEMS
from vitalitybot.bot.views.survey import PageButton, PickSelect, SubmitButton

POSTED = {
    "vb:reflect:41": ("ReflectButton", {}),
    "vb:answer:41": ("AnswerButton", {}),
    "vb:skip:41": ("SkipButton", {}),
    "vb:share:41:1": ("ShareButton", {"share": True}),
    "vb:share:41:0": ("ShareButton", {"share": False}),
    "vb:pick:41:5:30250": ("PickSelect", {"index": 5, "state": "30250"}),
    "vb:page:41:1:3025": ("PageButton", {"page": 1, "state": "3025"}),
    "vb:submit:41:": ("SubmitButton", {"state": ""}),
}


async def rebuilt(custom_id: str) -> discord.ui.DynamicItem[Any]:
    """What discord.py's dispatch does with a click: the one class whose template matches."""
    matches = [
        (cls, match)
        for cls in DYNAMIC_ITEMS
        if (match := cls.__discord_ui_compiled_template__.fullmatch(custom_id)) is not None
    ]
    assert len(matches) == 1, f"{custom_id!r} matches {[c.__name__ for c, _ in matches]}"
    cls, match = matches[0]
    placeholder: Any = None  # the rebuilding reads the custom id alone
    return await cls.from_custom_id(placeholder, placeholder, match)


@pytest.mark.parametrize("custom_id", sorted(POSTED))
async def test_a_posted_custom_id_rebuilds_its_component_for_its_round(custom_id: str) -> None:
    name, attributes = POSTED[custom_id]
    item = await rebuilt(custom_id)
    assert type(item).__name__ == name
    assert item.custom_id == custom_id
    assert isinstance(item, RoundItem)
    assert item.round_id == 41
    for attribute, value in attributes.items():
        assert getattr(item, attribute) == value


def test_components_built_now_carry_the_ids_posts_already_carry() -> None:
    built = [
        ShareButton(41, True),
        ShareButton(41, False),
        PickSelect(41, 5, "30250"),
        PageButton(41, 1, "3025"),
        SubmitButton(41, ""),
    ]
    assert [b.custom_id for b in built] == [
        "vb:share:41:1",
        "vb:share:41:0",
        "vb:pick:41:5:30250",
        "vb:page:41:1:3025",
        "vb:submit:41:",
    ]
