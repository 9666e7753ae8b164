"""The chart: each decay sign's score per survey, every line its own look, nothing cut off."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from matplotlib.axes import Axes
from matplotlib.dates import date2num
from matplotlib.figure import Figure

from vitalitybot.domain.records import RoundStatus
from vitalitybot.render.chart import PALETTE
from vitalitybot.simulate.chart import build_figure, draw_chart
from vitalitybot.simulate.report import Report, RoundReport
from vitalitybot.simulate.run import add_months

from .conftest import Run

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def sign_lines(axes: Axes) -> list[tuple[object, object]]:
    """(colour, line style) of every line the legend names."""
    return [
        (line.get_color(), line.get_linestyle())
        for line in axes.get_lines()
        if not str(line.get_label()).startswith("_")
    ]


def tick_labels(figure: Figure) -> list[str]:
    figure.canvas.draw()
    axes = figure.axes[1]  # the lower panel carries the shared dates
    return [label.get_text() for label in axes.get_xticklabels() if label.get_text()]


def spanning(report: Report, months: int) -> Report:
    """The year's report cut or stretched to one closed round a month for ``months``."""
    template = report.rounds[0]
    start = template.round.opened_at
    rounds = []
    for n in range(months):
        opened = add_months(start, n)
        round_ = replace(
            template.round,
            id=n + 1,
            opened_at=opened,
            closes_at=opened + timedelta(days=5),
            status=RoundStatus.CLOSED,
        )
        rounds.append(RoundReport(round_, answered=4, skipped=0, scores=(), suggestions=()))
    return replace(report, rounds=tuple(rounds))


def test_the_chart_is_a_png_written_into_a_new_folder(year: Run, tmp_path: Path) -> None:
    path = draw_chart(year.result.report, tmp_path / "nested" / "chart.png", "A year")
    data = path.read_bytes()
    assert data.startswith(PNG_SIGNATURE)
    assert len(data) > 20_000  # lines, legend and labels, not an empty canvas


def test_a_chart_asked_for_as_svg_is_svg(year: Run, tmp_path: Path) -> None:
    data = draw_chart(year.result.report, tmp_path / "chart.svg", "A year").read_text()
    assert data.startswith(("<?xml", "<svg")) and "<svg" in data


def test_a_chart_of_another_format_is_refused(year: Run, tmp_path: Path) -> None:
    with pytest.raises(ValueError, match=r"\.png or \.svg"):
        draw_chart(year.result.report, tmp_path / "chart.jpg", "A year")
    assert not (tmp_path / "chart.jpg").exists()


def test_the_runs_own_chart_exists(year: Run) -> None:
    assert year.result.chart.read_bytes().startswith(PNG_SIGNATURE)


def test_every_sign_has_its_own_colour_and_line_style(year: Run) -> None:
    figure = build_figure(year.result.report, "A year")
    looks = sign_lines(figure.axes[0])
    assert len(looks) >= 11  # more signs than the palette has colours
    assert len(set(looks)) == len(looks)
    assert {colour for colour, _ in looks} <= set(PALETTE)


def test_no_marker_touches_the_frame(year: Run) -> None:
    figure = build_figure(year.result.report, "A year")
    for axes in figure.axes:
        low, high = axes.get_ylim()
        left, right = axes.get_xlim()
        for line in axes.get_lines():
            ys = [float(y) for y in line.get_ydata()]  # type: ignore[union-attr]
            xs = [float(date2num(x)) for x in line.get_xdata()]  # type: ignore[union-attr]
            if line.get_linestyle() == "--":  # the threshold, drawn across the whole frame
                continue
            assert low < min(ys) and max(ys) < high, line.get_label()
            assert left < min(xs) and max(xs) < right, line.get_label()
    shares = [y for line in figure.axes[0].get_lines() for y in line.get_ydata()]  # type: ignore[union-attr]
    assert 0 in shares and 100 in shares  # the year has both edges to show


def test_one_month_is_ticked_by_day(year: Run) -> None:
    labels = tick_labels(build_figure(spanning(year.result.report, 1), "A month"))
    assert len(labels) >= 3
    assert len(set(labels)) == len(labels)


def test_five_years_are_ticked_sparsely_and_by_year(year: Run) -> None:
    labels = tick_labels(build_figure(spanning(year.result.report, 60), "Five years"))
    assert 3 <= len(labels) <= 16
    assert len(set(labels)) == len(labels)
    assert {"2027", "2028", "2029", "2030"} <= set(labels)


def test_the_time_axis_covers_the_rounds(year: Run) -> None:
    figure = build_figure(year.result.report, "A year")
    left, right = figure.axes[1].get_xlim()
    rounds = year.result.report.rounds
    assert left < date2num(min(r.round.opened_at for r in rounds))
    assert right > date2num(max(r.round.closes_at for r in rounds))
    assert isinstance(rounds[0].round.opened_at, datetime)
