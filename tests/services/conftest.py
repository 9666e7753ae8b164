"""Services over a real database (SQLite, and PostgreSQL when configured: see the `db`
fixture in tests/conftest.py) migrated by the real Alembic, a ManualClock, the
shipped patterns, and honest fakes of the two edges (tests/services/fakes.py)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from pathlib import Path

import pytest

from key_support import TEST_KEYS
from vitalitybot.domain.records import Community
from vitalitybot.patterns import Pattern, load_library
from vitalitybot.render.environment import build_environment
from vitalitybot.scheduling.clock import ManualClock
from vitalitybot.services import Services, adopt_pattern, set_threshold, setup_community
from vitalitybot.storage import Database

from .fakes import FixedDirectory, RecordingNotifier
from .support import COP, GUILD, MEMBERS, OTHER_GUILD, START, TIMEZONE


@pytest.fixture(scope="session")
def library(shipped_patterns_dir: Path) -> Mapping[str, Pattern]:
    loaded = load_library(shipped_patterns_dir)
    if "cop-commons-alignment" not in loaded.patterns:
        pytest.skip("the shipped patterns are not in patterns/ yet")
    return loaded.patterns


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock(START)


@pytest.fixture
def notifier() -> RecordingNotifier:
    return RecordingNotifier()


@pytest.fixture
def directory() -> FixedDirectory:
    return FixedDirectory(list(MEMBERS))


MakeServices = Callable[[Database], Services]


@pytest.fixture
def make_services(
    library: Mapping[str, Pattern],
    clock: ManualClock,
    notifier: RecordingNotifier,
    directory: FixedDirectory,
) -> MakeServices:
    """Services over a given database: a restart builds a second one on the same file."""

    def make(database: Database) -> Services:
        return Services(
            db=database,
            patterns=library,
            clock=clock,
            notifier=notifier,
            members=directory,
            env=build_environment(),
            keys=TEST_KEYS,
        )

    return make


@pytest.fixture
def svc(db: Database, make_services: MakeServices) -> Services:
    return make_services(db)


Setup = Callable[..., Awaitable[Community]]


@pytest.fixture
def setup(svc: Services) -> Setup:
    """Set a community up; by default in the main test guild, channel 42, Europe/Berlin.

    Its rounds show figures from 3 answers (the least an anonymous round may promise),
    so a test needs only a handful of members to see scores.
    """

    async def make(
        guild_id: int = GUILD, *, name: str = "Protocol nurses", channel_id: int = 42
    ) -> Community:
        made = await setup_community(svc, guild_id, name, channel_id, TIMEZONE)
        return await set_threshold(svc, made.id, 0.5, min_respondents=3)

    return make


@pytest.fixture
async def community(svc: Services, setup: Setup) -> Community:
    """The main test guild, set up, watching CoP–Commons Alignment."""
    made = await setup()
    await adopt_pattern(svc, made.id, COP)
    return made


@pytest.fixture
async def neighbour(svc: Services, setup: Setup) -> Community:
    """A second community of the main test guild, in channel 43, watching the same pattern."""
    return await _second(svc, setup, GUILD)


@pytest.fixture(params=[OTHER_GUILD, GUILD], ids=["other-server", "same-server"])
async def elsewhere(svc: Services, setup: Setup, request: pytest.FixtureRequest) -> Community:
    """Another community watching the same pattern: on another server, then beside
    ``community`` on the main test guild (each test using it runs once for each)."""
    guild_id: int = request.param
    return await _second(svc, setup, guild_id)


async def _second(svc: Services, setup: Setup, guild_id: int) -> Community:
    made = await setup(guild_id, name="Maintainers", channel_id=43)
    await adopt_pattern(svc, made.id, COP)
    return made
