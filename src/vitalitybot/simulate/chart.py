"""The run as a picture: each decay sign's score per survey, against the threshold.

Built on a bare matplotlib ``Figure`` (Agg canvas) rather than pyplot, so drawing never
needs a display, leaves no global figure behind and works from any thread. A sign is
plotted only in the surveys that asked it and where enough people answered (the survey
rotates its items, and figures below the minimum are never shown); a marker shows the
surveys after which the bot posted a suggestion for it.

Each sign gets its own look: a colour from Paul Tol's "muted" palette, which stays
distinguishable for the common kinds of colour blindness, and, once its nine colours are
used, the same colours again with another line style, so no two signs ever look alike.
The axes reach a little past 0% and 100% and past the first and last round, so a marker
at either edge is drawn whole, and dates are ticked by matplotlib's ``AutoDateLocator``,
which picks days for a one-month run and months or years for a long one.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.dates import AutoDateLocator, ConciseDateFormatter
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

from vitalitybot.domain.records import RoundKind, RoundStatus, SuggestionKind
from vitalitybot.simulate.report import Report, SignColumn

_MARKERS = {SuggestionKind.REMEDY: "o", SuggestionKind.REPLANT: "*", SuggestionKind.REFLECT: "s"}
_LABEL_MAX = 34
# Paul Tol's "muted" scheme (https://personal.sron.nl/~pault/), without its grey.
PALETTE = (
    "#CC6677",
    "#332288",
    "#DDCC77",
    "#117733",
    "#88CCEE",
    "#882255",
    "#44AA99",
    "#999933",
    "#AA4499",
)
# Beyond the palette, the colours come round again with the next style (the threshold
# alone is dashed, so no sign is).
LINE_STYLES = ("-", ":", "-.", (0, (5, 1, 1, 1, 1, 1)))
FORMATS = {".png": "png", ".svg": "svg"}
_PERCENT_MARGIN = 4.0  # beyond 0% and 100%, so markers on the edge are drawn whole
_TIME_MARGIN = 0.03  # of the run's span, before the first round and after the last


def sign_style(n: int) -> tuple[str, str | tuple[int, tuple[int, ...]]]:
    """The colour and line style of the ``n``-th sign: no two alike for 36 signs."""
    colour = PALETTE[n % len(PALETTE)]
    return colour, LINE_STYLES[(n // len(PALETTE)) % len(LINE_STYLES)]


def draw_chart(report: Report, path: Path, title: str) -> Path:
    """Write the chart to ``path`` (folders created), PNG or SVG by its suffix; return it."""
    chart_format = FORMATS.get(path.suffix.lower())
    if chart_format is None:
        raise ValueError(f"{path}: a chart is written as .png or .svg")
    figure = build_figure(report, title)
    path.parent.mkdir(parents=True, exist_ok=True)
    # Without a date or software version in the file, the same run gives the same bytes.
    metadata: dict[str, str | None] = (
        {"Software": None} if chart_format == "png" else {"Date": None}
    )
    figure.savefig(path, format=chart_format, metadata=metadata)
    return path


def build_figure(report: Report, title: str) -> Figure:
    """The chart as a figure: scores per survey above, members who answered below."""
    zone = ZoneInfo(report.community.timezone)
    figure = Figure(figsize=(12, 7.5), dpi=100, layout="constrained")
    FigureCanvasAgg(figure)
    scores_ax, people_ax = figure.subplots(2, 1, sharex=True, gridspec_kw={"height_ratios": [4, 1]})
    for n, column in enumerate(report.signs):
        colour, style = sign_style(n)
        points = _points(report, column, zone)
        if not points:
            continue
        xs = [when for when, _, _ in points]
        ys = [share for _, share, _ in points]
        scores_ax.plot(
            xs,
            ys,
            color=colour,
            linestyle=style,
            linewidth=1.8,
            marker=".",
            label=_label(column),
            clip_on=False,
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
                    clip_on=False,
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
    scores_ax.set_ylim(-_PERCENT_MARGIN, 100 + _PERCENT_MARGIN)
    scores_ax.set_yticks(range(0, 101, 20))
    scores_ax.set_ylabel("respondents seeing it often or constantly (%)")
    scores_ax.set_title(title)
    scores_ax.grid(alpha=0.3)
    handles, _ = scores_ax.get_legend_handles_labels()
    if not handles:
        scores_ax.text(
            0.5,
            0.5,
            "no sign had enough answers to show",
            transform=scores_ax.transAxes,
            ha="center",
            color="#777777",
        )
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
    _time_axis(report, people_ax, zone)
    return figure


def _time_axis(report: Report, axes: Axes, zone: ZoneInfo) -> None:
    """From a little before the first round to a little after the last one closed, with
    ticks that suit the span: days for a month, months for a year, years beyond."""
    if report.rounds:
        first = min(r.round.opened_at for r in report.rounds).astimezone(zone)
        last = max(r.round.closes_at for r in report.rounds).astimezone(zone)
        margin = max((last - first) * _TIME_MARGIN, timedelta(days=1))
        # Datetimes go through matplotlib's date converter; its stubs only list numbers.
        axes.set_xlim(first - margin, last + margin)  # type: ignore[arg-type]
    locator = AutoDateLocator(tz=zone)  # type: ignore[no-untyped-call]
    axes.xaxis.set_major_locator(locator)
    axes.xaxis.set_major_formatter(ConciseDateFormatter(locator, tz=zone))  # type: ignore[no-untyped-call]


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
