"""The chart: a PNG of each decay sign's score per survey, written where asked."""

from __future__ import annotations

from pathlib import Path

from vitalitybot.simulate.chart import draw_chart

from .conftest import Run

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def test_the_chart_is_a_png_written_into_a_new_folder(year: Run, tmp_path: Path) -> None:
    path = draw_chart(year.result.report, tmp_path / "nested" / "chart.png", "A year")
    data = path.read_bytes()
    assert data.startswith(PNG_SIGNATURE)
    assert len(data) > 20_000  # lines, legend and labels, not an empty canvas


def test_the_runs_own_chart_exists(year: Run) -> None:
    assert year.result.chart.read_bytes().startswith(PNG_SIGNATURE)
