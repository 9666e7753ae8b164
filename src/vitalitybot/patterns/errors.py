"""The one exception the pattern parser raises.

The loader turns it into a :class:`~vitalitybot.patterns.model.Problem` and goes on with
the next file, so it carries exactly what a Problem needs: a reason a coordinator can act
on and the file line to look at.
"""

from __future__ import annotations


class PatternFileError(ValueError):
    """A pattern file that cannot become a Pattern; ``line`` is 1-based in the file."""

    def __init__(self, reason: str, line: int | None = None) -> None:
        super().__init__(reason if line is None else f"line {line}: {reason}")
        self.reason = reason
        self.line = line

    def __reduce__(self) -> tuple[type[PatternFileError], tuple[str, int | None]]:
        # Keep the two fields when the error crosses a process boundary (parallel loads).
        return (type(self), (self.reason, self.line))
