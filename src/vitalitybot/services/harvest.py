"""The harvest: what a check-in leaves for the community to keep and pass on.

It is the "translation" step of the articulation loop made concrete: the reflections
members chose to share, grouped by prompt, unsigned, in Markdown a community can paste
into its wiki. Member text goes through ``md_escape`` in the template, so a reflection
can neither ping anyone (``@everyone`` is defused) nor forge a heading or a list.
The digest is stored at close, in that form, because the post is composed from it; it is
rebuilt when a member asks to be forgotten, so their words leave the stored harvest too.

The file a community keeps is the same digest with the escaping undone
(``harvest_document``): a file pings no one, and a wiki should get members' words as
they wrote them, not with zero-width spaces and backslashes inside. It has one name,
made from the round's label, wherever it is handed out (``harvest_attachment``).

A prompt with more shared words than a Discord field holds shows the reflections that
fit, whole, and says how many more are in the attached file (``_fit_reflections``).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, replace

from jinja2 import Environment

from vitalitybot.domain.labels import round_label
from vitalitybot.domain.records import (
    Answer,
    Community,
    Harvest,
    Question,
    QuestionKind,
    Round,
)
from vitalitybot.render.compose import compose_unfitted
from vitalitybot.render.inert import undo_inert
from vitalitybot.render.message import (
    EMBED_TOTAL_MAX,
    FIELD_VALUE_MAX,
    Attachment,
    Embed,
    EmbedField,
    Message,
    trim,
)
from vitalitybot.render.words import plural
from vitalitybot.services.app import Services, community_by_id
from vitalitybot.services.errors import RoundNotFound, ServiceError
from vitalitybot.services.views import ParticipationView
from vitalitybot.storage import Repositories

TEMPLATE = "harvest_digest.md.j2"
NO_HARVEST_YET = "There is no harvest yet: one is made each time a check-in closes."
_UNSAFE_FILENAME = re.compile(r"[^A-Za-z0-9-]+")
_ITEM_START = re.compile(r"\n(?=- )")  # a reflection starts a list item at a line's start


@dataclass(frozen=True, slots=True)
class ReflectionGroup:
    prompt: str  # the check-in question as members read it
    reflections: tuple[str, ...]  # shared answers, as written (escaped by the template)


def reflection_groups(
    questions: Sequence[Question], answers: Sequence[Answer]
) -> list[ReflectionGroup]:
    """Shared, non-empty reflections per prompt, in prompt order; prompts without any left out.

    Within a prompt the reflections are sorted by their words: the order in which they
    were given (or stored) would tell anyone who saw a member say "done!" in the chat
    which reflection is theirs, and sorting is stable across rebuilds of the digest.
    """
    by_question: dict[int, list[str]] = {}
    for answer in answers:
        if answer.shared and answer.text and answer.text.strip():
            by_question.setdefault(answer.question_id, []).append(answer.text.strip())
    groups: list[ReflectionGroup] = []
    for question in sorted(questions, key=lambda q: q.position):
        if question.kind is not QuestionKind.PROMPT or question.id not in by_question:
            continue
        chosen = sorted(by_question[question.id], key=lambda text: (text.casefold(), text))
        groups.append(ReflectionGroup(question.text, tuple(chosen)))
    return groups


def build_harvest_markdown(
    env: Environment,
    community: Community,
    round_: Round,
    questions: Sequence[Question],
    answers: Sequence[Answer],
    participation: ParticipationView,
) -> str:
    text = env.get_template(TEMPLATE).render(
        community=community,
        round=round_,
        participation=participation,
        groups=reflection_groups(questions, answers),
    )
    return re.sub(r"\n{3,}", "\n\n", text).strip() + "\n"


async def store_harvest(
    svc: Services,
    repos: Repositories,
    community: Community,
    round_: Round,
    participation: ParticipationView,
) -> Harvest:
    """Build the round's digest from the stored answers and save it (replacing any earlier)."""
    questions = await repos.rounds.list_questions(community.id, round_.id)
    answers = await repos.answers.list_answers(community.id, round_.id)
    markdown = build_harvest_markdown(svc.env, community, round_, questions, answers, participation)
    return await repos.outcomes.save_harvest(
        community.id,
        round_.id,
        participants=participation.respondents,
        markdown=markdown,
        at=svc.now(),
    )


