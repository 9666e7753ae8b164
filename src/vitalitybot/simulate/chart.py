"""The run as a picture: each decay sign's score per survey, against the threshold.

Built on a bare matplotlib ``Figure`` (Agg canvas) rather than pyplot, so drawing never
needs a display, leaves no global figure behind and works from any thread. A sign is
plotted only in the surveys that asked it and where enough people answered (the survey
rotates its items, and figures below the minimum are never shown); a marker shows the
surveys after which the bot posted a suggestion for it.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from matplotlib import colormaps
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.dates import DateFormatter
from matplotlib.figure import Figure

from vitalitybot.domain.records import RoundKind, RoundStatus, SuggestionKind
from vitalitybot.simulate.report import Report, SignColumn

_MARKERS = {SuggestionKind.REMEDY: "o", SuggestionKind.REPLANT: "*", SuggestionKind.REFLECT: "s"}
_LABEL_MAX = 34
_PALETTE = colormaps["tab10"]
# One line style per pattern (the threshold alone is dashed), so that two signs sharing
# a colour once the palette wraps round still look different.
_LINE_STYLES = ("-", "-.", ":")


def draw_chart(report: Report, path: Path, title: str) -> Path:
    """Write the PNG to ``path`` (folders created) and return it."""
    zone = ZoneInfo(report.community.timezone)
    figure = Figure(figsize=(12, 7.5), dpi=100, layout="constrained")
    FigureCanvasAgg(figure)
    scores_ax, people_ax = figure.subplots(2, 1, sharex=True, gridspec_kw={"height_ratios": [4, 1]})
    patterns = list(dict.fromkeys(c.pattern_slug for c in report.signs))
    for n, column in enumerate(report.signs):
        colour = _PALETTE(n % _PALETTE.N)
        style = _LINE_STYLES[patterns.index(column.pattern_slug) % len(_LINE_STYLES)]
        points = _points(report, column, zone)
        if not points:
            continue
        xs = [when for when, _, _ in points]
        ys = [share for _, share, _ in points]
        scores_ax.plot(
            xs, ys, color=colour, linestyle=style, linewidth=1.8, marker=".", label=_label(column)
        )
        for when, share, kinds in points:
            for kind in kinds:
                scores_ax.plot(
                    [when],
                    [share],
                    linestyle="none",
                    marker=_MARKERS.get(kind, "D"),
                    markersize=13 if kind is SuggestionKind.REPLANT else 8,
                    markerfacecolor=colour,
                    markeredgecolor="black",
                )
    threshold = report.share * 100
    scores_ax.axhline(threshold, color="black", linestyle="--", linewidth=1.2)
    scores_ax.annotate(
        f"threshold {threshold:.0f}%",
        xy=(0.005, threshold),
        xycoords=("axes fraction", "data"),
        xytext=(0, 4),
        textcoords="offset points",
        fontsize=9,
    )
    scores_ax.set_ylim(0, 100)
    scores_ax.set_ylabel("respondents seeing it often or constantly (%)")
    scores_ax.set_title(title)
    scores_ax.grid(alpha=0.3)
    scores_ax.legend(
        loc="upper left",
        bbox_to_anchor=(1.01, 1.0),
        fontsize=8.5,
        title="signs of decay  (● remedy, ★ replant)",
        title_fontsize=9,
        frameon=False,
    )
    _participation(report, people_ax, zone)
    months = DateFormatter("%b %Y", tz=zone)  # type: ignore[no-untyped-call]
    people_ax.xaxis.set_major_formatter(months)
    path.parent.mkdir(parents=True, exist_ok=True)
    figure.savefig(path, format="png", metadata={"Software": None})
    return path


def _points(
    report: Report, column: SignColumn, zone: ZoneInfo
) -> list[tuple[datetime, float, list[SuggestionKind]]]:
    points = []
    for row in report.surveys:
        score = row.score(column)
        if score is None or not score.visible or score.share_high is None:
            continue
        kinds = [
            m.kind
            for m in row.suggestions
            if m.pattern_slug == column.pattern_slug and m.sign_id == column.sign_id
        ]
        points.append((row.round.opened_at.astimezone(zone), score.share_high * 100, kinds))
    return points


def _participation(report: Report, axes: Axes, zone: ZoneInfo) -> None:
    """Share of members who answered each round, check-ins and surveys side by side."""
    for kind, colour in ((RoundKind.CHECKIN, "#8c8c8c"), (RoundKind.SURVEY, "#4c72b0")):
        rows = [
            r
            for r in report.rounds
            if r.round.kind is kind
            and r.round.status is RoundStatus.CLOSED
            and r.round.eligible_members
        ]
        xs = [r.round.opened_at.astimezone(zone) for r in rows]
        ys = [100 * r.answered / (r.round.eligible_members or 1) for r in rows]
        label = "check-ins" if kind is RoundKind.CHECKIN else "surveys"
        # Datetimes go through matplotlib's date converter; its stubs only list numbers.
        axes.plot(
            xs,  # type: ignore[arg-type]
            ys,
            color=colour,
            marker="o",
            markersize=4,
            linewidth=1.4,
            label=label,
        )
    axes.set_ylim(0, 100)
    axes.set_ylabel("answered (%)")
    axes.grid(alpha=0.3)
    axes.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize=8.5, frameon=False)


def _label(column: SignColumn) -> str:
    title = column.title if len(column.title) <= _LABEL_MAX else column.title[: _LABEL_MAX - 1]
    return f"{column.code} {title}" + ("…" if title != column.title else "")
