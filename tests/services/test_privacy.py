"""The minimum is each round's promise: settings changed later reach later rounds only,
and an anonymous community cannot ask for fewer than three answers."""

from __future__ import annotations

from datetime import timedelta

import pytest

from vitalitybot.domain.records import Community, Round
from vitalitybot.render.terminal import to_terminal
from vitalitybot.scheduling.clock import ManualClock
from vitalitybot.services import (
    InvalidSetting,
    Services,
    close_round,
    current_scores,
    open_round,
    privacy_settings,
    set_options,
    set_privacy,
    set_threshold,
    status,
    status_message,
)
from vitalitybot.simulate.report import HIDDEN, collect, render

from .conftest import Setup
from .fakes import RecordingNotifier
from .support import GUILD, MEMBERS, OTHER_GUILD, adopt, open_survey, rate


@pytest.fixture
async def five(svc: Services, setup: Setup) -> Community:
    """The main test guild, watching a pattern, its rounds promising five answers."""
    community = await setup()
    await adopt(svc)
    await set_threshold(svc, community.id, 0.5, min_respondents=5)
    return community


async def _survey_answered_by_three(
    svc: Services, community: Community, clock: ManualClock, period: str
) -> Round:
    clock.advance(timedelta(days=7))  # from Monday 5 January: the period is the local date
    round_ = await open_survey(svc, community, period)
    await rate(svc, round_, MEMBERS[:3], {"no-feedback": 5})
    return round_


def _results_of(notifier: RecordingNotifier, round_: Round) -> str:
    [post] = [p for p in notifier.of("results") if p.round_id == round_.id]
    return post.text


async def test_lowering_the_minimum_shows_nothing_more_of_rounds_already_open_or_closed(
    svc: Services, five: Community, notifier: RecordingNotifier, clock: ManualClock
) -> None:
    community = five
    closed = await _survey_answered_by_three(svc, community, clock, "2026-01-12")
    await close_round(svc, community.id, closed.id)
    still_open = await _survey_answered_by_three(svc, community, clock, "2026-01-19")

    await set_threshold(svc, community.id, 0.5, min_respondents=3)
    await close_round(svc, community.id, still_open.id)
    later = await _survey_answered_by_three(svc, community, clock, "2026-01-26")
    await close_round(svc, community.id, later.id)

    # The results posts of both earlier rounds keep their promise of five ...
    for round_ in (closed, still_open):
        assert "only once at least 5 people have answered" in _results_of(notifier, round_)
        assert not any(s.visible for s in await current_scores(svc, GUILD, round_.id))
    # ... while the round opened after the change shows its figures from three.
    assert "No feedback: mean 5.0" in _results_of(notifier, later)
    # The simulation's table (the run's export) hides the earlier rounds' figures too.
    table = render(await collect(svc, GUILD, community.id)).splitlines()
    for round_ in (closed, still_open):
        line = next(li for li in table if li.startswith(round_.period))
        assert HIDDEN in line and line.count("%") == 1  # the participation, no score


async def test_status_and_its_chart_input_follow_the_latest_surveys_own_minimum(
    svc: Services, five: Community, clock: ManualClock
) -> None:
    community = five
    survey = await _survey_answered_by_three(svc, community, clock, "2026-01-13")
    await close_round(svc, community.id, survey.id)

    await set_threshold(svc, community.id, 0.5, min_respondents=3)
    shown = await status(svc, community.id)

    assert shown.last_scores and not any(s.visible for s in shown.last_scores)
    text = to_terminal(status_message(svc, shown), 1000)
    assert "No feedback: not enough answers yet (fewer than 5)" in text
    assert "at least 5 respondents (the latest survey's minimum)" in text
    assert "New rounds are anonymous and show no figure under 3 answers" in text


async def test_raising_the_minimum_leaves_a_round_already_open_at_its_own(
    svc: Services, setup: Setup, notifier: RecordingNotifier, clock: ManualClock
) -> None:
    community = await setup()
    await adopt(svc)
    open_before = await _survey_answered_by_three(svc, community, clock, "2026-01-13")

    await set_threshold(svc, community.id, 0.5, min_respondents=5)
    await close_round(svc, community.id, open_before.id)
    later = await _survey_answered_by_three(svc, community, clock, "2026-01-20")
    await close_round(svc, community.id, later.id)

    assert "No feedback: mean 5.0" in _results_of(notifier, open_before)
    assert "only once at least 5 people have answered" in _results_of(notifier, later)


