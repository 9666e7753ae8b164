"""Every benchmark still runs: each script, at a tiny size in a process of its own, exits 0
and ends with its machine-readable line. No figure is checked (benchmarks/README.md has
them): this only keeps the scripts from rotting as the code they drive changes."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

BENCHMARKS = Path(__file__).resolve().parents[2] / "benchmarks"
FIGURE = r"-?(\d+(\.\d+)?(e[-+]?\d+)?|inf|nan)"
TIMEOUT = 240.0  # seconds: a hung benchmark fails instead of stalling the suite


def last_line(script: str, *args: str) -> dict[str, str]:
    """Run ``benchmarks/<script>`` with ``args``; its last line's figures by name."""
    done = subprocess.run(
        [sys.executable, str(BENCHMARKS / script), *args],
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
        check=False,
    )
    assert done.returncode == 0, f"{script} exited {done.returncode}:\n{done.stderr[-3000:]}"
    line = done.stdout.strip().splitlines()[-1]
    assert re.fullmatch(rf"(\w+={FIGURE})( \w+={FIGURE})*", line), f"not figures: {line!r}"
    return dict(pair.split("=") for pair in line.split())


def test_answers() -> None:
    figures = last_line(
        "answers.py",
        *("--respondents", "3", "--submissions", "2", "--offered", "500"),
        *("--close-respondents", "10", "--baseline-rows", "20"),
    )
    assert list(figures) == ["answers_per_s", "p99_ms", "close_ms"]


def test_storage_aggregate() -> None:
    figures = last_line("storage_aggregate.py", "--respondents", "10", "--repeat", "2")
    assert list(figures) == ["record_ms", "aggregate_ms"]


@pytest.mark.slow
def test_scale() -> None:
    figures = last_line("scale.py", "--servers", "2")
    assert list(figures) == ["servers", "communities", "start_s", "rss_mb", "rounds", "tick_p99_ms"]
    assert (figures["servers"], figures["communities"]) == ("2", "6")


@pytest.mark.slow
def test_fanout() -> None:
    figures = last_line(
        "fanout.py", "--communities", "6", "--members", "4", "--waves", "1", "--rehearse"
    )
    assert list(figures) == ["posted", "duplicates", "missing", "ratio", "ack_p99_ratio"]
    assert figures["posted"] == "6" and figures["missing"] == "0"


def test_load_patterns(shipped_patterns_dir: Path) -> None:
    last_line("load_patterns.py", str(shipped_patterns_dir))
