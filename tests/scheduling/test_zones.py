"""The zone names a community may choose: IANA's, none that only this host knows."""

from __future__ import annotations

import pytest

from vitalitybot.scheduling.spec import ScheduleError, zone_or_error
from vitalitybot.scheduling.zones import canonical_zones


def test_the_canonical_set_keeps_iana_names_and_their_aliases() -> None:
    zones = canonical_zones()
    assert {"Europe/Berlin", "America/New_York", "Etc/UTC", "UTC"} <= zones
    assert not {"localtime", "posixrules", "Factory"} & zones
    assert not [z for z in zones if z.startswith(("posix/", "right/"))]


@pytest.mark.parametrize(
    "name", ["localtime", "posixrules", "Factory", "right/UTC", "posix/Europe/Paris"]
)
def test_host_only_names_are_refused(name: str) -> None:
    with pytest.raises(ScheduleError, match="unknown time zone"):
        zone_or_error(name)


def test_a_prefixed_name_suggests_the_zone_it_copies() -> None:
    with pytest.raises(ScheduleError, match="Did you mean Europe/Paris"):
        zone_or_error("posix/Europe/Paris")
