"""`vitalitybot simulate` through the real CLI entry point: posts, table, chart, summary."""

from __future__ import annotations

import re
import shlex
import sqlite3
from datetime import datetime
from pathlib import Path

import pytest

from vitalitybot.cli import main
from vitalitybot.simulate.run import GUILD_ID

ROOT = Path(__file__).resolve().parents[2]
STORY_LINES = 400  # a coordinator reads the demo's story in a few screens

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
HEADING = re.compile(r"^(\w{3} \d{1,2} \w{3} \d{4}, \d{2}:\d{2}) · (.+)$", re.MULTILINE)
# Seven months: the shipped patterns ask quarterly, so three check-ins and three surveys.
SHORT = ["simulate", "--months", "7", "--members", "12", "--seed", "1"]


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
    return re.sub(r" in \d+ seconds?:", ":", output.rstrip())


def demo_arguments(chart: Path) -> list[str]:
    """The arguments `make demo` gives `vitalitybot`, with the chart written to ``chart``."""
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    recipe = re.search(r"^demo:.*\n\t(.+)$", makefile, re.MULTILINE)
    assert recipe is not None
    words = shlex.split(recipe.group(1))
    args = words[words.index("simulate") :]
    args[args.index("--chart") + 1] = str(chart)
    return args


def test_a_short_run_prints_dated_posts_in_order_and_writes_the_chart(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = simulate(capsys)
    assert code == 0
    dates = [datetime.strptime(when, "%a %d %b %Y, %H:%M") for when, _ in HEADING.findall(out)]
    kinds = [kind for _, kind in HEADING.findall(out)]
    assert len(dates) > 10 and dates == sorted(dates)
    assert dates[0] < datetime(2026, 1, 8) and dates[-1] < datetime(2026, 8, 1)
    assert any(k.startswith("check-in opens") for k in kinds)
    assert any(k.startswith("survey results") for k in kinds)
    assert "Rounds and scores" in out
    chart = tmp_path / "vitality-chart.png"
    data = chart.read_bytes()
    assert data.startswith(PNG_SIGNATURE) and len(data) > 20_000
    summary = next(line for line in out.splitlines() if line.startswith("7 months of"))
    assert summary.startswith("7 months of Riverside Nurses CoP in ")
    assert "Chart: vitality-chart.png" in summary
    assert "Same run again: add --seed 1" in out


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
    code, out, err = simulate(capsys, "--quiet")
    assert code == 0 and err == ""
    assert "survey opens\n" in out and "Survey: how are we doing?" not in out
    assert "SUGGESTION (remedy)" in out and "Here is what the pattern suggests" in out


def test_keep_db_leaves_the_migrated_database_with_its_rounds(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "kept" / "sim.sqlite3"
    code, _, _ = simulate(capsys, "--keep-db", str(path), "--chart", "kept.svg")
    assert code == 0
    assert (tmp_path / "kept.svg").read_text().startswith(("<?xml", "<svg"))
    with sqlite3.connect(path) as connection:
        rounds = connection.execute("SELECT count(*) FROM rounds").fetchone()[0]
        revision = connection.execute("SELECT version_num FROM alembic_version").fetchone()[0]
    assert rounds == 6 and revision
    code, _, err = simulate(capsys, "--keep-db", str(path))
    assert code == 2 and "already exists" in err


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["--months", "0"], "--months must be between 1 and 60"),
        (["--months", "61"], "--months must be between 1 and 60"),
        (["--members", "2"], "--members must be between 3 and 5000"),
        (["--members", "5001"], "--members must be between 3 and 5000"),
        (["--chart", "chart.jpg"], "--chart chart.jpg: the name must end in .png or .svg"),
    ],
)
def test_out_of_range_arguments_are_usage_errors(
    args: list[str], words: str, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = simulate(capsys, *args)
    assert code == 2 and words in err and out == ""
    assert len(err.strip().splitlines()) == 1


def test_an_unknown_pattern_is_a_usage_error_with_close_names(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = simulate(capsys, "--pattern", "energising participaton")
    assert code == 2 and out == ""
    assert "There is no pattern called 'energising participaton'" in err
    assert "energizing-participation" in err
    assert not (tmp_path / "vitality-chart.png").exists()


def test_the_demo_tells_a_short_story_in_plain_words(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(demo_arguments(tmp_path / "story.png")) == 0
    story = capsys.readouterr().out
    assert 100 < len(story.splitlines()) < STORY_LINES
    for jargon in (r"\bn=", r"\bmean \d", r"(?<!--)seed \d"):  # "--seed 7" is how to repeat it
        assert not re.search(jargon, story), jargon
    assert f"(guild) id: {GUILD_ID}" in story
    assert "no Server Members intent" in story
    assert (tmp_path / "story.png").read_bytes().startswith(PNG_SIGNATURE)


def test_verbose_prints_every_post_in_full(capsys: pytest.CaptureFixture[str]) -> None:
    _, story, _ = simulate(capsys)
    code, everything, err = simulate(capsys, "--verbose")
    assert code == 0
    assert len(everything.splitlines()) > 2 * len(story.splitlines())
    opened = everything.count("Survey: how are we doing?")
    assert opened == story.count("survey opens") > 1  # each card in full, not once
    assert "n=" in everything  # results in full, as members see them
    assert "DEBUG   aiosqlite" not in err  # debug lines are the bot's own


def test_the_printed_commands_explore_the_kept_database(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    kept = tmp_path / "demo.sqlite3"
    code, out, _ = simulate(capsys, "--keep-db", str(kept))
    assert code == 0
    commands = [
        shlex.split(line.strip())
        for line in out.splitlines()
        if line.strip().startswith("vitalitybot ")
    ]
    assert [c[1:3] for c in commands] == [["harvest", "export"], ["db", "current"]]
    assert str(GUILD_ID) in commands[0]
    assert main(commands[0][1:]) == 0
    harvest = capsys.readouterr().out
    assert harvest.startswith("# ") and "answered" in harvest
    assert main(commands[1][1:]) == 0
    assert "(head)" in capsys.readouterr().out


def test_a_long_run_reports_each_simulated_month_on_stderr(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, out, err = simulate(capsys, "--months", "3", "--members", "200")
    assert code == 0
    progress = [line for line in err.splitlines() if line.startswith("simulated month")]
    assert [line.split(" (")[0] for line in progress] == [
        f"simulated month {n} of 3" for n in (1, 2, 3)
    ]
    assert "simulated month" not in out
