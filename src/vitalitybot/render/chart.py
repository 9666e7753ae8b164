"""Signs' scores over time, drawn one way wherever they are shown.

The simulator's run chart and the ``/vitality trend`` picture both draw through these
functions, so a sign looks the same in both and a fix to one is a fix to the other.

Built on a bare matplotlib ``Figure`` (Agg canvas) rather than pyplot, so drawing never
needs a display, leaves no global figure behind and works from any thread (the bot draws
in a worker thread while its event loop keeps answering).

Each sign gets its own look: a colour from Paul Tol's "muted" palette, which stays
distinguishable for the common kinds of colour blindness, and, once its nine colours are
used, the same colours again with another line style, so no two signs ever look alike.
Black is kept for what is not a sign: the threshold (dashed) and the moments a community
made or finished a commitment (vertical lines of their own styles). A point may be
``None``: that round asked the sign but too few answered, and the line breaks there
rather than show a figure.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.dates import AutoDateLocator, ConciseDateFormatter
from matplotlib.figure import Figure
from matplotlib.lines import Line2D

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
THRESHOLD_STYLE = "--"
EVENT_COLOUR = "black"
# How each kind of moment on the time axis is drawn: its line style and legend label.
EVENT_STYLES = {"made": (":", "commitment made"), "done": ("-.", "commitment done")}
PERCENT_MARGIN = 4.0  # beyond 0% and 100%, so markers on the edge are drawn whole
TIME_MARGIN = 0.03  # of the span, before the first round and after the last
EVENT_LABEL_MAX = 28

LineStyle = str | tuple[int, tuple[int, ...]]


def sign_style(n: int) -> tuple[str, LineStyle]:
    """The colour and line style of the ``n``-th sign: no two alike for 36 signs."""
    colour = PALETTE[n % len(PALETTE)]
    return colour, LINE_STYLES[(n // len(PALETTE)) % len(LINE_STYLES)]


@dataclass(frozen=True, slots=True)
class Mark:
    """A marker on a sign's line, e.g. a suggestion posted after that round."""

    when: datetime
    share: float  # percent
    marker: str
    size: float = 8.0


@dataclass(frozen=True, slots=True)
class SignLine:
    label: str
    points: tuple[tuple[datetime, float | None], ...]  # percent; None: too few answers
    marks: tuple[Mark, ...] = ()


@dataclass(frozen=True, slots=True)
class Event:
    """A moment on the time axis: ``kind`` is a key of ``EVENT_STYLES``."""

    when: datetime
    kind: str
    label: str


def new_figure(width: float, height: float) -> Figure:
    figure = Figure(figsize=(width, height), dpi=100, layout="constrained")
    FigureCanvasAgg(figure)
    return figure


def draw_sign_lines(axes: Axes, lines: Sequence[SignLine]) -> None:
    """Each line in the look of its place in ``lines`` (empty ones keep their place)."""
    for n, line in enumerate(lines):
        if not line.points:
            continue
        colour, style = sign_style(n)
        axes.plot(
            [when for when, _ in line.points],  # type: ignore[arg-type]
            [float("nan") if share is None else share for _, share in line.points],
            color=colour,
            linestyle=style,
            linewidth=1.8,
            marker=".",
            label=line.label,
            clip_on=False,
        )
        for mark in line.marks:
            axes.plot(
                [mark.when],  # type: ignore[arg-type]
                [mark.share],
                linestyle="none",
                marker=mark.marker,
                markersize=mark.size,
                markerfacecolor=colour,
                markeredgecolor="black",
                clip_on=False,
            )


def draw_threshold(axes: Axes, percent: float) -> None:
    axes.axhline(percent, color=EVENT_COLOUR, linestyle=THRESHOLD_STYLE, linewidth=1.2)
    axes.annotate(
        f"threshold {percent:.0f}%",
        xy=(0.005, percent),
        xycoords=("axes fraction", "data"),
        xytext=(0, 4),
        textcoords="offset points",
        fontsize=9,
    )


def percent_axis(axes: Axes, label: str) -> None:
    """0% to 100%, with room for markers on either edge."""
    axes.set_ylim(-PERCENT_MARGIN, 100 + PERCENT_MARGIN)
    axes.set_yticks(range(0, 101, 20))
    axes.set_ylabel(label)
    axes.grid(alpha=0.3)


def draw_events(axes: Axes, events: Sequence[Event]) -> list[Line2D]:
    """A vertical line per event, its words along it; returns one legend handle per kind."""
    kinds: dict[str, Line2D] = {}
    for event in events:
        style, label = EVENT_STYLES[event.kind]
        kinds[event.kind] = axes.axvline(
            event.when,  # type: ignore[arg-type]
            color=EVENT_COLOUR,
            linestyle=style,
            linewidth=1.2,
            label=label,
        )
        words = event.label
        if len(words) > EVENT_LABEL_MAX:
            words = words[: EVENT_LABEL_MAX - 1] + "…"
        axes.annotate(
            words,
            xy=(event.when, 1.0),
            xycoords=("data", "axes fraction"),
            xytext=(3, -4),
            textcoords="offset points",
            rotation=90,
            va="top",
            fontsize=8,
        )
    return [kinds[kind] for kind in EVENT_STYLES if kind in kinds]


def time_axis(axes: Axes, first: datetime, last: datetime, zone: ZoneInfo) -> None:
    """From a little before ``first`` to a little after ``last``, with ticks that suit the
    span (matplotlib's ``AutoDateLocator``): days for a month, months for a year, years
    beyond."""
    first, last = first.astimezone(zone), last.astimezone(zone)
    margin = max((last - first) * TIME_MARGIN, timedelta(days=1))
    # Datetimes go through matplotlib's date converter; its stubs only list numbers.
    axes.set_xlim(first - margin, last + margin)  # type: ignore[arg-type]
    locator = AutoDateLocator(tz=zone)  # type: ignore[no-untyped-call]
    axes.xaxis.set_major_locator(locator)
    axes.xaxis.set_major_formatter(ConciseDateFormatter(locator, tz=zone))  # type: ignore[no-untyped-call]


def empty_note(axes: Axes, text: str) -> None:
    axes.text(0.5, 0.5, text, transform=axes.transAxes, ha="center", color="#777777")


def save(figure: Figure, target: io.BytesIO | str, chart_format: str = "png") -> None:
    """Without a date or software version in the file, the same data give the same bytes."""
    metadata: dict[str, str | None] = (
        {"Software": None} if chart_format == "png" else {"Date": None}
    )
    figure.savefig(target, format=chart_format, metadata=metadata)


def png_bytes(figure: Figure) -> bytes:
    buffer = io.BytesIO()
    save(figure, buffer)
    return buffer.getvalue()
