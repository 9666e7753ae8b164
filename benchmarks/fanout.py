"""Many communities due in the same minute under Discord's global rate limit, then many
members clicking at once: the real bot against the loopback Discord, in two processes.

The loopback Discord server of the test suite (tests/loopback) runs in this process and
enforces Discord's global limit of 50 requests a second with real 429 answers
(interaction replies are exempt, as on Discord). The bot runs in a child process
(fanout_bots.py) as ``vitalitybot run`` builds it (``build_app``: library, migrations,
services, the Discord notifier, the ``ScheduleKeeper``, ``VitalityBot``), on the loop
``run`` serves on; Discord is not on the bot's machine, so the server's own work is kept
out of its process.

1. **Setup** (not measured): ``--communities`` guilds, ``--members`` members spread over
   the first of them; on a fresh SQLite file each guild becomes a community through the
   services, with one shipped pattern and every survey schedule set to the same minute
   ahead (check-ins off). The bot starts and arms every schedule.
2. **Fan-out**: at that minute every round opens through the same jobs production runs
   (the round's message with its buttons, then its thread). ``seconds`` runs from the
   due minute to the last post's arrival at the server; ``floor_seconds`` is the
   requests the bot needed (429 answers not counted) over 50 a second, the time the
   limit itself imposes; ``ratio`` = seconds / floor_seconds. ``posted`` counts distinct
   rounds whose post arrived, ``duplicates`` the rounds posted more than once.
3. **Acknowledgements** (fanout_clicks.py): ``--waves`` times, every member clicks
   "Answer" on their round's post at once. Each acknowledgement is timed on the server,
   from queueing INTERACTION_CREATE to receiving the bot's callback, and each member must
   then see the survey page. The same waves then go to the loopback sample bot, whose
   button answers at once without any work: ``ack_p99_ratio`` is the bot's p99 over that
   trivial discord.py handler's, measured in the same run on the same server.

``--rehearse`` starts the fan-out a few seconds after the bot is up, on a rehearsal
clock (``PacedRunner``), instead of waiting for the next whole minute on the real
scheduler: for quick runs, not for the figures.

Last line: ``posted=N duplicates=D missing=M ratio=R ack_p99_ratio=Q``; floors and
figures in benchmarks/README.md.

    .venv/bin/python benchmarks/fanout.py [--communities 1000] [--members 200] [--waves 5]
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import math
import tempfile
import time
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from fanout_bots import Child
from fanout_clicks import click_waves, poll, survey_page, vote_counted, vote_posts
from support import (
    Floor,
    Timer,
    finish,
    fresh_database,
    percentile,
    services_on,
    spread,
    sqlite_url,
)
from tests.loopback import Guild, LoopbackDiscord, Member, MessageRecord

from vitalitybot.bot.event_loop import run_on
from vitalitybot.config import Settings
from vitalitybot.scheduling.clock import SystemClock
from vitalitybot.services import adopt_pattern, set_schedule, setup_community

GLOBAL_LIMIT = 50  # requests a second: Discord's global limit for a bot
FLOORS = (
    Floor("missing", "<=", 0),
    Floor("duplicates", "<=", 0),
    Floor("ratio", "<=", 1.2),
    Floor("ack_p99_ratio", "<=", 1.1),
)
PATTERN = "cop-commons-alignment"
HEARTBEAT = 41.25  # seconds, what Discord asks of a client
ROUND_POST = "vb:answer:"
ROUTES = {
    "POST /channels/{channel_id}/messages",
    "POST /channels/{channel_id}/messages/{message_id}/threads",
}
REHEARSAL_LEAD = 10.0  # seconds from starting the bot to the fan-out, with --rehearse
QUIET = 2.0  # seconds without a request from the bot that end the fan-out


# -- setup (this process, through the services) ----------------------------------------


async def seed(url: str, guilds: Sequence[Guild], lead: float) -> datetime:
    """Communities with one survey schedule each, all due at the first whole minute at
    least ``lead`` seconds after seeding; that minute."""
    async with fresh_database(url) as db:
        svc = services_on(db, SystemClock())
        community_ids = []
        for guild in guilds:
            made = await setup_community(svc, guild.id, guild.name, guild.general.id, "UTC")
            await adopt_pattern(svc, made.id, PATTERN)
            await set_schedule(svc, made.id, "checkin", "monthly", enabled=False)
            community_ids.append(made.id)
        ahead = datetime.now(UTC) + timedelta(seconds=lead)
        due = ahead.replace(second=0, microsecond=0) + timedelta(minutes=1)
        for community_id in community_ids:
            day, at = f"{due:%A}".lower(), f"{due:%H:%M}"
            await set_schedule(svc, community_id, "survey", "weekly", day, at, window_days=5)
    return due


# -- the fan-out -----------------------------------------------------------------------


def round_posts(server: LoopbackDiscord, guilds: Sequence[Guild]) -> dict[int, list[MessageRecord]]:
    """The bot's round posts in the communities' channels, by the round id in their buttons."""
    found: dict[int, list[MessageRecord]] = defaultdict(list)
    for guild in guilds:
        for message in server.messages_in(guild.general.id):
            ids = [c for c in message.custom_ids() if c.startswith(ROUND_POST)]
            if message.author.id == server.bot.id and ids:
                found[int(ids[0].removeprefix(ROUND_POST))].append(message)
    return found


@dataclass
class FanOut:
    posted: int
    duplicates: int
    seconds: float
    requests: int
    refused: int
    by_route: Counter[str]

    @property
    def floor_seconds(self) -> float:
        return self.requests / GLOBAL_LIMIT

    @property
    def ratio(self) -> float:
        return self.seconds / self.floor_seconds if self.requests else math.inf


async def fan_out(server: LoopbackDiscord, guilds: Sequence[Guild], due: datetime) -> FanOut:
    since = due.timestamp()

    def settled() -> bool:
        """No request from the bot for a while, and every round posted with its thread.

        The posts are looked for only once the bot is quiet: finding them reads every
        channel's messages, which in the server's own process would hold up the requests
        being measured if it ran on every poll.
        """
        last = max((r.received_at for r in server.requests if r.counts_globally), default=0)
        if time.time() - last < QUIET:
            return False
        posts = round_posts(server, guilds)
        return len(posts) == len(guilds) and all(ms[0].thread_id for ms in posts.values())

    await asyncio.sleep(max(0.0, since - time.time()))
    await poll(settled, max(120.0, 8 * len(guilds) / GLOBAL_LIMIT))  # else: what did arrive
    spent = [r for r in server.requests if r.received_at >= since and r.counts_globally]
    served = [r for r in spent if r.status != 429]
    posts = [r for r in served if f"{r.method} {r.route}" in ROUTES and r.status < 300]
    found = round_posts(server, guilds)
    return FanOut(
        posted=len(found),
        duplicates=sum(1 for ms in found.values() if len(ms) > 1),
        seconds=max((r.received_at for r in posts), default=math.inf) - since,
        requests=len(served),
        refused=len(spent) - len(served),
        by_route=Counter(f"{r.method} {r.route} {r.status}" for r in served),
    )


# -- the run ---------------------------------------------------------------------------


def click_targets(
    server: LoopbackDiscord, guilds: Sequence[Guild], members: Sequence[Member]
) -> list[tuple[Member, MessageRecord, str]]:
    """Each member with their guild's round post and its "Answer" button."""
    first_post = {ms[0].channel_id: (rid, ms[0]) for rid, ms in round_posts(server, guilds).items()}
    return [
        (m, first_post[m.guild.general.id][1], f"{ROUND_POST}{first_post[m.guild.general.id][0]}")
        for m in members
        if m.guild.general.id in first_post
    ]