@pytest.mark.parametrize("minimum", [1, 2])
async def test_an_anonymous_community_cannot_choose_fewer_than_three(
    svc: Services, setup: Setup, minimum: int
) -> None:
    community = await setup()

    with pytest.raises(InvalidSetting, match="Anonymous rounds need at least 3 answers"):
        await set_privacy(svc, community.id, min_respondents=minimum)
    with pytest.raises(InvalidSetting, match="Anonymous rounds need at least 3 answers"):
        await set_threshold(svc, community.id, 0.5, min_respondents=minimum)
    with pytest.raises(InvalidSetting, match="Anonymous rounds need at least 3 answers"):
        await set_privacy(svc, community.id, anonymous=True, min_respondents=minimum)

    assert (await privacy_settings(svc, community.id)).community.min_respondents == 3


async def test_a_named_community_may_go_lower_and_turning_anonymous_raises_it(
    svc: Services, setup: Setup, clock: ManualClock
) -> None:
    community = await setup()
    await adopt(svc)

    named = await set_privacy(svc, community.id, anonymous=False, min_respondents=2)
    named_round = await open_survey(svc, community, "2026-01-13")
    with pytest.raises(InvalidSetting, match="Anonymous rounds need at least 3"):
        await set_privacy(svc, community.id, anonymous=True, min_respondents=2)
    turned = await set_privacy(svc, community.id, anonymous=True)

    assert (named.community.anonymous, named.next_minimum) == (False, 2)
    assert (named_round.anonymous, named_round.min_respondents) == (False, 2)
    assert (turned.community.anonymous, turned.community.min_respondents) == (True, 3)
    assert turned.raised_from == 2
    # The older Python API follows the same rule.
    await set_privacy(svc, community.id, anonymous=False, min_respondents=1)
    assert (await set_options(svc, community.id, anonymous=True)).min_respondents == 3


async def test_out_of_range_settings_are_refused_in_a_sentence(svc: Services, setup: Setup) -> None:
    community = await setup()

    with pytest.raises(InvalidSetting, match="between 3 and 100; got 101"):
        await set_privacy(svc, community.id, min_respondents=101)
    with pytest.raises(InvalidSetting, match="between 1 and 25 questions"):
        await set_privacy(svc, community.id, max_items=0)
    changed = await set_privacy(svc, community.id, max_items=4)

    assert changed.community.max_items == 4 and changed.raised_from is None


async def test_round_posts_carry_a_receipt_with_the_rounds_own_minimum(
    svc: Services, setup: Setup, notifier: RecordingNotifier
) -> None:
    community = await setup()
    await adopt(svc)
    await set_threshold(svc, community.id, 0.5, min_respondents=4)
    survey = await open_survey(svc, community, "2026-01-06")
    checkin = await open_round(svc, community.id, "checkin", period="2026-01-06")
    assert checkin is not None
    other = await setup(OTHER_GUILD)
    await adopt(svc, guild_id=OTHER_GUILD)
    await set_privacy(svc, other.id, anonymous=False, min_respondents=2)
    named = await open_survey(svc, other, "2026-01-06")

    posts = {p.round_id: p for p in notifier.of("round")}
    survey_text, checkin_text = posts[survey.id].text, posts[checkin.id].text
    named_text = posts[named.id].text

    assert "no figure at all until at least 4 people have answered" in survey_text
    for text in (survey_text, checkin_text):
        assert "Who sees what" in text
        assert "Coordinators" in text and "never who" in text
        assert "key made for this" in text and "nothing can tie them to you" in text
    assert "sorted by their words" in checkin_text
    assert "no figure at all until at least 2 people have answered" in named_text
    assert "next to your Discord id" in named_text and "key made for" not in named_text


async def test_decay_that_lasted_is_judged_by_each_rounds_own_minimum(
    svc: Services, setup: Setup, notifier: RecordingNotifier, clock: ManualClock
) -> None:
    # Six monthly surveys with three answers each, under a minimum of three, all crossed;
    # then the minimum is raised to five. The seventh survey, answered by five, continues
    # the run the earlier ones made under their own minimum: decay has lasted six months.
    community = await setup()
    await adopt(svc)
    kinds = []
    for month in range(1, 8):
        if month == 7:
            await set_threshold(svc, community.id, 0.5, min_respondents=5)
        clock.advance(timedelta(days=31))
        round_ = await open_survey(svc, community, f"2026-{month:02}")
        await rate(svc, round_, MEMBERS[: 3 if month < 7 else 5], {"no-feedback": 5})
        result = await close_round(svc, community.id, round_.id)
        kinds += [s.kind.value for s in result.suggestions if s.sign_id == "no-feedback"]

    assert kinds == ["remedy"] * 6 + ["replant"]
