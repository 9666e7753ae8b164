"""Times, counts and round names as every post shows them."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from jinja2 import Environment

from vitalitybot.domain.labels import period_label
from vitalitybot.render.compose import compose
from vitalitybot.render.inert import inert, undo_inert
from vitalitybot.render.terminal import to_terminal
from vitalitybot.render.timestamps import discord_time, local_times
from vitalitybot.render.words import plural

CLOSES = datetime(2026, 11, 3, 9, 0, tzinfo=UTC)  # 10:00 in Berlin, 04:00 in New York


def test_a_moment_in_a_post_is_a_discord_timestamp_each_reader_sees_on_their_own_clock(
    env: Environment,
) -> None:
    template = env.from_string(
        "Open until {{ closes | discord_time }} ({{ closes | discord_time('R') }})"
    )
    text = template.render(closes=CLOSES)
    assert text == f"Open until <t:{int(CLOSES.timestamp())}:F> (<t:{int(CLOSES.timestamp())}:R>)"


def test_only_the_bots_own_timestamps_stay_live_a_written_one_is_defused(
    env: Environment,
) -> None:
    written = f"<t:{int(CLOSES.timestamp())}:F>"  # typed by a member or a pattern author
    text = env.from_string("{{ mine }} / {{ theirs }}").render(
        mine=discord_time(CLOSES), theirs=written
    )
    assert text.startswith(f"{written} / ")
    assert text.endswith(inert(written)) and inert(written) != written


def test_a_naive_moment_is_refused_rather_than_shown_at_the_wrong_hour() -> None:
    with pytest.raises(ValueError, match="time zone"):
        discord_time(datetime(2026, 11, 3, 9, 0))


@pytest.mark.parametrize(
    ("zone", "shown"),
    [
        ("Europe/Berlin", "Tue 3 Nov 2026, 10:00 (Europe/Berlin)"),
        ("America/New_York", "Tue 3 Nov 2026, 04:00 (America/New_York)"),
    ],
)
def test_the_terminal_writes_a_timestamp_out_on_the_communitys_clock(zone: str, shown: str) -> None:
    message = compose(f"# Survey\n## Open until\n{discord_time(CLOSES)}")
    assert shown in to_terminal(message, timezone=zone)
    assert "<t:" not in to_terminal(message, timezone=zone)


def test_every_style_reads_as_a_time_in_the_terminal() -> None:
    stamp = int(CLOSES.timestamp())
    text = local_times(f"<t:{stamp}:D> · <t:{stamp}:t> · <t:{stamp}:R>", "Europe/Berlin")
    assert text == "Tue 3 Nov 2026 · 10:00 (Europe/Berlin) · Tue 3 Nov 2026, 10:00 (Europe/Berlin)"


@pytest.mark.parametrize(
    ("count", "words"),
    [(0, "0 respondents"), (1, "1 respondent"), (2, "2 respondents")],
)
def test_counts_take_the_plural_they_need(count: int, words: str, env: Environment) -> None:
    assert plural(count, "respondent") == words
    assert env.from_string("{{ n | plural('respondent') }}").render(n=count) == words
    people = env.from_string("{{ n | plural('person', 'people') }}").render(n=count)
    assert people == words.replace("respondents", "people").replace("respondent", "person")


@pytest.mark.parametrize(
    ("period", "label"),
    [
        ("2026-12-15", "2026-12-15"),
        ("2026-12-03T06:50-manual", "2026-12-03 06:50"),
        ("2026-12-03T06:50-manual-2", "2026-12-03 06:50 (2)"),
    ],
)
def test_a_round_is_named_by_its_date_never_by_its_internal_key(period: str, label: str) -> None:
    assert period_label(period) == label


def test_text_made_inert_reads_as_written_once_undone() -> None:
    written = "@everyone: *see* <@123> and [this](x) | `code` #1 \\o/"
    assert undo_inert(inert(written)) == written
