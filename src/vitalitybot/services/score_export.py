"""The community's history as a spreadsheet: participation and aggregate scores per round.

One row per closed round, oldest first; never a row per member. Each round's figures are
cut by the minimum that round promised when it opened (``Round.min_respondents``, applied
by ``score_view`` as in every results post): below it a sign's cells are left blank, and
the round's last column says which cells are blank and why, so a blank is never mistaken
for a zero.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from vitalitybot.domain.records import Community, RespondentStatus, Round, RoundKind, ScorePoint
from vitalitybot.patterns.model import Pattern
from vitalitybot.services.app import Services, community_by_id
from vitalitybot.services.views import ParticipationView, SignScoreView, history_view

ROUND_COLUMNS = (
    "round_date",
    "kind",
    "min_respondents",
    "eligible",
    "answered",
    "skipped",
    "participation_rate",
)
SIGN_FIGURES = ("n", "share_high", "mean", "crossed")
NOTE_COLUMN = "blank_because"

Sign = tuple[str, str]  # (pattern slug, sign id)


@dataclass(frozen=True, slots=True)
class ScoreExport:
    filename: str
    data: bytes
    rounds: int


async def export_scores(svc: Services, community_id: int) -> ScoreExport:
    """Every closed round's participation and sign scores as CSV (UTF-8)."""
    async with svc.repos() as repos:
        community = await community_by_id(repos, community_id)
        rounds = await repos.rounds.list_closed(community.id)
        ids = [r.id for r in rounds]
        answered = await repos.answers.count_respondents_by_round(community.id, ids)
        skipped = await repos.answers.count_respondents_by_round(
            community.id, ids, RespondentStatus.SKIPPED
        )
        history = await repos.outcomes.score_history(community.id)
    by_round: dict[int, dict[Sign, ScorePoint]] = {}
    for point in history:
        key = (point.score.pattern_slug, point.score.sign_id)
        by_round.setdefault(point.score.round_id, {})[key] = point
    signs = _sign_order(svc.patterns, {s for scores in by_round.values() for s in scores})
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(
        [
            *ROUND_COLUMNS,
            *(f"{slug}/{sign} {figure}" for slug, sign in signs for figure in SIGN_FIGURES),
            NOTE_COLUMN,
        ]
    )
    for round_ in rounds:
        participation = ParticipationView(
            answered.get(round_.id, 0), skipped.get(round_.id, 0), round_.eligible_members
        )
        views = {
            sign: history_view(svc.patterns, community, round_, point)
            for sign, point in by_round.get(round_.id, {}).items()
        }
        writer.writerow(
            [
                *_round_cells(community, round_, participation),
                *(cell for sign in signs for cell in _sign_cells(views.get(sign))),
                _why_blank(round_, signs, views),
            ]
        )
    today = svc.now().astimezone(ZoneInfo(community.timezone)).date()
    return ScoreExport(
        filename=f"vitality-scores-{today.isoformat()}.csv",
        data=buffer.getvalue().encode("utf-8"),
        rounds=len(rounds),
    )


def _round_cells(
    community: Community, round_: Round, participation: ParticipationView
) -> list[str]:
    rate = participation.rate
    return [
        round_.opened_at.astimezone(ZoneInfo(community.timezone)).date().isoformat(),
        RoundKind(round_.kind).value,
        str(round_.min_respondents),
        "" if round_.eligible_members is None else str(round_.eligible_members),
        str(participation.respondents),
        str(participation.skipped),
        "" if rate is None else f"{rate:.3f}",
    ]


def _sign_cells(view: SignScoreView | None) -> list[str]:
    if view is None or not view.visible:
        return [""] * len(SIGN_FIGURES)
    return [
        str(view.n),
        "" if view.share_high is None else f"{view.share_high:.3f}",
        "" if view.mean is None else f"{view.mean:.2f}",
        "yes" if view.crossed else "no",
    ]


def _why_blank(round_: Round, signs: Sequence[Sign], views: Mapping[Sign, SignScoreView]) -> str:
    if not signs:
        return ""
    if round_.kind is not RoundKind.SURVEY:
        return "a check-in asks about no sign"
    hidden = [f"{s}/{i}" for s, i in signs if (s, i) in views and not views[(s, i)].visible]
    unasked = [f"{slug}/{sign}" for slug, sign in signs if (slug, sign) not in views]
    reasons = []
    if hidden:
        reasons.append(
            f"fewer than this round's minimum of {round_.min_respondents} answers: "
            + ", ".join(hidden)
        )
    if unasked:
        reasons.append("not asked in this round: " + ", ".join(unasked))
    return "; ".join(reasons)


def _sign_order(patterns: Mapping[str, Pattern], signs: set[Sign]) -> list[Sign]:
    """By pattern, then in the order the pattern lists its signs (unknown ones last)."""

    def position(sign: Sign) -> tuple[str, int, str]:
        pattern = patterns.get(sign[0])
        known = [s.id for s in (*pattern.signs_of_decay, *pattern.signs_of_life)] if pattern else []
        return sign[0], known.index(sign[1]) if sign[1] in known else len(known), sign[1]

    return sorted(signs, key=position)
