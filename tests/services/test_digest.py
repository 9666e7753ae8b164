"""The quarterly portfolio digest, posted by the schedule keeper from the servers table."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from vitalitybot.scheduling.clock import ManualClock
from vitalitybot.services import Services, set_sponsors
from vitalitybot.services.digest import post_due_digests
from vitalitybot.storage import Database

from .conftest import MakeServices, Setup
from .fakes import RecordingNotifier
from .support import GUILD, OTHER_GUILD, keeper_on, rows, started

SPONSORS = 555_000_000_000_000_001
DIGESTS = 77
APRIL = datetime(2026, 4, 1, 9, 0, tzinfo=UTC)  # the second quarter's digest is due
JULY = datetime(2026, 7, 1, 9, 0, tzinfo=UTC)


async def with_digest(svc: Services, setup: Setup, guild_id: int = GUILD) -> None:
    """A server with one community (Security) that chose a digest channel in January."""
    await setup(guild_id, name="Security")
    await set_sponsors(svc, guild_id, SPONSORS, DIGESTS)


async def test_the_digest_is_posted_once_a_quarter_from_its_first_morning(
    svc: Services, setup: Setup, clock: ManualClock, notifier: RecordingNotifier
) -> None:
    await with_digest(svc, setup)
    keeper, runner = await started(svc, clock)

    await runner.run_until(APRIL - timedelta(minutes=1))
    none_yet = list(notifier.of("digest"))
    await runner.run_until(APRIL + timedelta(hours=1))
    notifier.nonces.clear()  # weeks pass: Discord would no longer refuse a second copy
    await runner.run_until(APRIL + timedelta(days=40))
    in_april = list(notifier.of("digest"))
    await runner.run_until(JULY + timedelta(hours=1))
    keeper.shutdown()

    assert none_yet == []  # chosen in January: the first digest is April's
    assert len(in_april) == 1
    assert "the portfolio digest of 2026-Q2" in in_april[0].text
    assert "Security: getting started — no survey or check-in has closed yet" in in_april[0].text
    assert [p.text.split("\n")[0] for p in notifier.of("digest")] == [
        "How this server's communities stand: the portfolio digest of 2026-Q2.",
        "How this server's communities stand: the portfolio digest of 2026-Q3.",
    ]


async def test_a_restart_neither_loses_nor_repeats_a_quarters_digest(
    db: Database,
    make_services: MakeServices,
    setup: Setup,
    clock: ManualClock,
    notifier: RecordingNotifier,
) -> None:
    svc = make_services(db)
    await with_digest(svc, setup)
    clock.set(APRIL + timedelta(days=2))  # the bot was down on the quarter's first day

    keeper, runner = await started(svc, clock)
    await runner.run_until(clock.now() + timedelta(hours=1))
    keeper.shutdown()
    notifier.nonces.clear()  # a restart after Discord forgot the post's nonce
    restarted, runner2 = keeper_on(make_services(db), clock)
    await restarted.start()
    await runner2.run_until(clock.now() + timedelta(days=3))
    restarted.shutdown()

    assert len(notifier.of("digest")) == 1
    assert await rows(db, "SELECT digest_period FROM servers") == [("2026-Q2",)]


async def test_an_outage_is_tried_again_and_a_refusal_is_not_repeated(
    svc: Services, setup: Setup, clock: ManualClock, notifier: RecordingNotifier, db: Database
) -> None:
    await with_digest(svc, setup)
    await with_digest(svc, setup, OTHER_GUILD)
    clock.set(APRIL)
    notifier.down_guilds.add(GUILD)
    notifier.failing_guilds.add(OTHER_GUILD)

    await post_due_digests(svc)
    notifier.down_guilds.clear()
    await post_due_digests(svc)
    await post_due_digests(svc)

    assert [p.guild_id for p in notifier.of("digest")] == [GUILD]
    assert await rows(db, "SELECT guild_id, digest_period FROM servers ORDER BY guild_id") == [
        (GUILD, "2026-Q2"),
        (OTHER_GUILD, "2026-Q2"),
    ]


async def test_a_server_without_a_digest_channel_gets_none(
    svc: Services, setup: Setup, clock: ManualClock, notifier: RecordingNotifier
) -> None:
    await setup(name="Security")
    await set_sponsors(svc, GUILD, SPONSORS, None)
    clock.set(APRIL)

    await post_due_digests(svc)

    assert notifier.of("digest") == []


async def test_turning_the_digest_back_on_waits_for_the_next_quarter(
    svc: Services, setup: Setup, clock: ManualClock, notifier: RecordingNotifier
) -> None:
    await with_digest(svc, setup)
    await set_sponsors(svc, GUILD, SPONSORS, None)  # off in January ...
    clock.set(JULY + timedelta(days=10))
    await set_sponsors(svc, GUILD, SPONSORS, DIGESTS)  # ... on again in July

    await post_due_digests(svc)
    clock.set(JULY + timedelta(days=92))
    await post_due_digests(svc)

    (posted,) = notifier.of("digest")  # none for the third quarter, turned on in it
    assert "the portfolio digest of 2026-Q4" in posted.text
