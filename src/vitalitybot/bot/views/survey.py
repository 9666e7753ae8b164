"""The survey flow: "Answer" opens a private page of select menus, one per question.

A message holds five rows of components, so a page shows four questions (one select
each) and a row of buttons: Back, Next, Submit and Skip. The answers picked so far travel
in the components' custom ids as one digit per question ("0" for blank): each pick
repaints the page with the new state, and Submit hands the whole state to the
services. Nothing is kept in memory between clicks, so a restart or a dropped gateway
connection in the middle of the flow loses nothing, and two members answering at once
never share anything.

Answering again starts from the member's stored answers (pre-selected), and the
submission replaces them; a question left blank clears its earlier answer, as the
services define it.
"""

from __future__ import annotations

import math
import re
from collections.abc import Awaitable, Sequence
from typing import Any

import discord

from vitalitybot.bot.base import bot_of
from vitalitybot.bot.checks import guild_id_of
from vitalitybot.bot.convert import EMBED_COLOUR, NO_MENTIONS
from vitalitybot.bot.telemetry import count_answers
from vitalitybot.bot.views.common import page_turn, static_view
from vitalitybot.bot.views.round_item import RoundItem
from vitalitybot.bot.views.skip import SkipButton
from vitalitybot.domain import scale
from vitalitybot.domain.records import AnswerInput, Question, QuestionKind, RespondentStatus
from vitalitybot.render.environment import oneline
from vitalitybot.render.inert import inert
from vitalitybot.render.message import trim
from vitalitybot.services import AnswerForm, answer_form, record_answers

PER_PAGE = 4  # four selects and a row of buttons: Discord's five rows
PLACEHOLDER_MAX = 150
_STATE = r"(?P<state>[0-5]*)"


def rating_questions(form: AnswerForm) -> list[Question]:
    return sorted(
        (q for q in form.questions if q.kind is not QuestionKind.PROMPT), key=lambda q: q.position
    )


def encode(values: Sequence[int]) -> str:
    return "".join(str(v) for v in values)


def decode(state: str, count: int) -> list[int]:
    """The picked values, one per question; padded with blanks if the round changed shape."""
    values = [int(c) for c in state[:count]]
    return values + [0] * (count - len(values))


def stored_values(form: AnswerForm, questions: Sequence[Question]) -> list[int]:
    return [(form.previous[q.id].value or 0) if q.id in form.previous else 0 for q in questions]


# -- the page --------------------------------------------------------------------------


def page_count(questions: Sequence[Question]) -> int:
    return max(1, math.ceil(len(questions) / PER_PAGE))


def render_page(
    form: AnswerForm, questions: Sequence[Question], values: Sequence[int], page: int
) -> tuple[discord.Embed, discord.ui.View]:
    pages = page_count(questions)
    page = min(max(page, 0), pages - 1)
    start = page * PER_PAGE
    shown = list(questions[start : start + PER_PAGE])
    state = encode(values)
    round_id = form.round.id
    lines = []
    for offset, question in enumerate(shown):
        value = values[start + offset]
        picked = f" · *{scale.word(value)}*" if value else ""
        lines.append(f"**{question.position}.** {inert(oneline(question.text))}{picked}")
    scale_text = " · ".join(f"{p.value} {p.word}" for p in scale.SCALE)
    totals = f"only totals are shown, once at least {form.round.min_respondents} have answered."
    privacy = f"Stored without your name; {totals}" if form.round.anonymous else totals.capitalize()
    embed = discord.Embed(
        title=f"Survey · page {page + 1} of {pages}",
        description="How often have you noticed each of these lately?\n\n" + "\n".join(lines),
        colour=EMBED_COLOUR,
    )
    embed.set_footer(text=f"{scale_text}. Leave any blank. {privacy}")
    items: list[discord.ui.Item[Any]] = [
        PickSelect(
            round_id,
            start + offset,
            state,
            placeholder=trim(f"{question.position}. {oneline(question.text)}", PLACEHOLDER_MAX),
            value=values[start + offset],
            row=offset,
        )
        for offset, question in enumerate(shown)
    ]
    if page > 0:
        items.append(PageButton(round_id, page - 1, state, label="Back"))
    if page < pages - 1:
        items.append(PageButton(round_id, page + 1, state, label="Next"))
    answered = sum(1 for v in values if v)
    items.append(SubmitButton(round_id, state, label=f"Submit ({answered} of {len(values)})"))
    if form.status is not RespondentStatus.ANSWERED:
        items.append(SkipButton(round_id, row=4))
    return embed, static_view(*items)


# -- the components --------------------------------------------------------------------


class AnswerButton(
    RoundItem,
    discord.ui.DynamicItem[discord.ui.Button[discord.ui.View]],
    template=r"vb:answer:(?P<round_id>[0-9]+)",
):
    """On the survey's post: opens the member's private answering page."""

    def __init__(self, round_id: int) -> None:
        super().__init__(
            round_id,
            discord.ui.Button(
                label="Answer", style=discord.ButtonStyle.primary, custom_id=f"vb:answer:{round_id}"
            ),
        )

    def act(self, interaction: discord.Interaction) -> Awaitable[None]:
        return open_survey(interaction, self.round_id)


