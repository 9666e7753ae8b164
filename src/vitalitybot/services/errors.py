"""What a use-case refuses, in words a member or coordinator can read as they are.

The Discord adapter shows ``str(error)`` in an ephemeral reply and the terminal prints
it, so every message says what happened and, where there is one, what to do instead.
Nothing here carries a stack trace or an internal id a member would not recognise.
"""

from __future__ import annotations

from collections.abc import Sequence


class ServiceError(Exception):
    """A refusal with a member-readable ``message``."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class NotConfigured(ServiceError):
    """The guild has not been set up with vitalitybot yet."""

    def __init__(self, message: str = "") -> None:
        super().__init__(
            message
            or "vitalitybot is not set up in this server yet: a coordinator can run the "
            "setup command to choose a channel and a time zone."
        )


class UnknownPattern(ServiceError):
    """No pattern by that name; ``suggestions`` are (slug, title) pairs that come close."""

    def __init__(self, name: str, suggestions: Sequence[tuple[str, str]] = ()) -> None:
        self.name = name
        self.suggestions = tuple(suggestions)
        hint = ""
        if self.suggestions:
            names = ", ".join(f"{title} ({slug})" for slug, title in self.suggestions)
            hint = f" Did you mean: {names}?"
        super().__init__(f"There is no pattern called {name!r}.{hint}")


class PatternNotAdopted(ServiceError):
    """The pattern exists but this community does not watch it."""


class RoundNotFound(ServiceError):
    def __init__(self, message: str = "") -> None:
        super().__init__(message or "That round does not exist in this community.")


class RoundClosed(ServiceError):
    """The round is no longer taking answers (closed, missed, or past its window)."""


class RoundAlreadyOpen(ServiceError):
    """A coordinator asked to open a round while one of that kind is still open."""


class InvalidAnswer(ServiceError):
    """An answer out of range, too long, for a question not in the round, and so on."""


class InvalidSetting(ServiceError):
    """A schedule, time zone, threshold or other setting that cannot be used."""


class NotAllowed(ServiceError):
    """The member may not do this (a coordinator action, or not at this point)."""


class UnknownCommunity(ServiceError):
    """A community was named that the server does not hold."""


class WhichCommunity(ServiceError):
    """Several communities could be meant, and nothing said which one."""
