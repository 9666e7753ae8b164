"""Which guilds this process schedules, when several processes share one database.

A big deployment runs ``vitalitybot run --shard-count N --shard-ids a,b`` in several
processes. Each one connects to Discord's gateway for its shards only, and Discord sends
a guild's events to the shard ``(guild_id >> 22) % N``; the scheduler follows the same
rule, so a guild's rounds open and close in the process that also receives its button
clicks. The database is the backstop, not the plan: a misconfiguration in which two
processes own one guild still ends with one round per period (a unique constraint), it
just wastes the second process's work.
"""

from __future__ import annotations

from dataclasses import dataclass

# The bits of a snowflake below its timestamp (worker, process, increment). Shifting
# them away leaves the creation time, which spreads guilds evenly over the shards.
_TIMESTAMP_SHIFT = 22


class ShardError(ValueError):
    """A shard setting that cannot work; the message names the option to fix."""


def shard_of(guild_id: int, count: int) -> int:
    """The shard Discord delivers this guild's events to, out of ``count``."""
    _check_count(count)
    return (guild_id >> _TIMESTAMP_SHIFT) % count


def _check_count(count: object) -> None:
    if isinstance(count, bool) or not isinstance(count, int) or count < 1:
        raise ShardError(f"the shard count must be a whole number of at least 1, not {count!r}")


@dataclass(frozen=True, slots=True)
class ShardSet:
    """The shards one process owns, out of ``count`` shards in the whole deployment."""

    count: int
    ids: frozenset[int]

    def __post_init__(self) -> None:
        _check_count(self.count)
        if not self.ids:
            raise ShardError("a process must own at least one shard: give one or more shard ids")
        outside = [i for i in self.ids if not _is_shard_id(i, self.count)]
        if outside:
            listed = ", ".join(sorted(map(repr, outside)))
            raise ShardError(
                f"shard ids run from 0 to {self.count - 1} with a shard count of {self.count}; "
                f"{listed} {'is' if len(outside) == 1 else 'are'} outside that range"
            )

    @classmethod
    def all(cls, count: int = 1) -> ShardSet:
        """Every shard: what a single process running the whole bot owns."""
        _check_count(count)
        return cls(count, frozenset(range(count)))

    def owns(self, guild_id: int) -> bool:
        return shard_of(guild_id, self.count) in self.ids

    @property
    def share(self) -> float:
        """This process's part of a limit Discord sets per bot: its shards over all shards.

        Discord counts a bot's requests against one global limit whichever shard or
        process makes them, so processes that each took the whole limit would together
        exceed it; each taking its shards' share keeps their sum at the limit.
        """
        return len(self.ids) / self.count

    def __str__(self) -> str:
        return f"shards {','.join(map(str, sorted(self.ids)))} of {self.count}"


def _is_shard_id(value: object, count: int) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and 0 <= value < count


def parse_shard_ids(text: str) -> frozenset[int]:
    """Shard ids as an operator types them: ``"0,2"`` (spaces allowed, order free)."""
    ids: set[int] = set()
    for part in text.split(","):
        part = part.strip()
        if not part:
            raise ShardError(
                f"shard ids are whole numbers separated by commas, such as 0,2; got {text!r}"
            )
        try:
            shard = int(part)
        except ValueError:
            raise ShardError(
                f"shard ids are whole numbers separated by commas, such as 0,2; "
                f"{part!r} in {text!r} is not one"
            ) from None
        if shard < 0:
            raise ShardError(f"shard ids start at 0; got {shard} in {text!r}")
        ids.add(shard)
    return frozenset(ids)
