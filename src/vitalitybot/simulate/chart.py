"""The run as a picture: each decay sign's score per survey, against the threshold.

Drawn by ``render/chart.py``, the same code that draws ``/vitality trend``, so a sign
looks alike in both (its own colour-blind-safe colour and line style). A sign is plotted
only in the surveys that asked it and where enough people answered (the survey rotates
its items, and figures below the minimum are never shown); a marker shows the surveys
after which the bot posted a suggestion for it. Below the scores, how many members
answered each round.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

from vitalitybot.domain.records import RoundKind, RoundStatus, SuggestionKind
from vitalitybot.render.chart import (
    Mark,
    SignLine,
    draw_sign_lines,
    draw_threshold,
    empty_note,
    new_figure,
    percent_axis,
    save,
    time_axis,
)
from vitalitybot.simulate.report import Report, SignColumn

_MARKERS = {SuggestionKind.REMEDY: "o", SuggestionKind.REPLANT: "*", SuggestionKind.REFLECT: "s"}
_LABEL_MAX = 34
FORMATS = {".png": "png", ".svg": "svg"}


def draw_chart(report: Report, path: Path, title: str) -> Path:
    """Write the chart to ``path`` (folders created), PNG or SVG by its suffix; return it."""
    chart_format = FORMATS.get(path.suffix.lower())
    if chart_format is None:
        raise ValueError(f"{path}: a chart is written as .png or .svg")
    figure = build_figure(report, title)
    path.parent.mkdir(parents=True, exist_ok=True)
    save(figure, str(path), chart_format)
    return path


def build_figure(report: Report, title: str) -> Figure:
    """The chart as a figure: scores per survey above, members who answered below."""
    zone = ZoneInfo(report.community.timezone)
    figure = new_figure(12, 7.5)
    scores_ax, people_ax = figure.subplots(2, 1, sharex=True, gridspec_kw={"height_ratios": [4, 1]})
    draw_sign_lines(scores_ax, [_line(report, column, zone) for column in report.signs])
    draw_threshold(scores_ax, report.share * 100)
    percent_axis(scores_ax, "respondents seeing it often or constantly (%)")
    scores_ax.set_title(title)
    handles, _ = scores_ax.get_legend_handles_labels()
    if not handles:
        empty_note(scores_ax, "no sign had enough answers to show")
    scores_ax.legend(
        handles=handles,  # given even when empty: matplotlib warns when it finds none
        loc="upper left",
        bbox_to_anchor=(1.01, 1.0),
        fontsize=8.5,
        title="signs of decay  (● remedy, ★ replant)",
        title_fontsize=9,
        frameon=False,
    )
    _participation(report, people_ax, zone)
    if report.rounds:
        first = min(r.round.opened_at for r in report.rounds)
        last = max(r.round.closes_at for r in report.rounds)
        time_axis(people_ax, first, last, zone)
    return figure


def _line(report: Report, column: SignColumn, zone: ZoneInfo) -> SignLine:
    """The sign's visible scores (surveys that asked it with enough answers), each with a
    marker per suggestion posted for it after that survey."""
    points: list[tuple[datetime, float | None]] = []
    marks: list[Mark] = []
    for row in report.surveys:
        score = row.score(column)
        if score is None or not score.visible or score.share_high is None:
            continue
        when = row.round.opened_at.astimezone(zone)
        share = score.share_high * 100
        points.append((when, share))
        marks.extend(
            Mark(
                when,
                share,
                _MARKERS.get(m.kind, "D"),
                13 if m.kind is SuggestionKind.REPLANT else 8,
            )
            for m in row.suggestions
            if m.pattern_slug == column.pattern_slug and m.sign_id == column.sign_id
        )
    return SignLine(_label(column), tuple(points), tuple(marks))


def _participation(report: Report, axes: Axes, zone: ZoneInfo) -> None:
    """How many members answered each round, check-ins and surveys side by side: the
    count a bot knows with or without the members intent."""
    most = 0
    for kind, colour in ((RoundKind.CHECKIN, "#777777"), (RoundKind.SURVEY, "#332288")):
        rows = [
            r
            for r in report.rounds
            if r.round.kind is kind and r.round.status is RoundStatus.CLOSED
        ]
        xs = [r.round.opened_at.astimezone(zone) for r in rows]
        ys = [r.answered for r in rows]
        most = max([most, *ys])
        label = "check-ins" if kind is RoundKind.CHECKIN else "surveys"
        axes.plot(
            xs,  # type: ignore[arg-type]
            ys,
            color=colour,
            linestyle="-" if kind is RoundKind.SURVEY else ":",
            marker="o",
            markersize=4,
            linewidth=1.4,
            label=label,
            clip_on=False,
        )
    axes.set_ylim(0, max(most, 1) * 1.15)
    axes.yaxis.set_major_locator(MaxNLocator(integer=True))  # people come whole
    axes.set_ylabel("answered")
    axes.grid(alpha=0.3)
    axes.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize=8.5, frameon=False)


def _label(column: SignColumn) -> str:
    title = column.title if len(column.title) <= _LABEL_MAX else column.title[: _LABEL_MAX - 1]
    return f"{column.code} {title}" + ("…" if title != column.title else "")
