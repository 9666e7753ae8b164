"""`vitalitybot simulate` through the real CLI entry point: posts, table, chart, summary."""

from __future__ import annotations

import re
import sqlite3
from datetime import datetime
from pathlib import Path

import pytest

from vitalitybot.cli import main

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
HEADING = re.compile(r"^(\w{3} \d{1,2} \w{3} \d{4}, \d{2}:\d{2}) · (.+)$", re.MULTILINE)
SHORT = ["simulate", "--months", "4", "--members", "12", "--seed", "1"]


@pytest.fixture(autouse=True)
def shipped_patterns(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, shipped_patterns_dir: Path
) -> None:
    monkeypatch.chdir(tmp_path)  # no stray .env; the default chart lands here
    monkeypatch.setenv("VITALITYBOT_PATTERNS_DIR", str(shipped_patterns_dir))


def simulate(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main([*SHORT, *args])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def without_timing(output: str) -> str:
    return re.sub(r"; \d+\.\d s$", "", output.rstrip())


def test_a_short_run_prints_dated_posts_in_order_and_writes_the_chart(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = simulate(capsys)
    assert code == 0
    dates = [datetime.strptime(when, "%a %d %b %Y, %H:%M") for when, _ in HEADING.findall(out)]
    kinds = [kind for _, kind in HEADING.findall(out)]
    assert len(dates) > 10 and dates == sorted(dates)
    assert dates[0] < datetime(2026, 1, 8) and dates[-1] < datetime(2026, 5, 1)
    assert "check-in opens" in kinds and "survey results" in kinds
    assert "Rounds and scores" in out
    chart = tmp_path / "vitality-chart.png"
    data = chart.read_bytes()
    assert data.startswith(PNG_SIGNATURE) and len(data) > 20_000
    summary = out.rstrip().splitlines()[-1]
    assert summary.startswith("Simulated 4 months of Riverside Nurses CoP (12 members, seed 1)")
    assert "chart: vitality-chart.png" in summary


def test_the_same_seed_gives_the_same_output_and_chart(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    first = simulate(capsys, "--chart", "same.png")
    chart = (tmp_path / "same.png").read_bytes()
    second = simulate(capsys, "--chart", "same.png")
    assert first[0] == second[0] == 0
    assert without_timing(first[1]) == without_timing(second[1])
    assert (tmp_path / "same.png").read_bytes() == chart
    other = simulate(capsys, "--chart", "same.png", "--seed", "2")
    assert without_timing(other[1]) != without_timing(first[1])


def test_quiet_prints_a_line_per_post_and_suggestions_in_full(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, out, _ = simulate(capsys, "--quiet")
    assert code == 0
    assert "survey opens" in out and "Survey: how are we doing?" not in out
    assert "SUGGESTION (remedy)" in out and "Here is what the pattern suggests" in out


def test_keep_db_leaves_the_migrated_database_with_its_rounds(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "kept" / "sim.sqlite3"
    code, _, _ = simulate(capsys, "--keep-db", str(path))
    assert code == 0
    with sqlite3.connect(path) as connection:
        rounds = connection.execute("SELECT count(*) FROM rounds").fetchone()[0]
        revision = connection.execute("SELECT version_num FROM alembic_version").fetchone()[0]
    assert rounds == 8 and revision
    code, _, err = simulate(capsys, "--keep-db", str(path))
    assert code == 2 and "already exists" in err


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["--months", "0"], "--months must be between 1 and 60"),
        (["--months", "61"], "--months must be between 1 and 60"),
        (["--members", "2"], "--members must be between 3 and 5000"),
        (["--members", "5001"], "--members must be between 3 and 5000"),
    ],
)
def test_out_of_range_arguments_are_usage_errors(
    args: list[str], words: str, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = simulate(capsys, *args)
    assert code == 2 and words in err and out == ""


def test_an_unknown_pattern_is_a_usage_error_with_close_names(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = simulate(capsys, "--pattern", "energising participaton")
    assert code == 2 and out == ""
    assert "There is no pattern called 'energising participaton'" in err
    assert "energizing-participation" in err
    assert not (tmp_path / "vitality-chart.png").exists()
