"""The PNG attached to ``/vitality status``: the latest survey's signs and recent participation.

Drawn with matplotlib's object API (a ``Figure`` of its own, no pyplot state), so it can
run in a worker thread while the event loop keeps answering. Only what the services hand
out is drawn: a sign below the minimum number of respondents has no figure, and gets
none here either ("too few answers").
"""

from __future__ import annotations

import io
import textwrap
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from vitalitybot.domain.records import RoundStatus
from vitalitybot.services import CommunityStatus

if TYPE_CHECKING:
    from matplotlib.axes import Axes

DECAY_COLOUR = "#c0504d"
LIFE_COLOUR = "#3b8f5a"
MUTED = "#8a8a8a"
LABEL_WIDTH = 28
ROUNDS_SHOWN = 8


def status_chart(status: CommunityStatus) -> bytes:
    """The chart as PNG bytes; slow-ish (100 ms), so call it via ``asyncio.to_thread``."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    figure = Figure(figsize=(10, 4.8), dpi=100, layout="constrained")
    FigureCanvasAgg(figure)
    signs, rounds = figure.subplots(1, 2, width_ratios=(3, 2))
    _draw_signs(signs, status)
    _draw_rounds(rounds, status)
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png")
    return buffer.getvalue()


def _draw_signs(ax: Axes, status: CommunityStatus) -> None:
    scores = status.last_scores
    survey = status.last_scores_round
    when = ""
    if survey is not None:
        local = survey.opened_at.astimezone(ZoneInfo(status.community.timezone))
        when = f" ({local.day} {local:%b %Y})"
    ax.set_title(f"Latest survey{when}: who sees each sign often", fontsize=10)
    if not scores:
        ax.text(0.5, 0.5, "No survey has closed yet", ha="center", va="center", color=MUTED)
        ax.set_axis_off()
        return
    positions = list(range(len(scores)))
    ax.barh(
        positions,
        [(s.share_high or 0.0) * 100 for s in scores],
        color=[
            (DECAY_COLOUR if s.is_decay else LIFE_COLOUR) if s.visible else MUTED for s in scores
        ],
    )
    for y, score in zip(positions, scores, strict=True):
        if not score.visible:
            ax.text(1, y, "too few answers", va="center", fontsize=8, color=MUTED)
    ax.axvline(status.community.threshold * 100, color="#444444", linestyle="--", linewidth=1)
    labels = [textwrap.shorten(s.sign_title, LABEL_WIDTH, placeholder="…") for s in scores]
    ax.set_yticks(positions, labels, fontsize=8)
    ax.invert_yaxis()
    ax.set_xlim(0, 100)
    ax.set_xlabel(
        "% answering often or constantly (red: decay, green: life; dashed: threshold)", fontsize=8
    )


def _draw_rounds(ax: Axes, status: CommunityStatus) -> None:
    from matplotlib.ticker import MaxNLocator

    ax.set_title("Answers per round", fontsize=10)
    views = [v for v in reversed(status.recent_rounds) if v.round.status is not RoundStatus.MISSED]
    views = views[-ROUNDS_SHOWN:]
    if not views:
        ax.text(0.5, 0.5, "No rounds yet", ha="center", va="center", color=MUTED)
        ax.set_axis_off()
        return
    positions = list(range(len(views)))
    ax.bar(positions, [v.participation.respondents for v in views], color=LIFE_COLOUR)
    for x, view in zip(positions, views, strict=True):
        rate = view.participation.rate
        if rate is not None:
            ax.text(x, view.participation.respondents, f"{rate:.0%}", ha="center", va="bottom")
    zone = ZoneInfo(status.community.timezone)
    labels = [f"{v.round.kind.value}\n{v.round.opened_at.astimezone(zone):%d %b}" for v in views]
    ax.set_xticks(positions, labels, fontsize=7)
    ax.set_ylabel("members who answered", fontsize=8)
    ax.yaxis.set_major_locator(MaxNLocator(integer=True))
