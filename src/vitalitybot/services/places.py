"""Which of a server's communities a command is about: the one rule every edge asks.

A command names a community, or runs somewhere that belongs to one: its channel (a
thread counts as its parent channel) or a category the community claimed. Otherwise a
server with one community means that one, and a server with several asks which, naming
them. The names are compared without regard to case, as members type them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from vitalitybot.domain.records import Community
from vitalitybot.render.words import plural
from vitalitybot.services.app import Services
from vitalitybot.services.errors import NotConfigured, UnknownCommunity, WhichCommunity
from vitalitybot.services.limits import NAME_MAX, check_text, is_id

NAMES_LISTED = 10  # communities a refusal names before saying "and N more"


@dataclass(frozen=True, slots=True)
class Place:
    """Where in a server a command ran."""

    guild_id: int
    channel_id: int | None = None  # a thread's parent channel, not the thread
    category_id: int | None = None


def same_name(a: str, b: str) -> bool:
    return a.strip().casefold() == b.strip().casefold()


def named(communities: Sequence[Community], name: str) -> Community | None:
    return next((c for c in communities if same_name(c.name, name)), None)


def community_at(communities: Sequence[Community], place: Place) -> Community | None:
    """The community whose channel this is, else the one that claimed its category."""
    if place.channel_id is not None:
        for community in communities:
            if community.channel_id == place.channel_id:
                return community
    if place.category_id is not None:
        for community in communities:
            if community.category_id == place.category_id:
                return community
    return None


def choose(communities: Sequence[Community], place: Place, name: str | None) -> Community:
    """The community meant (module docstring), or the refusal that says what to do."""
    if not communities:
        raise NotConfigured()
    if name is not None and name.strip():
        check_text(name, what="The community's name", limit=NAME_MAX)
        found = named(communities, name)
        if found is None:
            raise UnknownCommunity(
                f"This server has no community called {name.strip()!r}. "
                f"It has {listing(communities)}."
            )
        return found
    found = community_at(communities, place)
    if found is not None:
        return found
    if len(communities) == 1:
        return communities[0]
    raise WhichCommunity(
        f"This server has {plural(len(communities), 'community', 'communities')}: "
        f"{listing(communities)}. Name one with the community option, or run the command "
        "in its channel or category."
    )


def listing(communities: Sequence[Community]) -> str:
    names = [c.name for c in communities[:NAMES_LISTED]]
    more = len(communities) - len(names)
    return ", ".join(names) + (f" and {more} more" if more > 0 else "")


async def server_communities(svc: Services, guild_id: int) -> list[Community]:
    if not is_id(guild_id):  # no server has it, and the database could not even look
        return []
    async with svc.repos() as repos:
        return await repos.communities.list_for_guild(guild_id)


async def find_community(svc: Services, place: Place, name: str | None = None) -> Community:
    """The community a command at ``place`` is about (see ``choose``)."""
    return choose(await server_communities(svc, place.guild_id), place, name)
