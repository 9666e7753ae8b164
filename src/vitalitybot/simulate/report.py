"""The run's closing table: every round, its participation and each decay sign's score.

The figures are read back through the services (``current_scores`` gives a closed
survey's stored scores, already cut to what may be shown), so the table shows exactly
what a coordinator could have seen: a dash where fewer than the round's own minimum
answered, a mark where a sign crossed the threshold. Beside them, what the community
committed to after each round and marked done after reading it.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from vitalitybot.domain.privacy import round_minimum
from vitalitybot.domain.records import (
    Commitment,
    CommitmentStatus,
    Community,
    RespondentStatus,
    Round,
    RoundKind,
    RoundStatus,
    SuggestionKind,
)
from vitalitybot.services import Services, SignScoreView, current_scores
from vitalitybot.services.app import community_by_id
from vitalitybot.services.rounds import patterns_of

ALL_ROUNDS = 100_000
CROSSED = "*"
HIDDEN = "—"
NOT_ASKED = "·"
_KINDS = {RoundKind.CHECKIN: "check-in", RoundKind.SURVEY: "survey"}
_CELL = 4  # the figure; then a mark or a space
COMMITTED = "Made/done"  # commitments made from a round's posts / marked done after it


@dataclass(frozen=True, slots=True)
class SignColumn:
    code: str  # "A3": the third decay sign of the first adopted pattern
    pattern_slug: str
    pattern_title: str
    sign_id: str
    title: str


@dataclass(frozen=True, slots=True)
class SuggestionMark:
    kind: SuggestionKind
    pattern_slug: str
    sign_id: str


@dataclass(frozen=True, slots=True)
class RoundReport:
    round: Round
    answered: int
    skipped: int
    scores: tuple[SignScoreView, ...]  # a closed survey's, as stored
    suggestions: tuple[SuggestionMark, ...]
    made: int = 0  # commitments made from this round's posts
    done: int = 0  # commitments marked done after this round closed, before the next

    def score(self, column: SignColumn) -> SignScoreView | None:
        return next(
            (
                s
                for s in self.scores
                if s.pattern_slug == column.pattern_slug and s.sign_id == column.sign_id
            ),
            None,
        )


@dataclass(frozen=True, slots=True)
class Report:
    community: Community
    share: float  # the community's threshold share, which decided the crossings
    signs: tuple[SignColumn, ...]
    rounds: tuple[RoundReport, ...]  # oldest first
    commitments: tuple[Commitment, ...] = ()  # oldest first

    @property
    def surveys(self) -> list[RoundReport]:
        return [
            r
            for r in self.rounds
            if r.round.kind is RoundKind.SURVEY and r.round.status is RoundStatus.CLOSED
        ]


async def collect(svc: Services, guild_id: int, community_id: int) -> Report:
    """Every round of the community, with what the services stored about it."""
    async with svc.repos() as repos:
        community = await community_by_id(repos, community_id)
        adopted = patterns_of(svc, await repos.communities.list_adopted(community.id))
        rounds = list(reversed(await repos.rounds.list_recent(community.id, limit=ALL_ROUNDS)))
        ids = [r.id for r in rounds]
        answered = await repos.answers.count_respondents_by_round(community.id, ids)
        skipped = await repos.answers.count_respondents_by_round(
            community.id, ids, RespondentStatus.SKIPPED
        )
        posted = await repos.outcomes.list_suggestions(community.id)
        commitments = list(reversed(await repos.commitments.recent(community.id)))
    marks: dict[int, list[SuggestionMark]] = defaultdict(list)
    for record in posted:
        marks[record.round_id].append(
            SuggestionMark(SuggestionKind(record.kind), record.pattern_slug, record.sign_id)
        )
    signs = tuple(
        SignColumn(f"{_letter(p)}{n}", pattern.slug, pattern.title, sign.id, _title(sign.title))
        for p, pattern in enumerate(adopted)
        for n, sign in enumerate(pattern.signs_of_decay, start=1)
    )
    done = Counter(r.id for c in commitments if (r := _done_after(c, rounds)) is not None)
    reports = []
    for round_ in rounds:
        closed_survey = round_.kind is RoundKind.SURVEY and round_.status is RoundStatus.CLOSED
        scores = await current_scores(svc, guild_id, round_.id) if closed_survey else []
        reports.append(
            RoundReport(
                round=round_,
                answered=answered.get(round_.id, 0),
                skipped=skipped.get(round_.id, 0),
                scores=tuple(scores),
                suggestions=tuple(marks.get(round_.id, ())),
                made=sum(1 for c in commitments if c.round_id == round_.id),
                done=done.get(round_.id, 0),
            )
        )
    return Report(community, community.threshold, signs, tuple(reports), tuple(commitments))


def _done_after(commitment: Commitment, rounds: Sequence[Round]) -> Round | None:
    """The last round closed before the commitment was marked done: the one whose
    outcome it was marked done after reading."""
    if commitment.status is not CommitmentStatus.DONE or commitment.closed_at is None:
        return None
    closed = [r for r in rounds if r.closed_at is not None and r.closed_at <= commitment.closed_at]
    return max(closed, key=lambda r: r.closed_at or r.opened_at, default=None)


def render(report: Report) -> str:
    """The table of rounds, with a legend of the sign codes."""
    percent = int(report.share * 100 + 0.5)
    minimum = _minimum_text(report)
    codes = {(c.pattern_slug, c.sign_id): c.code for c in report.signs}
    answered = [_answered(row) for row in report.rounds]
    width = max([len("Answered"), *map(len, answered)])
    lines = [
        "Rounds and scores",
        "Under each sign of decay: the share of a survey's respondents who see it often",
        f"or constantly (4-5).  {CROSSED} crossed the threshold ({percent}% of at least "
        f"{minimum} respondents)",
        f"{HIDDEN} fewer than {minimum} answered it   {NOT_ASKED} not asked "
        "(the survey rotates its items)",
        f"{COMMITTED}: commitments made from the round's posts / marked done after it",
        "",
    ]
    header = f"{'Date':<10}  {'Kind':<8}  {'Answered':<{width}} "
    header += "".join(f"{c.code:>{_CELL}} " for c in report.signs)
    header += f" {COMMITTED:<{len(COMMITTED)}}  Suggestions"
    lines += [header, "-" * len(header)]
    for row, participation in zip(report.rounds, answered, strict=True):
        local = row.round.opened_at.astimezone(ZoneInfo(report.community.timezone))
        kind = _KINDS[row.round.kind]
        if row.round.status is not RoundStatus.CLOSED:
            kind = f"{kind} ({row.round.status.value})"
        cells = "".join(_cell(row, column) for column in report.signs)
        if row.round.kind is RoundKind.CHECKIN:
            cells = " " * len(cells)
        line = f"{local:%Y-%m-%d}  {kind:<8}  {participation:<{width}} {cells} "
        line += f" {_committed(row):<{len(COMMITTED)}}  "
        lines.append((line + _marks(row.suggestions, codes)).rstrip())
    lines.append("")
    lines += [f"{c.code:<4} {c.title} ({c.pattern_title})" for c in report.signs]
    return "\n".join(lines) + "\n"


def _committed(row: RoundReport) -> str:
    """ "2/1": made from this round's posts / marked done after it; blank for neither."""
    return f"{row.made}/{row.done}" if row.made or row.done else ""


