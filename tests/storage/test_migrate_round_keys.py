"""Migration 0004 upgrades a database in use: community secrets become sealed round keys.

The database is built at 0003 the way a bot of that revision left it: a community with
its secret, an open and a closed anonymous survey, answers stored under
HMAC(secret, member id).
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import inspect, text

from key_support import TEST_BOT_KEY, TEST_KEYS
from vitalitybot.domain.records import AnswerInput, Community
from vitalitybot.keyfile import BotKeyError
from vitalitybot.render.environment import build_environment
from vitalitybot.scheduling.clock import ManualClock
from vitalitybot.services import DiscardingNotifier, Services, record_answers, skip_round
from vitalitybot.storage import Database, downgrade, head_revision, upgrade
from vitalitybot.vitality.anonymity import RoundKeys

GUILD = 77
SECRET = "5e" * 32
MEMBERS = [900_000_000_000_000_001 + n for n in range(4)]
NOW = datetime(2026, 11, 5, 9, 0, tzinfo=UTC)
OPEN_ROUND, CLOSED_ROUND = 10, 11
QUESTIONS = {OPEN_ROUND: (101, 102), CLOSED_ROUND: (111, 112)}
AGGREGATE = (
    "SELECT question_id, count(value), sum(value) FROM answers WHERE round_id = :r"
    " GROUP BY question_id ORDER BY question_id"
)


def legacy_key(member: int) -> str:
    return hmac.new(bytes.fromhex(SECRET), str(member).encode(), hashlib.sha256).hexdigest()


class NoMembers:
    async def eligible_members(self, community: Community) -> list[int]:
        return list(MEMBERS)


def services(db: Database, keys: RoundKeys) -> Services:
    return Services(
        db=db,
        patterns={},
        clock=ManualClock(NOW),
        notifier=DiscardingNotifier(),
        members=NoMembers(),
        env=build_environment(),
        keys=keys,
    )


async def rows(db: Database, sql: str, **params: Any) -> list[tuple[Any, ...]]:
    async with db.session() as session:
        return [tuple(row) for row in await session.execute(text(sql), params)]


def at(moment: str) -> datetime:
    """A bound timestamp: PostgreSQL's driver takes datetimes, not text, for parameters."""
    return datetime.fromisoformat(moment).replace(tzinfo=UTC)


async def at_0003_in_use(db: Database) -> None:
    await downgrade(db, "0003")
    statements: list[tuple[str, dict[str, Any] | Sequence[dict[str, Any]]]] = [
        (
            "INSERT INTO communities (id, guild_id, name, timezone, threshold, min_respondents,"
            " max_items, anonymous, secret, created_at) VALUES (1, :guild, 'CoP', 'UTC', 0.5,"
            " 3, 8, TRUE, :secret, '2026-10-01 09:00:00')",
            {"guild": GUILD, "secret": SECRET},
        ),
        (
            "INSERT INTO rounds (id, community_id, kind, pattern_slug, period, status,"
            " anonymous, min_respondents, opened_at, closes_at, closed_at) VALUES"
            " (:id, 1, 'survey', '', :period, :status, TRUE, 3, :opened, :closes, :closed)",
            [
                {
                    "id": OPEN_ROUND,
                    "period": "2026-11-03",
                    "status": "open",
                    "opened": at("2026-11-03 09:00"),
                    "closes": at("2026-11-08 09:00"),
                    "closed": None,
                },
                {
                    "id": CLOSED_ROUND,
                    "period": "2026-10-06",
                    "status": "closed",
                    "opened": at("2026-10-06 09:00"),
                    "closes": at("2026-10-11 09:00"),
                    "closed": at("2026-10-11 09:00"),
                },
            ],
        ),
        (
            "INSERT INTO questions (id, round_id, position, kind, pattern_slug, sign_id, text)"
            " VALUES (:id, :round, :position, 'decay', 'p', :sign, 'How much?')",
            [
                {"id": q, "round": r, "position": n, "sign": f"s{n}"}
                for r, ids in QUESTIONS.items()
                for n, q in enumerate(ids, start=1)
            ],
        ),
        (
            "INSERT INTO respondents (round_id, respondent_key, status, updated_at)"
            " VALUES (:round, :key, 'answered', '2026-11-04 10:00:00')",
            [{"round": r, "key": legacy_key(m)} for r in QUESTIONS for m in MEMBERS[:3]],
        ),
        (
            "INSERT INTO answers (round_id, question_id, respondent_key, value, shared,"
            " answered_at) VALUES (:round, :question, :key, :value, FALSE, '2026-11-04 10:00:00')",
            [
                {"round": r, "question": q, "key": legacy_key(m), "value": 1 + n}
                for r, ids in QUESTIONS.items()
                for q in ids
                for n, m in enumerate(MEMBERS[:3])
            ],
        ),
    ]
    async with db.engine.begin() as connection:
        for sql, params in statements:
            await connection.execute(text(sql), params)


