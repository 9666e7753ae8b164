"""Setting communities up in a server, and who may coordinate each.

A server holds as many communities as it likes, each known by its name: set-up with a
new name creates one, with a known name (or the ``community_id`` of one to rename)
changes it. A channel or category belongs to one community at most, since commands run
there are taken to be about it (services/places.py).
"""

from __future__ import annotations

from collections.abc import Collection

from vitalitybot.domain.records import Community
from vitalitybot.scheduling.spec import ScheduleError, zone_or_error
from vitalitybot.services.app import Services
from vitalitybot.services.errors import InvalidSetting, NotAllowed
from vitalitybot.services.limits import NAME_MAX, check_text
from vitalitybot.services.places import named
from vitalitybot.storage.communities import UNSET


async def setup_community(
    svc: Services,
    guild_id: int,
    name: str,
    channel_id: int,
    timezone: str,
    coordinator_role_id: int | None = None,
    steward_role_id: int | None = None,
    *,
    category_id: int | None = None,
    community_id: int | None = None,
) -> Community:
    """Create the server's community called ``name``, or update it when it exists.

    ``community_id`` names an existing community of the server to change, ``name`` then
    being its new name. Roles and category left as None keep their current value, so
    running set-up again to change the channel does not lose them.
    """
    timezone = check_timezone(timezone)
    name = check_name(name)
    now = svc.now()
    async with svc.repos() as repos:
        others = await repos.communities.list_for_guild(guild_id)
        target = _target(others, name, community_id)
        if target is not None:
            others = [c for c in others if c.id != target.id]
        _check_place_free(others, channel_id, category_id)
        if target is None:
            target, _ = await repos.communities.get_or_create(
                guild_id, name, at=now, timezone=timezone
            )
        return await repos.communities.update_settings(
            target.id,
            name=name,
            timezone=timezone,
            channel_id=channel_id,
            category_id=UNSET if category_id is None else category_id,
            coordinator_role_id=UNSET if coordinator_role_id is None else coordinator_role_id,
            steward_role_id=UNSET if steward_role_id is None else steward_role_id,
        )


def _target(communities: list[Community], name: str, community_id: int | None) -> Community | None:
    """The community set-up changes; None: it creates one."""
    by_name = named(communities, name)
    if community_id is None:
        return by_name
    target = next((c for c in communities if c.id == community_id), None)
    if target is None:
        raise InvalidSetting("That community is not one of this server's.")
    if by_name is not None and by_name.id != target.id:
        raise InvalidSetting(f"This server already has a community called {by_name.name!r}.")
    return target


def _check_place_free(others: list[Community], channel_id: int, category_id: int | None) -> None:
    for other in others:
        if other.channel_id == channel_id:
            raise InvalidSetting(
                f"<#{channel_id}> is already the channel of {other.name}: each community needs "
                "its own, so a command run there is known to be about it."
            )
        if category_id is not None and other.category_id == category_id:
            raise InvalidSetting(
                f"That category already belongs to {other.name}: commands run in it are "
                "about that community."
            )


def check_name(name: str) -> str:
    check_text(name, what="The community's name", limit=NAME_MAX)
    if not name.strip():
        raise InvalidSetting("The community needs a name.")
    return name.strip()


def check_timezone(name: str) -> str:
    check_text(name, what="The time zone", limit=NAME_MAX)
    try:
        zone_or_error(name.strip())
    except ScheduleError as error:
        raise InvalidSetting(str(error)) from None
    return name.strip()


def may_coordinate(community: Community, role_ids: Collection[int], *, is_admin: bool) -> bool:
    """Members who can manage the server coordinate all its communities; anyone else
    needs this community's coordinator or steward role."""
    allowed = {r for r in (community.coordinator_role_id, community.steward_role_id) if r}
    return is_admin or bool(allowed & set(role_ids))


def check_coordinator(
    community: Community, role_ids: Collection[int], *, is_admin: bool = False
) -> Community:
    """The community, if the member may run its coordinator commands; else ``NotAllowed``."""
    if may_coordinate(community, role_ids, is_admin=is_admin):
        return community
    roles = community.coordinator_role_id or community.steward_role_id
    raise NotAllowed(
        f"Only the coordinators of {community.name} can do this."
        if roles
        else f"Only server administrators can do this for {community.name} until it has a "
        "coordinator role."
    )
