"""``vitalitybot run``'s shard, rehearsal and log options: what is accepted, and a clear
usage error (exit 2, before anything connects) for what is not."""

from __future__ import annotations

import os
from datetime import UTC, datetime
from pathlib import Path

import pytest

from vitalitybot.cli import build_parser, main
from vitalitybot.cli.run_cmd import rehearsal_clock, shard_set
from vitalitybot.config import Settings
from vitalitybot.services.shards import ShardSet


@pytest.fixture(autouse=True)
def environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """A token and nothing else: every case below must stop before using it."""
    for name in [n for n in os.environ if n.startswith("VITALITYBOT_")]:
        monkeypatch.delenv(name)
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("VITALITYBOT_TOKEN", "a-token-never-used")
    monkeypatch.setenv("VITALITYBOT_DATABASE_URL", f"sqlite+aiosqlite:///{tmp_path / 'db'}")


def settings(**values: object) -> Settings:
    return Settings(_env_file=None, **values)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("argv", "said"),
    [
        (["--shard-ids", "0"], "need a shard count"),
        (["--shard-count", "2", "--shard-ids", "2"], "from 0 to 1"),
        (["--shard-count", "2", "--shard-ids", "0,x"], "'x' in '0,x' is not one"),
        (["--shard-count", "two"], "whole number"),
        (["--shard-count", "0"], "at least 1"),
        (["--rehearse-from", "2026-03-01T00:00"], "UTC offset"),
        (["--rehearse-from", "next tuesday"], "ISO date and time"),
        (["--rehearse-from", "2026-03-01T00:00+00:00", "--speed", "0"], "--speed"),
        (["--rehearse-from", "2026-03-01T00:00+00:00", "--speed", "fast"], "--speed"),
        (["--speed", "60"], "go with --rehearse-from"),
    ],
)
def test_bad_options_are_usage_errors_that_say_what_to_fix(
    argv: list[str], said: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["run", *argv]) == 2
    assert said in capsys.readouterr().err


@pytest.mark.parametrize(
    ("variables", "said"),
    [
        ({"VITALITYBOT_SHARD_COUNT": "2", "VITALITYBOT_SHARD_IDS": "5"}, "from 0 to 1"),
        ({"VITALITYBOT_SHARD_IDS": "1"}, "need a shard count"),
        ({"VITALITYBOT_SHARD_COUNT": "0"}, "VITALITYBOT_SHARD_COUNT is '0'"),
        ({"VITALITYBOT_LOG_LEVEL": "LOUD"}, "VITALITYBOT_LOG_LEVEL"),
    ],
)
def test_bad_settings_are_configuration_errors(
    variables: dict[str, str],
    said: str,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    for name, value in variables.items():
        monkeypatch.setenv(name, value)
    assert main(["run"]) == 3
    assert said in capsys.readouterr().err


def test_shards_come_from_the_options_else_the_settings() -> None:
    configured = settings(shard_count=4, shard_ids="1, 3")
    assert shard_set(None, None, settings()) is None
    assert shard_set(None, None, configured) == ShardSet(4, frozenset({1, 3}))
    assert shard_set(None, "0", configured) == ShardSet(4, frozenset({0}))
    assert shard_set("2", "1", configured) == ShardSet(2, frozenset({1}))
    assert shard_set("3", None, settings()) == ShardSet.all(3)


def test_a_rehearsal_clock_starts_where_and_when_it_is_told() -> None:
    assert rehearsal_clock(None, None, None) is None
    clock = rehearsal_clock("2026-03-01T00:00+01:00", "86400", "1800000000")
    assert clock is not None
    assert clock.start == datetime(2026, 2, 28, 23, 0, tzinfo=UTC)
    assert clock.speed == 86400 and clock.epoch == 1_800_000_000


def test_help_lists_the_shard_options_but_not_the_rehearsal(
    capsys: pytest.CaptureFixture[str],
) -> None:
    with pytest.raises(SystemExit):
        build_parser().parse_args(["run", "--help"])
    shown = capsys.readouterr().out
    assert "--shard-count" in shown and "--shard-ids" in shown
    assert "rehearse" not in shown and "--speed" not in shown