@pytest.mark.parametrize("key_from", ["the caller", "the settings"])
async def test_open_rounds_keep_working_and_no_secret_is_left(
    db: Database, monkeypatch: pytest.MonkeyPatch, key_from: str
) -> None:
    await at_0003_in_use(db)
    closed_before = await rows(db, AGGREGATE, r=CLOSED_ROUND)
    answers_before = await rows(db, "SELECT count(*) FROM answers")

    if key_from == "the caller":
        assert await upgrade(db, keys=TEST_KEYS) == head_revision()
    else:
        monkeypatch.setenv("VITALITYBOT_SECRET_KEY", TEST_BOT_KEY.hex())
        assert await upgrade(db) == head_revision()

    opening = await rows(db, "SELECT opened_at FROM rounds WHERE id = :r", r=OPEN_ROUND)
    answered = "SELECT DISTINCT answered_at FROM answers WHERE round_id = :r"
    assert await rows(db, answered, r=OPEN_ROUND) == opening  # no answer's own time is left
    svc = services(db, TEST_KEYS)
    assert await rows(db, "SELECT count(*) FROM answers") == answers_before
    receipt = await record_answers(
        svc, GUILD, OPEN_ROUND, MEMBERS[0], [AnswerInput(q, 5) for q in QUESTIONS[OPEN_ROUND]]
    )
    assert receipt.replaced  # the member's earlier answers were found under the new key
    assert await rows(db, "SELECT count(*) FROM answers") == answers_before
    await skip_round(svc, GUILD, OPEN_ROUND, MEMBERS[3])
    assert await rows(db, AGGREGATE, r=CLOSED_ROUND) == closed_before
    keys = await rows(db, "SELECT id, key_nonce IS NOT NULL FROM rounds ORDER BY id")
    assert keys == [(OPEN_ROUND, True), (CLOSED_ROUND, False)]
    assert "secret" not in await column_names(db, "communities")
    assert SECRET not in repr(await everything(db))


async def column_names(db: Database, table: str) -> set[str]:
    async with db.engine.connect() as connection:
        return await connection.run_sync(
            lambda c: {column["name"] for column in inspect(c).get_columns(table)}
        )


async def everything(db: Database) -> list[Any]:
    tables = ["communities", "rounds", "questions", "respondents", "answers"]
    return [await rows(db, f"SELECT * FROM {table}") for table in tables]


async def test_without_a_bot_key_the_upgrade_stops_with_one_line_saying_what_to_set(
    db: Database, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    await at_0003_in_use(db)
    monkeypatch.setenv("VITALITYBOT_SECRET_KEY", "not-a-key")
    with pytest.raises(BotKeyError) as refused:
        await upgrade(db)
    message = str(refused.value)
    assert "\n" not in message and "open rounds (1)" in message
    assert "VITALITYBOT_SECRET_KEY or VITALITYBOT_STATE_DIR" in message
    assert await rows(db, "SELECT count(*) FROM answers") == [(12,)]  # nothing lost


async def test_a_database_without_open_rounds_upgrades_without_a_key(
    db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    await at_0003_in_use(db)
    async with db.engine.begin() as connection:
        await connection.execute(text("UPDATE rounds SET status = 'closed'"))
    monkeypatch.setenv("VITALITYBOT_SECRET_KEY", "not-a-key")  # never read
    assert await upgrade(db) == head_revision()
    assert not await rows(db, "SELECT 1 FROM rounds WHERE key_nonce IS NOT NULL")
