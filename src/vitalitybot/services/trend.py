"""A sign's trend: its share of high answers per survey, with the community's commitments.

A point exists only for a closed survey that asked the sign; when fewer answered than
that round's own minimum (``Round.min_respondents``), the point carries no figure (the
chart breaks its line there and the description says "too few answers"). The visibility
rule is ``score_view``'s, the one the results posts use. Commitments about the sign are
the moments the community said it would change something, and when it said it had.

The picture is drawn by ``render/chart.py``, the simulator's chart code; its words
(``Trend.description``) go with it as the image's alt text, for readers who cannot see it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from vitalitybot.domain.records import Commitment, CommitmentStatus, Community, Round, RoundKind
from vitalitybot.patterns.model import Pattern
from vitalitybot.render.chart import (
    Event,
    SignLine,
    draw_events,
    draw_sign_lines,
    draw_threshold,
    empty_note,
    new_figure,
    percent_axis,
    png_bytes,
    time_axis,
)
from vitalitybot.render.message import ATTACHMENT_DESCRIPTION_MAX, trim
from vitalitybot.services.app import Services, community_by_id
from vitalitybot.services.errors import ServiceError
from vitalitybot.services.views import history_view
from vitalitybot.storage import Repositories

MOST_SIGNS = 9  # one per palette colour: the default chart stays easy to tell apart
SEPARATOR = "/"  # between pattern slug and sign id in a command's ``sign`` value


@dataclass(frozen=True, slots=True)
class TrendPoint:
    round: Round
    share_high: float | None  # None: fewer answered than the round's minimum


@dataclass(frozen=True, slots=True)
class SignTrend:
    pattern_slug: str
    sign_id: str
    title: str
    points: tuple[TrendPoint, ...]  # oldest first
    commitments: tuple[Commitment, ...]  # oldest first


@dataclass(frozen=True, slots=True)
class SignChoice:
    value: str  # "pattern-slug/sign-id"
    name: str  # "Pattern title: sign title"


@dataclass(frozen=True, slots=True)
class Trend:
    community: Community
    signs: tuple[SignTrend, ...]

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.community.timezone)

    @property
    def description(self) -> str:
        """The trend in words, within Discord's alt-text limit."""
        full = " ".join(_describe(sign, self.zone, short=False) for sign in self.signs)
        if len(full) <= ATTACHMENT_DESCRIPTION_MAX:
            return full
        short = " ".join(_describe(sign, self.zone, short=True) for sign in self.signs)
        return trim(short, ATTACHMENT_DESCRIPTION_MAX)


def sign_value(pattern_slug: str, sign_id: str) -> str:
    return f"{pattern_slug}{SEPARATOR}{sign_id}"


async def sign_choices(svc: Services, community_id: int) -> list[SignChoice]:
    """The adopted patterns' decay signs that have a score, in the patterns' order."""
    async with svc.repos() as repos:
        community = await community_by_id(repos, community_id)
        adopted = await repos.communities.list_adopted(community.id)
        scored = {
            (p.score.pattern_slug, p.score.sign_id)
            for p in await repos.outcomes.score_history(community.id)
        }
    choices = []
    for pattern in _patterns(svc.patterns, [a.pattern_slug for a in adopted]):
        for sign in pattern.signs_of_decay:
            if (pattern.slug, sign.id) in scored:
                choices.append(
                    SignChoice(sign_value(pattern.slug, sign.id), f"{pattern.title}: {sign.title}")
                )
    return choices


async def trend(svc: Services, community_id: int, sign: str | None = None) -> Trend:
    """One sign's trend, or (``sign`` left out) those of the signs that crossed last."""
    async with svc.repos() as repos:
        community = await community_by_id(repos, community_id)
        wanted = (
            [await _named_sign(svc, repos, community, sign)]
            if sign
            else await _crossed_last(svc, repos, community)
        )
        rounds = {r.id: r for r in await repos.rounds.list_closed(community.id)}
        signs = [await _sign_trend(svc, repos, community, rounds, *key) for key in wanted]
    return Trend(community, tuple(signs))


async def _sign_trend(
    svc: Services,
    repos: Repositories,
    community: Community,
    rounds: Mapping[int, Round],
    pattern_slug: str,
    sign_id: str,
) -> SignTrend:
    """The sign's score in each closed survey that asked it, and its commitments."""
    history = await repos.outcomes.score_history(
        community.id, pattern_slug=pattern_slug, sign_id=sign_id
    )
    views = [
        (round_, history_view(svc.patterns, community, round_, point))
        for point in history
        if (round_ := rounds.get(point.score.round_id)) is not None
        and round_.kind is RoundKind.SURVEY
    ]
    title = views[0][1].sign_title if views else sign_id.replace("-", " ")
    commitments = await repos.commitments.for_signs(community.id, [(pattern_slug, sign_id)])
    return SignTrend(
        pattern_slug,
        sign_id,
        title,
        tuple(TrendPoint(r, v.share_high if v.visible else None) for r, v in views),
        tuple(commitments),
    )


