"""Steps the service tests share: adopting, answering, reading tables directly."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import text

from vitalitybot.domain.records import AnswerInput, Community, Question, QuestionKind, Round
from vitalitybot.scheduling.clock import ManualClock
from vitalitybot.scheduling.virtual import SimulatedRunner
from vitalitybot.services import (
    Place,
    ScheduleKeeper,
    Services,
    adopt_pattern,
    answer_form,
    find_community,
    open_round,
    record_answers,
)
from vitalitybot.services.keeper import WAKE_DELAY
from vitalitybot.services.shards import ShardSet
from vitalitybot.storage import Database

# Monday 5 January 2026, 08:00 UTC: the first Tuesday of the month is the next day.
START = datetime(2026, 1, 5, 8, 0, tzinfo=UTC)
GUILD = 111_111_111_111_111_111
OTHER_GUILD = 222_222_222_222_222_222
MEMBERS = [900_000_000_000_000_001 + i for i in range(10)]
TIMEZONE = "Europe/Berlin"

COP = "cop-commons-alignment"

# How often a test's keeper looks at the tables on its ManualClock: daily, since polling
# every simulated minute would make months of runs take minutes of real time.
KEEPER_POLL = timedelta(days=1)


def keeper_on(
    svc: Services, clock: ManualClock, shards: ShardSet | None = None
) -> tuple[ScheduleKeeper, SimulatedRunner]:
    """A keeper for ``svc`` on a simulated runner over ``clock``, not started yet."""
    runner = SimulatedRunner(clock)
    return ScheduleKeeper(svc, runner, shards, poll=KEEPER_POLL), runner


async def started(
    svc: Services, clock: ManualClock, shards: ShardSet | None = None
) -> tuple[ScheduleKeeper, SimulatedRunner]:
    keeper, runner = keeper_on(svc, clock, shards)
    await keeper.start()
    return keeper, runner


async def after_the_wake(runner: SimulatedRunner) -> None:
    """Run what a commit of this process woke (the keeper looks again shortly after)."""
    await runner.run_until(runner.clock.now() + WAKE_DELAY)


async def only_community(svc: Services, guild_id: int = GUILD) -> Community:
    """The guild's community, for tests whose guilds hold one each."""
    return await find_community(svc, Place(guild_id))


async def adopt(svc: Services, slug: str = COP, guild_id: int = GUILD) -> None:
    """Adopt a pattern in the guild's only community."""
    await adopt_pattern(svc, (await only_community(svc, guild_id)).id, slug)


async def questions_of(svc: Services, round_: Round, guild_id: int = GUILD) -> list[Question]:
    form = await answer_form(svc, guild_id, round_.id, 1)
    return list(form.questions)


def ratings(
    questions: Iterable[Question], value: int | Mapping[str, int] | Callable[[Question], int]
) -> list[AnswerInput]:
    """A rating for every survey item: one value, a value per sign id (others 1), or a rule."""

    def of(question: Question) -> int:
        if isinstance(value, int):
            return value
        if isinstance(value, Mapping):
            return value.get(question.sign_id or "", 1)
        return value(question)

    return [AnswerInput(q.id, of(q)) for q in questions if q.kind is not QuestionKind.PROMPT]


async def rate(
    svc: Services,
    round_: Round,
    members: Iterable[int],
    value: int | Mapping[str, int] | Callable[[Question], int],
    guild_id: int = GUILD,
) -> None:
    questions = await questions_of(svc, round_, guild_id)
    for member in members:
        await record_answers(svc, guild_id, round_.id, member, ratings(questions, value))


async def rows(db: Database, sql: str, **params: Any) -> list[tuple[Any, ...]]:
    async with db.session() as session:
        result = await session.execute(text(sql), params)
        return [tuple(row) for row in result]


async def open_survey(svc: Services, community: Community, period: str = "2026-01-06") -> Round:
    round_ = await open_round(svc, community.id, "survey", period=period)
    assert round_ is not None
    return round_


async def member_key(svc: Services, round_: Round, member_id: int) -> str:
    """The member's respondent key in an open round, as the services compute it."""
    async with svc.repos() as repos:
        sealed = await repos.rounds.sealed_key(round_.community_id, round_.id)
    assert sealed is not None, f"round {round_.id} has no key: it is not open"
    return svc.keys.respondent_key(sealed, member_id)