async def run(folder: Path, args: argparse.Namespace) -> dict[str, float]:
    server = LoopbackDiscord(
        heartbeat_interval=HEARTBEAT, timeout=30.0, global_rate_limit=GLOBAL_LIMIT
    )
    await server.start()
    try:
        guilds = [server.add_guild(f"CoP {n:04d}") for n in range(args.communities)]
        members = [
            guilds[n % len(guilds)].add_member(f"member-{n:04d}") for n in range(args.members)
        ]
        url = sqlite_url(folder, "fanout")
        timer = Timer()
        lead = (REHEARSAL_LEAD if args.rehearse else 15) + 0.03 * args.communities
        due = await seed(url, guilds, 0.0 if args.rehearse else lead)
        config: dict[str, Any] = {
            "token": server.token,
            "api_url": server.api_url,
            "gateway_url": server.gateway_url,
            "database_url": url,
        }
        if args.rehearse:  # the bots' clock reaches the due minute `lead` s after `epoch`
            epoch = time.time()
            config.update(rehearse_from=(due - timedelta(seconds=lead)).isoformat(), epoch=epoch)
            due = datetime.fromtimestamp(epoch + lead, UTC)
        bot = Child("bot", config, folder)
        ready = await bot.start()
        try:
            print(
                f"setup: {args.communities:,} communities, {ready['jobs']:,} jobs armed in "
                f"{timer.seconds:.1f} s; due at {due:%H:%M:%S} UTC, in "
                f"{(due - datetime.now(UTC)).total_seconds():.1f} s"
            )
            result = await fan_out(server, guilds, due)
            targets = click_targets(server, guilds, members)
            # The server holds thousands of records by now: keep its full collections out
            # of the bots' timings.
            gc.collect()
            gc.freeze()
            acks = await click_waves(server, targets, args.waves, survey_page)
        finally:
            await bot.stop()
        clickers = [member for member, _, _ in targets]
        votes = [
            (m, post, "vote:yes")
            for m, post in zip(clickers, vote_posts(server, clickers), strict=True)
        ]
        sample = Child("sample", config, folder)
        await sample.start()
        try:
            trivial = await click_waves(server, votes, args.waves, vote_counted)
        finally:
            await sample.stop()
    finally:
        await server.stop()

    print(f"fan-out: {args.communities:,} rounds due at once, global limit {GLOBAL_LIMIT}/s")
    print(
        f"  posted {result.posted:,}, twice {result.duplicates:,}, "
        f"last after {result.seconds:.2f} s; "
        f"{result.requests:,} requests served, {result.refused:,} refused (429); "
        f"floor {result.floor_seconds:.2f} s, ratio {result.ratio:.3f}"
    )
    for route, count in sorted(result.by_route.items()):
        print(f"    {route}: {count:,}")
    print(f"acknowledgements: {args.waves} waves of {len(targets)} clicks at once")
    print(f"  vitalitybot ack   {spread(acks.ack_ms)}  failures {acks.failures}")
    print(f"  vitalitybot page  {spread(acks.page_ms)}")
    print(f"  trivial bot ack   {spread(trivial.ack_ms)}")
    return {
        "posted": float(result.posted),
        "duplicates": float(result.duplicates),
        "missing": float(args.communities - result.posted),
        "ratio": result.ratio,
        "ack_p99_ratio": percentile(acks.ack_ms, 99) / percentile(trivial.ack_ms, 99),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--communities", type=int, default=1000)
    parser.add_argument("--members", type=int, default=200, help="clicking at once, per wave")
    parser.add_argument("--waves", type=int, default=5)
    parser.add_argument(
        "--rehearse", action="store_true", help="fan out soon, on a rehearsal clock"
    )
    args = parser.parse_args()
    if min(args.communities, args.members, args.waves) < 1:
        parser.error("--communities, --members and --waves must be at least 1")
    with tempfile.TemporaryDirectory() as folder:
        figures = run_on(
            Settings(_env_file=None).event_loop,  # type: ignore[call-arg]
            run(Path(folder), args),
        )
    finish(figures, FLOORS)


if __name__ == "__main__":
    main()
