"""The scores CSV: participation and aggregates per round, blank under each round's minimum."""

from __future__ import annotations

import csv
import io

import pytest

from vitalitybot.domain.records import AnswerInput, Community
from vitalitybot.scheduling.clock import ManualClock
from vitalitybot.services import (
    Services,
    close_round,
    open_round,
    record_answers,
)
from vitalitybot.services.score_export import NOTE_COLUMN, export_scores

from .history_support import MONTH, SIGN, History, three_surveys
from .support import COP, GUILD, MEMBERS, open_survey, questions_of, rate

COLUMN = f"{COP}/{SIGN}"


@pytest.fixture
async def history(svc: Services, community: Community, clock: ManualClock) -> History:
    return await three_surveys(svc, community, clock)


async def exported_rows(svc: Services, community: Community) -> list[dict[str, str]]:
    export = await export_scores(svc, community.id)
    return list(csv.DictReader(io.StringIO(export.data.decode("utf-8"))))


async def test_one_row_per_closed_round_with_its_participation(
    svc: Services, history: History
) -> None:
    rows = await exported_rows(svc, history.community)
    assert [(r["round_date"], r["kind"]) for r in rows] == [
        ("2026-01-05", "survey"),
        ("2026-02-04", "survey"),
        ("2026-03-06", "survey"),
    ]
    january = rows[0]
    assert (january["eligible"], january["answered"], january["skipped"]) == ("10", "4", "1")
    assert january["participation_rate"] == "0.400"
    assert (january[f"{COLUMN} n"], january[f"{COLUMN} share_high"]) == ("4", "1.000")
    assert (january[f"{COLUMN} mean"], january[f"{COLUMN} crossed"]) == ("5.00", "yes")
    assert rows[2][f"{COLUMN} share_high"] == "0.250" and rows[2][f"{COLUMN} crossed"] == "no"


async def test_a_round_under_its_own_minimum_has_blank_cells_and_says_why(
    svc: Services, history: History
) -> None:
    february = (await exported_rows(svc, history.community))[1]
    assert february["min_respondents"] == "5" and february["answered"] == "4"
    figures = [v for k, v in february.items() if k.startswith(f"{COP}/")]
    assert figures and all(v == "" for v in figures)
    assert february[NOTE_COLUMN].startswith("fewer than this round's minimum of 5 answers: ")
    assert COLUMN in february[NOTE_COLUMN]


async def test_no_row_or_cell_names_a_member(svc: Services, history: History) -> None:
    export = await export_scores(svc, history.community.id)
    text = export.data.decode("utf-8")
    assert not any(str(member) in text for member in MEMBERS)
    assert export.rounds == 3 and export.filename.endswith(".csv")


async def test_a_check_in_has_participation_and_no_sign_figures(
    svc: Services, history: History, community: Community, clock: ManualClock
) -> None:
    clock.advance(MONTH)
    checkin = await open_round(svc, community.id, "checkin", period="2026-04-07")
    assert checkin is not None
    prompt = (await questions_of(svc, checkin))[0]
    await record_answers(svc, GUILD, checkin.id, MEMBERS[0], [AnswerInput(prompt.id, None, "ok")])
    await close_round(svc, community.id, checkin.id)
    last = (await exported_rows(svc, history.community))[-1]
    assert (last["kind"], last["answered"]) == ("checkin", "1")
    assert last[f"{COLUMN} n"] == "" and last[NOTE_COLUMN] == "a check-in asks about no sign"


async def test_another_communitys_export_holds_only_its_own_rounds(
    svc: Services, history: History, elsewhere: Community
) -> None:
    theirs = await open_survey(svc, elsewhere, "2026-04-07")
    await rate(svc, theirs, MEMBERS[:3], {SIGN: 5}, guild_id=elsewhere.guild_id)
    await close_round(svc, elsewhere.id, theirs.id)

    [row] = await exported_rows(svc, elsewhere)
    assert (row["round_date"], row["answered"]) == (theirs.opened_at.date().isoformat(), "3")
    assert len(await exported_rows(svc, history.community)) == 3
