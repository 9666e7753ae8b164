"""Anonymity against whoever holds a copy of the database: the attack, run for real.

The attacker has a copy of the database file (a `db backup`, a stolen disk) and every
member id of the server (any member can list them). They try every value stored
anywhere in the copy as the key of the respondent-key HMAC, as text and as hex, and
join the keys they get with the answers. After the round closes they also hold the
bot key (the operator's key file) and unseal whatever sealed keys are left.
"""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import sqlite3
from collections.abc import Iterable, Iterator
from pathlib import Path

import pytest
from sqlalchemy.engine import make_url

from key_support import TEST_BOT_KEY
from vitalitybot.cli.db_cmd import backup_sqlite
from vitalitybot.domain.records import AnswerInput, Community, SealedKey
from vitalitybot.services import (
    Services,
    close_round,
    open_round,
    record_answers,
    skip_round,
)
from vitalitybot.storage import Database
from vitalitybot.storage.database import sqlite_file
from vitalitybot.vitality.anonymity import RoundKeys

from .support import GUILD, MEMBERS, open_survey, questions_of, rate, rows

pytestmark = pytest.mark.sqlite_only  # the attack reads a copy of the SQLite file


def stored_values(copy: Path) -> Iterator[str | bytes]:
    """Every text and blob value of every row of every table in the copy."""
    with sqlite3.connect(copy) as connection:
        tables = [
            name
            for (name,) in connection.execute("SELECT name FROM sqlite_master WHERE type='table'")
        ]
        for table in tables:
            for row in connection.execute(f'SELECT * FROM "{table}"'):
                yield from (v for v in row if isinstance(v, str | bytes) and v)


def candidate_keys(copy: Path, bot_key: bytes | None) -> set[bytes]:
    """Each stored value as raw bytes and, when it is hex, decoded (the old formula's
    community secret was hex); with the bot key: the key itself and every round key
    that any pair of stored values unseals to."""
    values = set(stored_values(copy))
    keys: set[bytes] = set()
    for value in values:
        raw = value if isinstance(value, bytes) else value.encode()
        keys.add(raw)
        with contextlib.suppress(UnicodeDecodeError, ValueError):
            keys.add(bytes.fromhex(raw.decode()))
    if bot_key is not None:
        keys.add(bot_key)
        with sqlite3.connect(copy) as connection:
            sealed = connection.execute(
                "SELECT key_nonce, sealed_key FROM rounds WHERE key_nonce IS NOT NULL"
            ).fetchall()
        unsealer = RoundKeys(bot_key)
        keys |= {unsealer.unseal(SealedKey(nonce, key)) for nonce, key in sealed}
    keys.discard(b"")
    return keys


def attributed(copy: Path, members: Iterable[int], bot_key: bytes | None = None) -> int:
    """How many answers of anonymous rounds the attack links to a member."""
    guesses = {
        hmac.new(key, str(member).encode(), hashlib.sha256).hexdigest()
        for key in candidate_keys(copy, bot_key)
        for member in members
    }
    with sqlite3.connect(copy) as connection:
        answers = connection.execute(
            "SELECT a.respondent_key, a.member_id FROM answers a"
            " JOIN rounds r ON r.id = a.round_id WHERE r.anonymous"
        ).fetchall()
    assert answers, "nothing to attack: the rounds have no answers"
    return sum(1 for key, member_id in answers if key in guesses or member_id is not None)


def copy_of(db_url: str, to: Path) -> Path:
    source = sqlite_file(make_url(db_url))
    assert source is not None
    assert backup_sqlite(source, to) == "ok"
    return to


async def answered_community(svc: Services, community: Community) -> list[int]:
    """Two anonymous rounds answered by six members (ratings, words, a skip)."""
    survey = await open_survey(svc, community)
    checkin = await open_round(svc, community.id, "checkin", period="2026-01-06")
    assert checkin is not None
    for n, member in enumerate(MEMBERS[:6]):
        await rate(svc, survey, [member], 1 + n % 5)
    prompt = (await questions_of(svc, checkin))[0]
    for member in MEMBERS[:4]:
        words = AnswerInput(prompt.id, None, f"a lesson from week {member % 7}", True)
        await record_answers(svc, GUILD, checkin.id, member, [words])
    await skip_round(svc, GUILD, checkin.id, MEMBERS[5])
    return [survey.id, checkin.id]


async def test_a_database_copy_and_every_member_id_attribute_no_anonymous_answer(
    svc: Services, community: Community, db_url: str, db: Database, tmp_path: Path
) -> None:
    rounds = await answered_community(svc, community)
    everyone = [*MEMBERS, GUILD, community.id]

    while_open = copy_of(db_url, tmp_path / "open.sqlite3")
    assert attributed(while_open, everyone) == 0
    # The control: the key file is what the copy lacks. With it, an open round's
    # answers are linked to their members, which is how re-answering and reminders work.
    assert attributed(while_open, everyone, TEST_BOT_KEY) == len(
        await rows(db, "SELECT 1 FROM answers")
    )

    for round_id in rounds:
        await close_round(svc, community.id, round_id)
    after_close = copy_of(db_url, tmp_path / "closed.sqlite3")
    assert attributed(after_close, everyone) == 0
    assert attributed(after_close, everyone, TEST_BOT_KEY) == 0


async def test_one_members_answers_in_two_rounds_share_no_key(
    svc: Services, community: Community, db: Database
) -> None:
    first = await open_survey(svc, community, period="2026-01-06")
    second = await open_survey(svc, community, period="2026-02-03")
    await rate(svc, first, MEMBERS[:5], 4)
    await rate(svc, second, MEMBERS[:5], 4)

    keys = await rows(db, "SELECT round_id, respondent_key FROM answers")
    in_first = {key for round_id, key in keys if round_id == first.id}
    in_second = {key for round_id, key in keys if round_id == second.id}
    assert len(in_first) == len(in_second) == 5
    assert in_first.isdisjoint(in_second)
    respondents = await rows(db, "SELECT respondent_key FROM respondents")
    assert len({key for (key,) in respondents}) == 10


async def test_no_row_of_an_anonymous_round_holds_a_member_id_beside_an_answer(
    svc: Services, community: Community, db_url: str, tmp_path: Path
) -> None:
    await answered_community(svc, community)
    copy = copy_of(db_url, tmp_path / "copy.sqlite3")
    ids = {str(m) for m in MEMBERS}
    with sqlite3.connect(copy) as connection:
        for table in ("answers", "respondents", "rounds", "questions", "deliveries"):
            for row in connection.execute(f'SELECT * FROM "{table}"'):
                assert not ids & {str(v) for v in row}, f"{table} holds a member id: {row}"
