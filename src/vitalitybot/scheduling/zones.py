"""The time zone names a community may use: IANA's, as every host spells them.

``ZoneInfo`` opens any TZif file under the host's zoneinfo folder, so it also accepts
names that only mean something on the host the bot happens to run on:

* ``localtime`` is a link to whatever zone the machine is set to, so a community's
  clock would change when the bot moves to a server set differently;
* ``posixrules`` is the rule file the C library falls back on, not a place;
* ``Factory`` is tzdata's "zone not set" placeholder (its abbreviation is ``-00``);
* ``posix/...`` and ``right/...`` are copies of the whole database, the second one
  counting leap seconds, which would shift every schedule by half a minute.

The canonical set is what ``zoneinfo.available_timezones()`` finds (IANA's zones and
their long-standing aliases such as ``UTC`` or ``US/Eastern``, which tzdata keeps
working) minus those names. It is read once per process: the host's zone files do not
change under a running bot.
"""

from __future__ import annotations

import functools
import zoneinfo

HOST_ONLY_NAMES = frozenset({"localtime", "posixrules", "Factory"})
HOST_ONLY_PREFIXES = ("posix/", "right/")


@functools.cache
def canonical_zones() -> frozenset[str]:
    """Every zone name a community may choose (see the module docstring)."""
    return frozenset(
        name
        for name in zoneinfo.available_timezones()
        if name not in HOST_ONLY_NAMES and not name.startswith(HOST_ONLY_PREFIXES)
    )


def is_canonical(name: str) -> bool:
    return name in canonical_zones()
