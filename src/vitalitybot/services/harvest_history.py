"""Past harvests: any one of them by its check-in's date, and a search of their shared words.

A harvest is named by the local date its check-in opened (the date members saw on it);
two check-ins opened on one day are told apart by their round number ("2026-03-03 #12").
The search reads the reflections members chose to share in check-ins that have a
harvest, the very words the harvests quote, so a prompt's wording or a heading never
counts as a match and a reflection kept private is never found.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from vitalitybot.domain.records import Community, Harvest, Round
from vitalitybot.render.message import ELLIPSIS, Message
from vitalitybot.services.app import Services, community_by_id
from vitalitybot.services.errors import ServiceError
from vitalitybot.services.harvest import harvest_message
from vitalitybot.storage import Repositories

MOST_MATCHES = 10
EXCERPT_CONTEXT = 60  # characters either side of the first word found
_NAME = re.compile(r"^\s*(\d{4}-\d{2}-\d{2})(?:\s*#(\d+))?\s*$")
NO_HARVEST = "There is no harvest yet: one is made each time a check-in closes."


@dataclass(frozen=True, slots=True)
class HarvestEntry:
    name: str  # "2026-03-03", or "2026-03-03 #12" when that day had two
    round: Round
    harvest: Harvest


@dataclass(frozen=True, slots=True)
class HarvestMatch:
    name: str  # the harvest's, as in HarvestEntry
    excerpt: str  # the member's words around the match, as written (not yet escaped)


async def harvest_entries(svc: Services, community_id: int) -> list[HarvestEntry]:
    """The community's harvests, newest first."""
    async with svc.repos() as repos:
        community = await community_by_id(repos, community_id)
        return await _entries(repos, community)


async def harvest_post(svc: Services, community_id: int, name: str | None = None) -> Message:
    """The harvest named (the latest when none is) as its digest with its Markdown file."""
    entries = await harvest_entries(svc, community_id)
    if not entries:
        raise ServiceError(NO_HARVEST)
    found = entries[0] if name is None or not name.strip() else _find(entries, name)
    return harvest_message(found.harvest, found.round)


async def search_harvests(svc: Services, community_id: int, query: str) -> list[HarvestMatch]:
    """Shared reflections holding every word of ``query`` (any case), newest harvest first."""
    words = query.casefold().split()
    if not words:
        raise ServiceError("Give a word or two to look for in the harvests.")
    async with svc.repos() as repos:
        community = await community_by_id(repos, community_id)
        entries = {entry.round.id: entry for entry in await _entries(repos, community)}
        reflections = await repos.answers.shared_reflections(community.id)
    order = {round_id: n for n, round_id in enumerate(entries)}  # newest harvest first
    found = sorted(
        (
            (order[round_id], HarvestMatch(entries[round_id].name, _excerpt(text, words)))
            for round_id, text in reflections
            if round_id in entries and all(word in text.casefold() for word in words)
        ),
        key=lambda pair: pair[0],
    )
    return [match for _, match in found[:MOST_MATCHES]]


async def _entries(repos: Repositories, community: Community) -> list[HarvestEntry]:
    zone = ZoneInfo(community.timezone)
    rounds = {r.id: r for r in await repos.rounds.list_closed(community.id)}
    pairs: list[tuple[str, Round, Harvest]] = []
    for harvest in await repos.outcomes.list_harvests(community.id):
        round_ = rounds.get(harvest.round_id)
        if round_ is not None:
            day = round_.opened_at.astimezone(zone).date().isoformat()
            pairs.append((day, round_, harvest))
    per_day = Counter(day for day, _, _ in pairs)
    return [
        HarvestEntry(day if per_day[day] == 1 else f"{day} #{round_.id}", round_, harvest)
        for day, round_, harvest in pairs
    ]


def _find(entries: list[HarvestEntry], name: str) -> HarvestEntry:
    match = _NAME.match(name)
    if match is None:
        raise ServiceError(
            "Name a harvest by its check-in's date, e.g. 2026-03-03, or pick one from the list."
        )
    day, round_id = match.group(1), match.group(2)
    for entry in entries:
        if entry.name.startswith(day) and (round_id is None or entry.round.id == int(round_id)):
            return entry
    raise ServiceError(f"There is no harvest of a check-in opened on {day}.")


def _excerpt(text: str, words: list[str]) -> str:
    """About ``EXCERPT_CONTEXT`` characters either side of the first word found, on one line."""
    flat = " ".join(text.split())
    at = min(flat.casefold().find(word) for word in words if word in flat.casefold())
    start = max(at - EXCERPT_CONTEXT, 0)
    end = min(at + EXCERPT_CONTEXT, len(flat))
    return (
        (ELLIPSIS if start > 0 else "")
        + flat[start:end].strip()
        + (ELLIPSIS if end < len(flat) else "")
    )
