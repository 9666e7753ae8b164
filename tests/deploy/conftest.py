"""The deploy/ files, read as their tools would read them (no container engine here)."""

from __future__ import annotations

from pathlib import Path

import pytest

DEPLOY_DIR = Path(__file__).resolve().parents[2] / "deploy"


@pytest.fixture(scope="session")
def deploy_dir() -> Path:
    return DEPLOY_DIR


@pytest.fixture(scope="session")
def repo_root() -> Path:
    return DEPLOY_DIR.parent
