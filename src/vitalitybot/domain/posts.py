"""What a post is: the kinds of message the bot makes, and what each one means.

The values are the strings the deliveries table stores (``StrEnum``: a kind compares
equal to its stored string), so a delivery read back names the same kind. Whether a post
closes a round, or which suggestion it carries, is a property of its kind: counting and
wording ask the kind, never a pattern over the string.
"""

from __future__ import annotations

from enum import StrEnum

from vitalitybot.domain.records import SuggestionKind

SUGGESTION_PREFIX = "suggestion:"


class PostKind(StrEnum):
    ROUND = "round"  # a round's opening post, with its buttons
    THREAD = "thread"  # the discussion thread started under a round's opening post
    REMINDER = "reminder"  # the mid-round DMs
    RESULTS = "results"  # a closed survey's scores
    HARVEST = "harvest"  # a closed check-in's digest
    ROUND_CLOSED = "round-closed"  # the round's opening post, edited at close
    SUGGESTION_REMEDY = "suggestion:remedy"
    SUGGESTION_REPLANT = "suggestion:replant"
    SUGGESTION_PARTICIPATION = "suggestion:participation"
    SUGGESTION_REFLECT = "suggestion:reflect"

    @classmethod
    def of_suggestion(cls, kind: SuggestionKind) -> PostKind:
        return cls(SUGGESTION_PREFIX + kind.value)

    @property
    def closes_round(self) -> bool:
        """A round's outcome: each closed round makes exactly one of these."""
        return self in (PostKind.RESULTS, PostKind.HARVEST)

    @property
    def suggestion(self) -> SuggestionKind | None:
        """The suggestion this post carries, if it is one."""
        if not self.value.startswith(SUGGESTION_PREFIX):
            return None
        return SuggestionKind(self.value.removeprefix(SUGGESTION_PREFIX))