def trend_png(trend: Trend) -> bytes:
    """The trend as a PNG; takes a tenth of a second or so, so the bot runs it in a thread."""
    zone = trend.zone
    figure = new_figure(10, 5.5)
    axes = figure.subplots()
    draw_sign_lines(
        axes,
        [
            SignLine(
                sign.title,
                tuple(
                    (p.round.opened_at.astimezone(zone), _percent(p.share_high))
                    for p in sign.points
                ),
            )
            for sign in trend.signs
        ],
    )
    draw_threshold(axes, trend.community.threshold * 100)
    events = _events(trend)
    handles, _ = axes.get_legend_handles_labels()
    if not any(p.share_high is not None for sign in trend.signs for p in sign.points):
        empty_note(axes, "too few answers in every survey to show a figure")
    event_handles = draw_events(axes, events)
    percent_axis(axes, "respondents seeing it often or constantly (%)")
    axes.set_title("How often members see these signs, survey by survey")
    moments = [p.round.opened_at for s in trend.signs for p in s.points] + [e.when for e in events]
    if moments:
        time_axis(axes, min(moments), max(moments), zone)
    axes.legend(
        handles=[*handles, *event_handles],
        loc="upper left",
        bbox_to_anchor=(1.01, 1.0),
        fontsize=8.5,
        frameon=False,
    )
    return png_bytes(figure)


def _percent(share: float | None) -> float | None:
    return None if share is None else share * 100


def _events(trend: Trend) -> list[Event]:
    """Each commitment's making, and its being done, once even when it answers two signs."""
    seen: dict[int, Commitment] = {}
    for sign in trend.signs:
        seen.update((c.id, c) for c in sign.commitments)
    events = []
    for commitment in seen.values():
        events.append(Event(commitment.created_at, "made", commitment.text))
        if commitment.status is CommitmentStatus.DONE and commitment.closed_at is not None:
            events.append(Event(commitment.closed_at, "done", commitment.text))
    return sorted(events, key=lambda e: e.when)


def _describe(sign: SignTrend, zone: ZoneInfo, *, short: bool) -> str:
    """ "Writing nobody reads: 73% on 3 Mar 2026, too few answers on 7 Apr 2026.
    Commitment "pin one guide" made on 10 Apr 2026." (short: first, lowest, highest,
    latest.)"""
    points = list(sign.points)
    if short and len(points) > 4:
        shown = [p for p in points if p.share_high is not None]
        keep = {id(points[0]), id(points[-1])}
        if shown:
            keep |= {id(min(shown, key=_share)), id(max(shown, key=_share))}
        points = [p for p in points if id(p) in keep]
    said = [
        (
            f"{_share(p) * 100:.0f}% on {_day(p.round.opened_at, zone)}"
            if p.share_high is not None
            else f"too few answers on {_day(p.round.opened_at, zone)}"
        )
        for p in points
    ]
    text = f"{sign.title}: " + (", ".join(said) if said else "not asked in any closed survey")
    for commitment in sign.commitments:
        text += f'; commitment "{commitment.text}" made on {_day(commitment.created_at, zone)}'
        if commitment.status is CommitmentStatus.DONE and commitment.closed_at is not None:
            text += f", done on {_day(commitment.closed_at, zone)}"
    return text + "."


def _share(point: TrendPoint) -> float:
    return point.share_high or 0.0


def _day(moment: datetime, zone: ZoneInfo) -> str:
    local = moment.astimezone(zone)
    return f"{local.day} {local:%b %Y}"


def _patterns(patterns: Mapping[str, Pattern], slugs: Sequence[str]) -> list[Pattern]:
    return [patterns[slug] for slug in slugs if slug in patterns]


async def _named_sign(
    svc: Services, repos: Repositories, community: Community, sign: str
) -> tuple[str, str]:
    """The sign a coordinator named: a choice's value, or words of one sign's title."""
    adopted = _patterns(
        svc.patterns, [a.pattern_slug for a in await repos.communities.list_adopted(community.id)]
    )
    candidates = [(p, s) for p in adopted for s in p.signs_of_decay]
    wanted = sign.strip()
    for pattern, found in candidates:
        if wanted == sign_value(pattern.slug, found.id):
            return pattern.slug, found.id
    words = wanted.casefold()
    matching = [(p.slug, s.id) for p, s in candidates if words in s.title.casefold()]
    if len(matching) == 1:
        return matching[0]
    raise ServiceError(
        f"No single sign of decay of your patterns matches “{trim(wanted, 60)}”: "
        "pick one from the list Discord offers."
    )


async def _crossed_last(
    svc: Services, repos: Repositories, community: Community
) -> list[tuple[str, str]]:
    """The decay signs that crossed in the latest survey where any crossed."""
    adopted = {a.pattern_slug for a in await repos.communities.list_adopted(community.id)}
    history = await repos.outcomes.score_history(community.id)
    if not history:
        raise ServiceError("No survey has closed yet: a trend needs at least one.")
    by_round: dict[int, list[tuple[str, str]]] = {}
    for point in history:
        score = point.score
        pattern = svc.patterns.get(score.pattern_slug)
        is_decay = pattern is not None and pattern.sign(score.sign_id) in pattern.signs_of_decay
        if score.crossed and is_decay and score.pattern_slug in adopted:
            by_round.setdefault(score.round_id, []).append((score.pattern_slug, score.sign_id))
    latest = next(
        (by_round[p.score.round_id] for p in reversed(history) if p.score.round_id in by_round),
        None,
    )
    if latest is None:
        raise ServiceError(
            "No sign of decay has crossed the threshold yet: name one to see its trend."
        )
    return latest[:MOST_SIGNS]
