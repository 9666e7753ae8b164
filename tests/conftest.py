"""Fixtures shared by every test folder.

Tests that read ../shared/ (the seeds and the public corpus) skip cleanly when it is
absent, so the suite passes from a lone clone too. Tests that take ``db`` or ``db_url``
run twice: on SQLite, and on PostgreSQL when ``VITALITYBOT_TEST_POSTGRES_URL`` names a
server (``.ci/run`` starts one; without it that run is skipped, saying why).
"""

from __future__ import annotations

import os
from collections.abc import AsyncIterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from db_support import POSTGRES_SKIP_REASON, POSTGRES_URL_ENV, postgres_database

if TYPE_CHECKING:
    from vitalitybot.storage import Database

PROJECT_ROOT = Path(__file__).resolve().parents[1]
SHARED_DIR = PROJECT_ROOT.parent / "shared"
SHIPPED_PATTERNS = PROJECT_ROOT / "patterns"


@pytest.fixture(autouse=True)
def _state_dir_of_its_own(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """Whatever loads the bot key from the settings finds its key file in the test's own
    folder, never in the working directory (or a developer's VITALITYBOT_SECRET_KEY)."""
    monkeypatch.setenv("VITALITYBOT_STATE_DIR", str(tmp_path / "state"))
    monkeypatch.delenv("VITALITYBOT_SECRET_KEY", raising=False)


@pytest.fixture(scope="session")
def shared_dir() -> Path:
    if not SHARED_DIR.is_dir():
        pytest.skip(f"{SHARED_DIR} is absent: no shared seeds or corpus beside this clone")
    return SHARED_DIR


@pytest.fixture(scope="session")
def seeds_dir(shared_dir: Path) -> Path:
    seeds = shared_dir / "seeds"
    if not seeds.is_dir():
        pytest.skip(f"{seeds} is absent")
    return seeds


@pytest.fixture(scope="session")
def corpus_dir(shared_dir: Path) -> Path:
    corpus = shared_dir / "corpus" / "commons-os-patterns"
    if not corpus.is_dir():
        pytest.skip(f"{corpus} is absent")
    return corpus


@pytest.fixture(scope="session")
def shipped_patterns_dir() -> Path:
    return SHIPPED_PATTERNS


@pytest.fixture(params=["sqlite", "postgresql"])
async def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[str]:
    """The URL of an empty database of its own, once on SQLite and once on PostgreSQL.

    SQLite: a file in tmp_path (its folder not yet created). PostgreSQL: a database
    created for this test on the server ``VITALITYBOT_TEST_POSTGRES_URL`` points at, and
    dropped afterwards, so tests never see each other's rows. Tests may reopen the
    database by this URL (a restart). Mark a test ``sqlite_only`` when it checks
    something only SQLite has (pragmas, files).
    """
    if request.param == "sqlite":
        yield f"sqlite+aiosqlite:///{tmp_path / 'db' / 'vitalitybot.sqlite3'}"
        return
    admin_url = os.environ.get(POSTGRES_URL_ENV)
    if not admin_url:
        pytest.skip(POSTGRES_SKIP_REASON)
    async with postgres_database(admin_url) as url:
        yield url


@pytest.fixture
async def db(db_url: str) -> AsyncIterator[Database]:
    """The database at ``db_url``, migrated to head with the real Alembic upgrade."""
    from vitalitybot.storage import open_database, upgrade

    database = open_database(db_url)
    await upgrade(database)
    yield database
    await database.dispose()


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Drop the PostgreSQL run of tests marked ``sqlite_only``: there is nothing to check."""
    kept: list[pytest.Item] = []
    dropped: list[pytest.Item] = []
    for item in items:
        callspec = getattr(item, "callspec", None)
        on_postgres = callspec is not None and callspec.params.get("db_url") == "postgresql"
        if on_postgres and item.get_closest_marker("sqlite_only") is not None:
            dropped.append(item)
        else:
            kept.append(item)
    if dropped:
        config.hook.pytest_deselected(items=dropped)
        items[:] = kept


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    """Say once, not once per test, why the PostgreSQL runs were skipped."""
    skipped = [
        report
        for report in terminalreporter.stats.get("skipped", [])
        if POSTGRES_SKIP_REASON in str(report.longrepr)
    ]
    if skipped:
        terminalreporter.write_line(
            f"{len(skipped)} PostgreSQL runs skipped: {POSTGRES_SKIP_REASON}", yellow=True
        )
