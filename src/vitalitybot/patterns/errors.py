"""The parser's exception, and the collector that lets one read report every mistake.

The loader turns a :class:`PatternFileError` into :class:`~vitalitybot.patterns.model.Problem`
lines and goes on with the next file, so it carries exactly what a Problem needs: a reason
a coordinator can act on and the file line to look at, plus the file's further errors
(``more``), because an author fixing a file wants all of its mistakes at once rather than
one per run.

:class:`Findings` is where a parse writes what it finds: errors (the file cannot become a
pattern) and warnings (the pattern loads, but some of what the author wrote is ignored or
cut short). Parsing goes on after an error wherever the rest of the file can still be
read, so one pass finds every mistake.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from rapidfuzz import fuzz, process


@dataclass(frozen=True, slots=True)
class Finding:
    """One mistake: what is wrong and the 1-based file line (None: the whole file)."""

    line: int | None
    reason: str


class PatternFileError(ValueError):
    """A pattern file that cannot become a Pattern; ``line`` is 1-based in the file."""

    def __init__(
        self, reason: str, line: int | None = None, more: tuple[Finding, ...] = ()
    ) -> None:
        super().__init__(reason if line is None else f"line {line}: {reason}")
        self.reason = reason
        self.line = line
        self.more = more  # the file's other errors, in the order they were found

    @property
    def findings(self) -> tuple[Finding, ...]:
        """This error and the file's others, each with its line."""
        return (Finding(self.line, self.reason), *self.more)

    def __reduce__(
        self,
    ) -> tuple[type[PatternFileError], tuple[str, int | None, tuple[Finding, ...]]]:
        # Keep the fields when the error crosses a process boundary (parallel loads).
        return (type(self), (self.reason, self.line, self.more))


@dataclass(slots=True)
class Findings:
    """What one parse of one file found. The bot acts on errors alone; warnings are for
    ``vitalitybot patterns check``."""

    errors: list[Finding] = field(default_factory=list)
    warnings: list[Finding] = field(default_factory=list)

    def error(self, reason: str, line: int | None) -> None:
        self.errors.append(Finding(line, reason))

    def warn(self, reason: str, line: int | None) -> None:
        self.warnings.append(Finding(line, reason))

    def raise_errors(self) -> None:
        """Raise the errors found so far as one PatternFileError (in file order)."""
        if not self.errors:
            return
        first, *rest = sorted(self.errors, key=_line_order)
        raise PatternFileError(first.reason, first.line, tuple(rest))


def _line_order(finding: Finding) -> int:
    return finding.line if finding.line is not None else 0


# How alike (rapidfuzz's ratio, 0-100) a word must be to a known one to be offered as
# the word the author meant; below it the suggestion would be a guess.
SUGGEST_SCORE = 75


def did_you_mean(word: str, known: Iterable[str]) -> str:
    """``"; did you mean 'x'?"`` for the known word closest to ``word``, or ``""``."""
    best = process.extractOne(word, list(known), scorer=fuzz.ratio, score_cutoff=SUGGEST_SCORE)
    return f"; did you mean '{best[0]}'?" if best is not None else ""
