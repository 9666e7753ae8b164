"""The harvest: what a check-in leaves for the community to keep and pass on.

It is the "translation" step of the articulation loop made concrete: the reflections
members chose to share, grouped by prompt, unsigned, in Markdown a community can paste
into its wiki. Member text goes through ``md_escape`` in the template, so a reflection
can neither ping anyone (``@everyone`` is defused) nor forge a heading or a list.
The digest is stored at close and rebuilt when a member asks to be forgotten, so their
words leave the stored harvest too.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, replace

from jinja2 import Environment

from vitalitybot.domain.records import (
    Answer,
    Community,
    Harvest,
    Question,
    QuestionKind,
    Round,
)
from vitalitybot.render.compose import compose
from vitalitybot.render.message import Attachment, Message
from vitalitybot.services.app import Services, community_by_guild
from vitalitybot.services.errors import RoundNotFound, ServiceError
from vitalitybot.services.views import ParticipationView
from vitalitybot.storage import Repositories

TEMPLATE = "harvest_digest.md.j2"
_UNSAFE_FILENAME = re.compile(r"[^A-Za-z0-9-]+")


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

    The card follows the compose convention (title, one field per prompt) and is trimmed
    to Discord's limits; the attachment is never trimmed.
    """
    message = compose(harvest.markdown)
    return replace(
        message,
        files=(Attachment(harvest_filename(round_), harvest.markdown.encode("utf-8")),),
    )


def harvest_filename(round_: Round) -> str:
    return f"harvest-{_UNSAFE_FILENAME.sub('-', round_.period).strip('-')}.md"


async def latest_harvest(svc: Services, guild_id: int) -> Harvest | None:
    async with svc.repos() as repos:
        community = await community_by_guild(repos, guild_id)
        return await repos.outcomes.latest_harvest(community.id)


async def export_harvest_markdown(svc: Services, guild_id: int, round_id: int | None = None) -> str:
    """A harvest's Markdown: the given check-in's, or the latest one."""
    async with svc.repos() as repos:
        community = await community_by_guild(repos, guild_id)
        if round_id is None:
            harvest = await repos.outcomes.latest_harvest(community.id)
            if harvest is None:
                raise ServiceError(
                    "There is no harvest yet: one is made each time a check-in closes."
                )
            return harvest.markdown
        if await repos.rounds.get(community.id, round_id) is None:
            raise RoundNotFound()
        harvest = await repos.outcomes.get_harvest(community.id, round_id)
    if harvest is None:
        raise ServiceError("That round has no harvest: only closed check-ins have one.")
    return harvest.markdown