def harvest_message(harvest: Harvest, round_: Round) -> Message:
    """The digest as a post, with the full Markdown attached for keeping.

    The card follows the compose convention (title, one field per prompt) and fits
    Discord's limits by whole reflections, saying how many more the file holds; the
    attachment is never trimmed.
    """
    message = compose_unfitted(harvest.markdown)
    if message.embeds:
        first, *others = message.embeds
        message = replace(message, embeds=(_fit_reflections(first), *others))
    return replace(message.fit(), files=(harvest_attachment(harvest, round_),))


def harvest_document(harvest: Harvest) -> str:
    """The digest as the file a community keeps: members' words as they wrote them."""
    return undo_inert(harvest.markdown)


def harvest_attachment(harvest: Harvest, round_: Round) -> Attachment:
    return Attachment(harvest_filename(round_), harvest_document(harvest).encode("utf-8"))


def harvest_filename(round_: Round) -> str:
    """ "harvest-2026-01-06.md": the one name of a check-in's harvest file."""
    return f"harvest-{_UNSAFE_FILENAME.sub('-', round_label(round_)).strip('-')}.md"


async def latest_harvest(svc: Services, community_id: int) -> Harvest | None:
    async with svc.repos() as repos:
        community = await community_by_id(repos, community_id)
        return await repos.outcomes.latest_harvest(community.id)


@dataclass(frozen=True, slots=True)
class HarvestFile:
    harvest: Harvest
    file: Attachment  # the document, under its one name

    @property
    def text(self) -> str:
        return self.file.data.decode("utf-8")


async def harvest_file(
    svc: Services, community_id: int, round_id: int | None = None
) -> HarvestFile:
    """A harvest's file: the given check-in's, or the latest one (``harvest_document``)."""
    async with svc.repos() as repos:
        community = await community_by_id(repos, community_id)
        if round_id is None:
            latest = await repos.outcomes.latest_harvest(community.id)
            if latest is None:
                raise ServiceError(NO_HARVEST_YET)
            round_id = latest.round_id
        round_ = await repos.rounds.get(community.id, round_id)
        if round_ is None:
            raise RoundNotFound()
        harvest = await repos.outcomes.get_harvest(community.id, round_id)
    if harvest is None:
        raise ServiceError("That round has no harvest: only closed check-ins have one.")
    return HarvestFile(harvest, harvest_attachment(harvest, round_))


async def export_harvest_markdown(
    svc: Services, community_id: int, round_id: int | None = None
) -> str:
    """A harvest's file as text: the given check-in's, or the latest one."""
    return (await harvest_file(svc, community_id, round_id)).text


def _fit_reflections(embed: Embed) -> Embed:
    """The card with each prompt's reflections cut to what fits, whole where they can be.

    Each field gets an even share of what the card may hold; the reflections that fit
    are kept, the first one trimmed if even it does not, and a last line says how many
    more the attached file has.
    """
    if not embed.fields:
        return embed
    fixed = len(embed.title) + len(embed.description) + len(embed.footer)
    fixed += sum(len(f.name) for f in embed.fields)
    share = max((EMBED_TOTAL_MAX - fixed) // len(embed.fields), 0)
    budget = min(FIELD_VALUE_MAX, share)
    fields = tuple(EmbedField(f.name, _fit_items(f.value, budget), f.inline) for f in embed.fields)
    return replace(embed, fields=fields)


def _fit_items(value: str, budget: int) -> str:
    """A prompt's reflections within ``budget`` characters, with a note on what is left."""
    if len(value) <= budget:
        return value
    items = [item for item in _ITEM_START.split(value) if item.strip()]
    for count in range(len(items) - 1, 0, -1):
        shown = "\n".join(items[:count]).rstrip()
        note = _more_note(len(items) - count)
        if len(shown) + 1 + len(note) <= budget:
            return f"{shown}\n{note}"
    note = _more_note(len(items) - 1, first_cut=True)
    return f"{trim(items[0], max(budget - len(note) - 1, 0))}\n{note}"


def _more_note(more: int, *, first_cut: bool = False) -> str:
    """The line under a cut prompt: how many reflections the card leaves out, and where."""
    if not first_cut:
        return f"*…and {plural(more, 'more reflection')}: the full text is in the attached file.*"
    if more == 0:
        return "*The rest of this reflection is in the attached file.*"
    return f"*The rest of this reflection, and {more} more, are in the attached file.*"
