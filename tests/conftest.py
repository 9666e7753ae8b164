"""Fixtures shared by every test folder.

Tests that read ../shared/ (the seeds and the public corpus) skip cleanly when it is
absent, so the suite passes from a lone clone too.
"""

from __future__ import annotations

from pathlib import Path

import pytest

PROJECT_ROOT = Path(__file__).resolve().parents[1]
SHARED_DIR = PROJECT_ROOT.parent / "shared"
SHIPPED_PATTERNS = PROJECT_ROOT / "patterns"


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


@pytest.fixture
async def db(tmp_path: Path):  # -> AsyncIterator[vitalitybot.storage.Database]
    """A real SQLite file in tmp_path, migrated to head with the real Alembic upgrade."""
    from vitalitybot.storage import open_database, upgrade

    database = open_database(f"sqlite+aiosqlite:///{tmp_path / 'db' / 'vitalitybot.sqlite3'}")
    await upgrade(database)
    yield database
    await database.dispose()
