"""The shared chart drawing: every sign its own look, gaps where too few answered, and
commitments as moments on the time axis."""

from __future__ import annotations

import math
from datetime import UTC, datetime, timedelta

from vitalitybot.render.chart import (
    EVENT_STYLES,
    PALETTE,
    THRESHOLD_STYLE,
    Event,
    SignLine,
    draw_events,
    draw_sign_lines,
    new_figure,
    sign_style,
)

START = datetime(2026, 1, 5, 8, tzinfo=UTC)


def month(n: int) -> datetime:
    return START + timedelta(days=30 * n)


def test_styles_stay_distinct_well_beyond_the_palette() -> None:
    looks = [sign_style(n) for n in range(4 * len(PALETTE))]
    assert len(set(map(str, looks))) == len(looks)
    assert all(style != THRESHOLD_STYLE for _, style in looks)  # the threshold's own


def test_a_round_with_too_few_answers_breaks_the_line_instead_of_showing_a_figure() -> None:
    axes = new_figure(6, 4).subplots()
    draw_sign_lines(
        axes,
        [SignLine("Writing nobody reads", ((month(0), 73.0), (month(1), None), (month(2), 40.0)))],
    )
    [line] = axes.get_lines()
    ys = [float(y) for y in line.get_ydata()]  # type: ignore[union-attr]
    assert ys[0] == 73.0 and math.isnan(ys[1]) and ys[2] == 40.0


def test_an_empty_line_keeps_its_place_so_the_next_keeps_its_look() -> None:
    axes = new_figure(6, 4).subplots()
    draw_sign_lines(axes, [SignLine("never shown", ()), SignLine("shown", ((month(0), 50.0),))])
    [line] = axes.get_lines()
    assert (line.get_color(), line.get_linestyle()) == (sign_style(1)[0], "-")


def test_a_commitment_made_and_done_are_two_moments_with_one_legend_entry_each() -> None:
    axes = new_figure(6, 4).subplots()
    handles = draw_events(
        axes,
        [
            Event(month(1), "made", "Pin one guide a month"),
            Event(month(2), "made", "Take turns hosting"),
            Event(month(3), "done", "Pin one guide a month"),
        ],
    )
    assert [h.get_label() for h in handles] == [EVENT_STYLES["made"][1], EVENT_STYLES["done"][1]]
    assert len(axes.get_lines()) == 3
    styles = {line.get_linestyle() for line in axes.get_lines()}
    assert THRESHOLD_STYLE not in styles and len(styles) == 2
    assert [t.get_text() for t in axes.texts] == [
        "Pin one guide a month",
        "Take turns hosting",
        "Pin one guide a month",
    ]