def _minimum_text(report: Report) -> str:
    """The surveys' minimum: "5", or "the round's minimum (3 to 5)" when rounds differ,
    since each round is cut by the minimum it promised when it opened."""
    minimums = sorted({row.round.min_respondents for row in report.surveys})
    if len(minimums) == 1:
        return str(minimums[0])
    if not minimums:
        return str(round_minimum(report.community.anonymous, report.community.min_respondents))
    return f"the round's minimum ({minimums[0]} to {minimums[-1]})"


def _answered(row: RoundReport) -> str:
    eligible = row.round.eligible_members
    if not eligible:
        return str(row.answered)
    return f"{row.answered}/{eligible} {int(row.answered / eligible * 100 + 0.5)}%"


def _cell(row: RoundReport, column: SignColumn) -> str:
    """A sign's figure in a round, padded to the column: " 73%*", "   — ", "   · "."""
    score = row.score(column)
    mark = " "
    if score is None:
        text = NOT_ASKED
    elif not score.visible or score.share_high is None:
        text = HIDDEN
    else:
        text = f"{int(score.share_high * 100 + 0.5)}%"
        mark = CROSSED if score.crossed else " "
    return f"{text:>{_CELL}}{mark}"


def _marks(marks: Sequence[SuggestionMark], codes: dict[tuple[str, str], str]) -> str:
    words = []
    for mark in marks:
        code = codes.get((mark.pattern_slug, mark.sign_id))
        words.append(f"{mark.kind.value} {code}" if code else mark.kind.value)
    return ", ".join(words)


def _letter(index: int) -> str:
    return chr(ord("A") + index % 26)


def _title(text: str) -> str:
    return " ".join(text.split()).rstrip(" .:;")
