"""`vitalitybot harvest export` on a community that had a check-in, and on one that had not."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from key_support import TEST_KEYS
from vitalitybot.cli import main
from vitalitybot.domain.records import AnswerInput, Community
from vitalitybot.patterns import load_library
from vitalitybot.render.environment import build_environment
from vitalitybot.scheduling.clock import ManualClock
from vitalitybot.services import (
    DiscardingNotifier,
    Services,
    adopt_pattern,
    answer_form,
    close_round,
    open_round,
    record_answers,
    setup_community,
)
from vitalitybot.storage import open_database, upgrade

GUILD = 777_000_000_000_000_001
OTHER_GUILD = 777_000_000_000_000_002
MEMBERS = [900 + i for i in range(4)]
START = datetime(2026, 3, 3, 9, 0, tzinfo=UTC)
SHARED = "Handover cards on the door saved us ten minutes a shift."
PRIVATE = "I was too tired to care this month."
NEIGHBOURS = "Pairing new volunteers with a regular for their first month."
TIMEZONE = "Europe/Berlin"
COP = "cop-commons-alignment"


class Members:
    async def eligible_members(self, community: Community) -> list[int]:
        return MEMBERS


async def build(
    url: str, patterns_dir: Path, *, check_in: bool, neighbour: bool = False
) -> int | None:
    """A community (and another without any check-in, on another server); returns the
    closed check-in's id. ``neighbour`` adds a second community to the same server, with
    a check-in of its own."""
    db = open_database(url)
    clock = ManualClock(START)
    try:
        await upgrade(db)
        svc = Services(
            db=db,
            patterns=load_library(patterns_dir).patterns,
            clock=clock,
            notifier=DiscardingNotifier(),
            members=Members(),
            env=build_environment(),
            keys=TEST_KEYS,
        )
        community = await setup_community(svc, GUILD, "Riverside", 1, TIMEZONE)
        await adopt_pattern(svc, community.id, COP)
        await setup_community(svc, OTHER_GUILD, "Hillside", 2, TIMEZONE)
        round_id = await closed_check_in(svc, clock, community, SHARED) if check_in else None
        if neighbour:
            lakeside = await setup_community(svc, GUILD, "Lakeside", 3, TIMEZONE)
            await adopt_pattern(svc, lakeside.id, COP)
            await closed_check_in(svc, clock, lakeside, NEIGHBOURS)
        return round_id
    finally:
        await db.dispose()


async def closed_check_in(
    svc: Services, clock: ManualClock, community: Community, shared: str
) -> int:
    """A check-in where one member shares ``shared`` and another keeps PRIVATE to
    themselves, closed six days on; its round id."""
    round_ = await open_round(svc, community.id, "checkin", period="2026-03-03")
    assert round_ is not None
    guild = community.guild_id
    prompt = (await answer_form(svc, guild, round_.id, MEMBERS[0])).questions[0]
    await record_answers(
        svc, guild, round_.id, MEMBERS[0], [AnswerInput(prompt.id, None, shared, shared=True)]
    )
    await record_answers(svc, guild, round_.id, MEMBERS[1], [AnswerInput(prompt.id, None, PRIVATE)])
    clock.advance(timedelta(days=6))
    result = await close_round(svc, community.id, round_.id)
    assert result.harvest is not None
    return round_.id


@pytest.fixture
def url(tmp_path: Path) -> str:
    return f"sqlite+aiosqlite:///{tmp_path / 'bot.sqlite3'}"


def test_export_prints_the_shared_reflections_as_markdown(
    url: str, shipped_patterns_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    round_id = asyncio.run(build(url, shipped_patterns_dir, check_in=True))
    assert main(["harvest", "export", "--guild", str(GUILD), "--url", url]) == 0
    out = capsys.readouterr().out
    assert out.startswith("# Harvest of the check-in 2026-03-03")
    assert "2 of 4 members answered" in out
    assert SHARED in out and PRIVATE not in out

    assert (
        main(["harvest", "export", "--guild", str(GUILD), "--round", str(round_id), "--url", url])
        == 0
    )
    assert capsys.readouterr().out == out


def test_export_writes_a_file_when_asked(
    url: str, tmp_path: Path, shipped_patterns_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    asyncio.run(build(url, shipped_patterns_dir, check_in=True))
    target = tmp_path / "harvest.md"
    assert main(["harvest", "export", "--guild", str(GUILD), "--url", url, "-o", str(target)]) == 0
    assert SHARED in target.read_text(encoding="utf-8")
    assert str(target) in capsys.readouterr().out


def test_no_harvest_yet_is_said_plainly_with_exit_1(
    url: str, shipped_patterns_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    asyncio.run(build(url, shipped_patterns_dir, check_in=False))
    assert main(["harvest", "export", "--guild", str(GUILD), "--url", url]) == 1
    captured = capsys.readouterr()
    assert captured.out == ""
    assert "There is no harvest yet" in captured.err


def test_another_guilds_harvest_is_never_exported(
    url: str, shipped_patterns_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    round_id = asyncio.run(build(url, shipped_patterns_dir, check_in=True))
    args = ["harvest", "export", "--guild", str(OTHER_GUILD), "--url", url]
    assert main(args) == 1
    assert main([*args, "--round", str(round_id)]) == 1
    captured = capsys.readouterr()
    assert SHARED not in captured.out + captured.err
    assert main(["harvest", "export", "--guild", "5", "--url", url]) == 1
    err = capsys.readouterr().err
    assert "no community for guild 5" in err and "setup command" not in err


def test_a_missing_database_file_is_reported_not_created(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "nowhere.sqlite3"
    assert main(["harvest", "export", "--guild", "1", "--url", f"sqlite+aiosqlite:///{path}"]) == 4
    assert "no database file" in capsys.readouterr().err
    assert not path.exists()


def test_export_into_a_folder_uses_the_name_discord_attaches_the_file_with(
    url: str, tmp_path: Path, shipped_patterns_dir: Path
) -> None:
    asyncio.run(build(url, shipped_patterns_dir, check_in=True))
    assert (
        main(["harvest", "export", "--guild", str(GUILD), "--url", url, "-o", str(tmp_path)]) == 0
    )
    (written,) = tmp_path.glob("harvest-*.md")
    assert written.name == "harvest-2026-03-03.md"
    assert SHARED in written.read_text(encoding="utf-8")


def test_two_communities_in_the_guild_and_no_community_named_is_one_line_naming_both(
    url: str, shipped_patterns_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    asyncio.run(build(url, shipped_patterns_dir, check_in=True, neighbour=True))
    assert main(["harvest", "export", "--guild", str(GUILD), "--url", url]) == 1
    captured = capsys.readouterr()
    assert captured.out == ""
    [line] = captured.err.splitlines()
    assert "Lakeside" in line and "Riverside" in line and "--community" in line


def test_the_community_option_exports_that_communitys_harvest_only(
    url: str, shipped_patterns_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    riverside_round = asyncio.run(build(url, shipped_patterns_dir, check_in=True, neighbour=True))
    args = ["harvest", "export", "--guild", str(GUILD), "--url", url]

    assert main([*args, "--community", "Lakeside"]) == 0
    lakeside = capsys.readouterr().out
    assert NEIGHBOURS in lakeside and SHARED not in lakeside and PRIVATE not in lakeside
    assert main([*args, "--community", "riverside"]) == 0  # as members type it
    riverside = capsys.readouterr().out
    assert SHARED in riverside and NEIGHBOURS not in riverside

    assert main([*args, "--community", "Lakeside", "--round", str(riverside_round)]) == 1
    captured = capsys.readouterr()
    assert f"'Lakeside' of guild {GUILD} has no round {riverside_round}" in captured.err
    assert SHARED not in captured.out + captured.err
    assert main([*args, "--community", "Hillside"]) == 1  # another server's
    [line] = capsys.readouterr().err.splitlines()
    assert "no community called 'Hillside'" in line
    assert "Lakeside" in line and "Riverside" in line