class PickSelect(
    RoundItem,
    discord.ui.DynamicItem[discord.ui.Select[discord.ui.View]],
    template=r"vb:pick:(?P<round_id>[0-9]+):(?P<index>[0-9]+):" + _STATE,
):
    """One question's 1-5 menu; picking (or clearing) repaints the page with the new state."""

    def __init__(
        self,
        round_id: int,
        index: int,
        state: str,
        *,
        placeholder: str | None = None,
        value: int = 0,
        row: int | None = None,
    ) -> None:
        super().__init__(
            round_id,
            discord.ui.Select(
                custom_id=f"vb:pick:{round_id}:{index}:{state}",
                placeholder=placeholder,
                min_values=0,
                max_values=1,
                options=[
                    discord.SelectOption(
                        label=f"{p.value} · {p.word}", value=str(p.value), default=p.value == value
                    )
                    for p in scale.SCALE
                ],
            ),
            row=row,
        )
        self.index = index
        self.state = state

    @classmethod
    def arguments(cls, match: re.Match[str]) -> tuple[Any, ...]:
        return (int(match["round_id"]), int(match["index"]), match["state"])

    def act(self, interaction: discord.Interaction) -> Awaitable[None]:
        picked = self.item.values
        return repaint(
            interaction,
            self.round_id,
            self.state,
            page=self.index // PER_PAGE,
            change=(self.index, int(picked[0]) if picked else 0),
        )


class PageButton(
    RoundItem,
    discord.ui.DynamicItem[discord.ui.Button[discord.ui.View]],
    template=r"vb:page:(?P<round_id>[0-9]+):(?P<page>[0-9]+):" + _STATE,
):
    def __init__(self, round_id: int, page: int, state: str, *, label: str = "Next") -> None:
        super().__init__(
            round_id,
            discord.ui.Button(
                label=label,
                style=discord.ButtonStyle.secondary,
                custom_id=f"vb:page:{round_id}:{page}:{state}",
            ),
            row=4,
        )
        self.page = page
        self.state = state

    @classmethod
    def arguments(cls, match: re.Match[str]) -> tuple[Any, ...]:
        return (int(match["round_id"]), int(match["page"]), match["state"])

    def act(self, interaction: discord.Interaction) -> Awaitable[None]:
        return repaint(interaction, self.round_id, self.state, page=self.page)


class SubmitButton(
    RoundItem,
    discord.ui.DynamicItem[discord.ui.Button[discord.ui.View]],
    template=r"vb:submit:(?P<round_id>[0-9]+):" + _STATE,
):
    def __init__(self, round_id: int, state: str, *, label: str = "Submit") -> None:
        super().__init__(
            round_id,
            discord.ui.Button(
                label=label,
                style=discord.ButtonStyle.success,
                custom_id=f"vb:submit:{round_id}:{state}",
            ),
            row=4,
        )
        self.state = state

    @classmethod
    def arguments(cls, match: re.Match[str]) -> tuple[Any, ...]:
        return (int(match["round_id"]), match["state"])

    def act(self, interaction: discord.Interaction) -> Awaitable[None]:
        return submit(interaction, self.round_id, self.state)


# -- what the components do ------------------------------------------------------------


async def open_survey(interaction: discord.Interaction, round_id: int) -> None:
    """Acknowledge the click first, then build the page from the database.

    A round's post brings many members at once, and the bot answers their clicks one
    after the other: reading the form before answering would make the last members of a
    crowd wait for everyone else's reads before any sign of life, and Discord gives up
    on an interaction after 3 s. The private "thinking" reply goes out at once; the page
    replaces it as soon as one of the page turns (common.py) is free.
    """
    await interaction.response.defer(ephemeral=True, thinking=True)
    async with page_turn(interaction):
        form = await answer_form(
            bot_of(interaction).services, guild_id_of(interaction), round_id, interaction.user.id
        )
        questions = rating_questions(form)
        embed, view = render_page(form, questions, stored_values(form, questions), 0)
        await interaction.followup.send(
            embed=embed, view=view, ephemeral=True, allowed_mentions=NO_MENTIONS
        )


async def repaint(
    interaction: discord.Interaction,
    round_id: int,
    state: str,
    *,
    page: int,
    change: tuple[int, int] | None = None,
) -> None:
    form = await answer_form(
        bot_of(interaction).services, guild_id_of(interaction), round_id, interaction.user.id
    )
    questions = rating_questions(form)
    values = decode(state, len(questions))
    if change is not None and 0 <= change[0] < len(values) and 0 <= change[1] <= scale.MAX:
        values[change[0]] = change[1]
    embed, view = render_page(form, questions, values, page)
    await interaction.response.edit_message(
        content=None, embed=embed, view=view, allowed_mentions=NO_MENTIONS
    )


async def submit(interaction: discord.Interaction, round_id: int, state: str) -> None:
    services = bot_of(interaction).services
    guild_id = guild_id_of(interaction)
    form = await answer_form(services, guild_id, round_id, interaction.user.id)
    questions = rating_questions(form)
    values = decode(state, len(questions))
    answers = [AnswerInput(q.id, value or None) for q, value in zip(questions, values, strict=True)]
    receipt = await record_answers(services, guild_id, round_id, interaction.user.id, answers)
    count_answers(interaction, receipt.saved)
    saved = f"{receipt.saved} {'answer' if receipt.saved == 1 else 'answers'}"
    again = " They replace your earlier ones." if receipt.replaced else ""
    text = (
        f"Thank you: {saved} saved.{again} Only totals are shared, and only once enough "
        "people have answered. To change them before the survey closes, click Answer again."
    )
    await interaction.response.edit_message(
        content=text, embed=None, view=None, allowed_mentions=NO_MENTIONS
    )
