"""The check-in flow: "Reflect" opens a form with the round's prompts; sharing is a choice.

Discord's limits shape it. A modal holds at most five top-level components, and a
check-in asks up to five prompts (one paragraph input each, wrapped in a
``discord.ui.Label``: label <= 45 characters, placeholder <= 100, ``max_length`` =
``services.ANSWER_TEXT_MAX``). When the round asks fewer than five, the form's last
component is a select, "Share these in the harvest?" (discord.py 2.6+ puts selects in
modals through ``Label``). When all five places are taken, the reflections are saved
kept private, and the reply offers two buttons, "Share in the harvest" / "Keep private".
The reply always carries those buttons, so a member can change their mind until the
check-in closes. Private is the default: words leave a member only by their choice.

The form is answered statelessly, like the survey: its custom id names the round, each
input names its question, and an ``on_interaction`` listener handles the submission.
The modal object is never kept in discord.py's store (it is stopped before sending), so
a form opened before a restart still saves after it.
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Iterator, Mapping
from typing import Any

import discord

from vitalitybot.bot.base import bot_of
from vitalitybot.bot.checks import guild_id_of
from vitalitybot.bot.convert import NO_MENTIONS
from vitalitybot.bot.errors import guarded
from vitalitybot.bot.telemetry import count_answers
from vitalitybot.bot.views.common import static_view, submitted_form
from vitalitybot.bot.views.round_item import RoundItem
from vitalitybot.domain.records import AnswerInput, Question, QuestionKind
from vitalitybot.services import (
    ANSWER_TEXT_MAX,
    AnswerForm,
    InvalidAnswer,
    answer_form,
    my_answers,
    prompt_for,
    record_answers,
)

MODAL_TITLE = "Check-in: what are we learning?"
MODAL_ID = re.compile(r"vb:reflections:(?P<round_id>[0-9]+)")
QUESTION_ID = re.compile(r"vb:q:(?P<question_id>[0-9]+)")
SHARE_FIELD = "vb:share-choice"
SHARE, KEEP = "share", "private"
MODAL_COMPONENTS_MAX = 5


def prompt_questions(form: AnswerForm) -> list[Question]:
    return sorted(
        (q for q in form.questions if q.kind is QuestionKind.PROMPT), key=lambda q: q.position
    )


def shared_before(form: AnswerForm) -> bool:
    return any(a.shared for a in form.previous.values() if a.text)


def reflection_modal(form: AnswerForm) -> discord.ui.Modal:
    prompts = prompt_questions(form)[:MODAL_COMPONENTS_MAX]
    modal = discord.ui.Modal(
        title=MODAL_TITLE, custom_id=f"vb:reflections:{form.round.id}", timeout=None
    )
    for question in prompts:
        prompt = prompt_for(question)
        earlier = form.previous.get(question.id)
        modal.add_item(
            discord.ui.Label(
                text=prompt.label,
                component=discord.ui.TextInput(
                    style=discord.TextStyle.paragraph,
                    custom_id=f"vb:q:{question.id}",
                    placeholder=prompt.hint,
                    default=earlier.text if earlier is not None and earlier.text else None,
                    required=False,
                    max_length=ANSWER_TEXT_MAX,
                ),
            )
        )
    if len(prompts) < MODAL_COMPONENTS_MAX:
        share = shared_before(form)
        modal.add_item(
            discord.ui.Label(
                text="Share these in the harvest?",
                description="Shared words go, unsigned, into the digest posted at the close.",
                component=discord.ui.Select(
                    custom_id=SHARE_FIELD,
                    required=False,
                    options=[
                        discord.SelectOption(
                            label="Share them, unsigned", value=SHARE, default=share
                        ),
                        discord.SelectOption(
                            label="Keep them private", value=KEEP, default=not share
                        ),
                    ],
                ),
            )
        )
    modal.stop()  # answered by the listener, never by discord.py's modal store
    return modal


class ReflectButton(
    RoundItem,
    discord.ui.DynamicItem[discord.ui.Button[discord.ui.View]],
    template=r"vb:reflect:(?P<round_id>[0-9]+)",
):
    """On the check-in's post: opens the reflection form, filled with earlier answers."""

    def __init__(self, round_id: int) -> None:
        super().__init__(
            round_id,
            discord.ui.Button(
                label="Reflect",
                style=discord.ButtonStyle.primary,
                custom_id=f"vb:reflect:{round_id}",
            ),
        )

    def act(self, interaction: discord.Interaction) -> Awaitable[None]:
        return open_reflections(interaction, self.round_id)


