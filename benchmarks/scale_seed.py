"""The world scale.py starts the bot in: Discord servers of three communities each,
spread over a dozen time zones, each community watching one to three shipped patterns
with the schedules a first adoption creates, and a year of history before ``START``.

``seed`` fills a freshly migrated database by bulk inserts through the storage models.
Every round of the history is closed except those whose window is still open at
``START``; those have the questions the services would have asked.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from support import fresh_database

from vitalitybot.domain.privacy import DEFAULT_MIN_RESPONDENTS

# Thursday 7 October 2027, 06:00 UTC: two days after the first Tuesday's check-ins and
# quarterly surveys opened, so about half the communities have rounds open at the start.
START = datetime(2027, 10, 7, 6, 0, tzinfo=UTC)
# The simulated month runs from START to END, across the daylight-saving changes.
END = datetime(2027, 11, 7, 6, 0, tzinfo=UTC)
HISTORY = timedelta(days=365)
ZONES = (
    "Europe/Berlin",
    "Europe/London",
    "America/New_York",
    "America/Chicago",
    "America/Los_Angeles",
    "America/Sao_Paulo",
    "Asia/Kolkata",
    "Asia/Tokyo",
    "Australia/Sydney",
    "Pacific/Auckland",
    "Africa/Nairobi",
    "UTC",
)
MEMBERS_PER_COMMUNITY = 5
# The communities of each server: one per topic, each in its own channel.
TOPICS = ("Security", "Design", "Onboarding")
FIRST_GUILD_MS = 150_000_000_000  # guilds made in 2019, a few seconds apart


def guild_id_of(server: int) -> int:
    """A snowflake of a guild made in 2019, a few seconds after the one before."""
    return ((FIRST_GUILD_MS + server * 7_919) << 22) | (server & 0xFFF)


async def seed(url: str, servers: int) -> dict[str, int]:
    """Fill an empty database (migrated here) with the servers' communities and their
    history."""
    from sqlalchemy import insert, select

    from vitalitybot.config import load_settings
    from vitalitybot.patterns import load_library
    from vitalitybot.scheduling.cadence import (
        closes_at,
        fire_times_between,
        period_key,
        reminder_at,
    )
    from vitalitybot.scheduling.spec import ScheduleSpec
    from vitalitybot.services.default_schedules import default_specs
    from vitalitybot.services.messages import prompt_text
    from vitalitybot.storage.models import (
        AdoptedPatternRow,
        CommunityRow,
        QuestionRow,
        RoundRow,
        ScheduleRow,
    )
    from vitalitybot.vitality.prompts import checkin_prompts
    from vitalitybot.vitality.survey import plan_survey

    library = load_library(load_settings().patterns_dir).patterns
    slugs = sorted(library)
    created = START - HISTORY - timedelta(days=30)
    fires: dict[ScheduleSpec, list[datetime]] = {}

    def runs_of(spec: ScheduleSpec) -> list[datetime]:
        if spec not in fires:
            fires[spec] = fire_times_between(spec, START - HISTORY, START)
        return fires[spec]

    async with fresh_database(url) as db:
        community_rows: list[dict[str, Any]] = [
            {
                "guild_id": guild_id_of(n // len(TOPICS)),
                "name": f"CoP {TOPICS[n % len(TOPICS)]}",
                "timezone": ZONES[n % len(ZONES)],
                "channel_id": 900_000_000_000_000_000 + n,
                "coordinator_role_id": 800_000_000_000_000_000 + n,
                "threshold": 0.5,
                "min_respondents": 3,
                "max_items": 8,
                "anonymous": True,
                "created_at": created,
            }
            for n in range(servers * len(TOPICS))
        ]
        async with db.transaction() as session:
            await session.execute(insert(CommunityRow), community_rows)
            found = await session.execute(
                select(CommunityRow.guild_id, CommunityRow.name, CommunityRow.id)
            )
            ids: dict[tuple[int, str], int] = {(row.guild_id, row.name): row.id for row in found}

        adopted_rows: list[dict[str, Any]] = []
        schedule_rows: list[dict[str, Any]] = []
        round_rows: list[dict[str, Any]] = []
        watched: dict[int, list[str]] = {}
        for n, row in enumerate(community_rows):
            community_id = ids[row["guild_id"], row["name"]]
            first = n % len(slugs)
            chosen = [slugs[(first + k) % len(slugs)] for k in range(1 + n % 3)]
            watched[community_id] = chosen
            adopted_rows += [
                {
                    "community_id": community_id,
                    "pattern_slug": slug,
                    "adopted_at": created + timedelta(minutes=k),
                }
                for k, slug in enumerate(chosen)
            ]
            for spec in default_specs(library[chosen[0]], row["timezone"]):
                schedule_rows.append(
                    {
                        "community_id": community_id,
                        "kind": spec.kind,
                        "pattern_slug": "",
                        "cadence": spec.cadence,
                        "weekday": spec.weekday,
                        "day_of_month": spec.day_of_month,
                        "nth": spec.nth,
                        "time_of_day": spec.time_of_day,
                        "window_days": spec.window_days,
                        "enabled": True,
                    }
                )
                for fire in runs_of(spec):
                    closes = closes_at(spec, fire)
                    reminded = reminder_at(fire, closes)
                    round_rows.append(
                        {
                            "community_id": community_id,
                            "kind": spec.kind,
                            "pattern_slug": "",
                            "period": period_key(spec, fire),
                            "status": "closed" if closes <= START else "open",
                            "anonymous": True,
                            "min_respondents": DEFAULT_MIN_RESPONDENTS,
                            "opened_at": fire,
                            "closes_at": closes,
                            "closed_at": closes if closes <= START else None,
                            "reminded_at": reminded if reminded <= START else None,
                            "eligible_members": MEMBERS_PER_COMMUNITY,
                            "channel_id": row["channel_id"],
                            "message_id": 700_000_000_000_000_000 + len(round_rows),
                        }
                    )
        async with db.transaction() as session:
            await session.execute(insert(AdoptedPatternRow), adopted_rows)
            await session.execute(insert(ScheduleRow), schedule_rows)
            await session.execute(insert(RoundRow), round_rows)

        # The open rounds get the questions the services would have asked.
        async with db.transaction() as session:
            history = (
                await session.execute(
                    select(
                        RoundRow.id, RoundRow.community_id, RoundRow.kind, RoundRow.status
                    ).order_by(RoundRow.community_id, RoundRow.kind, RoundRow.opened_at)
                )
            ).all()
            question_rows: list[dict[str, Any]] = []
            earlier: dict[tuple[int, str], int] = {}
            for round_id, community_id, kind, status in history:
                index = earlier.get((community_id, kind), 0)
                earlier[(community_id, kind)] = index + 1
                if status != "open":
                    continue
                patterns = [library[slug] for slug in watched[community_id]]
                drafts: list[tuple[str, str, str, str | None]]
                if kind == "checkin":
                    drafts = [
                        ("prompt", prompt_text(p), "", None) for p in checkin_prompts(patterns)
                    ]
                else:
                    drafts = [
                        (item.kind.value, item.text, item.pattern_slug, item.sign_id)
                        for item in plan_survey(patterns, round_index=index, max_items=8)
                    ]
                question_rows += [
                    {
                        "round_id": round_id,
                        "position": position,
                        "kind": qkind,
                        "pattern_slug": slug,
                        "sign_id": sign,
                        "text": text,
                    }
                    for position, (qkind, text, slug, sign) in enumerate(drafts, start=1)
                ]
            await session.execute(insert(QuestionRow), question_rows)
    open_rounds = sum(1 for r in round_rows if r["status"] == "open")
    return {
        "servers": servers,
        "communities": len(community_rows),
        "adopted": len(adopted_rows),
        "schedules": len(schedule_rows),
        "rounds": len(round_rows),
        "open_rounds": open_rounds,
        "questions": len(question_rows),
    }