class ShareButton(
    RoundItem,
    discord.ui.DynamicItem[discord.ui.Button[discord.ui.View]],
    template=r"vb:share:(?P<round_id>[0-9]+):(?P<share>[01])",
):
    """Share the member's reflections in the harvest, or keep them private."""

    def __init__(self, round_id: int, share: bool, *, current: bool | None = None) -> None:
        super().__init__(
            round_id,
            discord.ui.Button(
                label="Share in the harvest" if share else "Keep private",
                style=discord.ButtonStyle.success if share else discord.ButtonStyle.secondary,
                custom_id=f"vb:share:{round_id}:{int(share)}",
                disabled=current is share,
            ),
        )
        self.share = share

    @classmethod
    def arguments(cls, match: re.Match[str]) -> tuple[Any, ...]:
        return (int(match["round_id"]), match["share"] == "1")

    def act(self, interaction: discord.Interaction) -> Awaitable[None]:
        return set_sharing(interaction, self.round_id, self.share)


def share_view(round_id: int, shared: bool) -> discord.ui.View:
    return static_view(
        ShareButton(round_id, True, current=shared), ShareButton(round_id, False, current=shared)
    )


def share_text(count: int, shared: bool) -> str:
    words = f"{count} {'reflection' if count == 1 else 'reflections'}"
    if shared:
        return (
            f"Saved your {words}. **Shared**: they will appear, unsigned, in the harvest "
            "posted when the check-in closes. Changed your mind? Keep them private below."
        )
    return (
        f"Saved your {words}. **Kept private**: they stay out of the harvest. Would you "
        "like to share them, unsigned, in the digest the community keeps?"
    )


# -- what the components do ------------------------------------------------------------


async def open_reflections(interaction: discord.Interaction, round_id: int) -> None:
    form = await answer_form(
        bot_of(interaction).services, guild_id_of(interaction), round_id, interaction.user.id
    )
    await interaction.response.send_modal(reflection_modal(form))


async def on_reflections_submitted(interaction: discord.Interaction) -> None:
    """The ``on_interaction`` listener: picks out submissions of our reflection forms."""
    match = submitted_form(interaction, MODAL_ID)
    if match is None:
        return
    await guarded(interaction, save_reflections(interaction, int(match["round_id"])))


def submitted_values(data: Mapping[str, Any]) -> dict[str, Any]:
    """custom_id -> a text input's value or a select's values, however they are wrapped."""

    def walk(components: Any) -> Iterator[tuple[str, Any]]:
        for component in components or []:
            if component.get("type") == discord.ComponentType.action_row.value:
                yield from walk(component.get("components"))
            elif isinstance(component.get("component"), dict):
                yield from walk([component["component"]])
            elif "custom_id" in component:
                yield component["custom_id"], component.get("value", component.get("values"))

    return dict(walk(data.get("components")))


async def save_reflections(interaction: discord.Interaction, round_id: int) -> None:
    services = bot_of(interaction).services
    guild_id = guild_id_of(interaction)
    values = submitted_values(dict(interaction.data or {}))
    form = await answer_form(services, guild_id, round_id, interaction.user.id)
    choice = values.get(SHARE_FIELD)
    shared = choice == [SHARE] if choice else shared_before(form)
    answers = [
        AnswerInput(q.id, None, str(values.get(f"vb:q:{q.id}") or "") or None, shared)
        for q in prompt_questions(form)
        if f"vb:q:{q.id}" in values
    ]
    receipt = await record_answers(services, guild_id, round_id, interaction.user.id, answers)
    count_answers(interaction, receipt.saved)
    await interaction.response.send_message(
        share_text(receipt.saved, shared),
        view=share_view(round_id, shared),
        ephemeral=True,
        allowed_mentions=NO_MENTIONS,
    )


async def set_sharing(interaction: discord.Interaction, round_id: int, share: bool) -> None:
    services = bot_of(interaction).services
    guild_id = guild_id_of(interaction)
    written = [
        a for a in await my_answers(services, guild_id, round_id, interaction.user.id) if a.text
    ]
    if not written:
        raise InvalidAnswer("You have no reflections in this check-in yet: click Reflect first.")
    receipt = await record_answers(
        services,
        guild_id,
        round_id,
        interaction.user.id,
        [AnswerInput(a.question_id, None, a.text, share) for a in written],
    )
    await interaction.response.edit_message(
        content=share_text(receipt.saved, share),
        view=share_view(round_id, share),
        allowed_mentions=NO_MENTIONS,
    )
