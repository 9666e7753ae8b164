"""The deploy/ files, read as their tools would read them (no container engine here)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

DEPLOY_DIR = Path(__file__).resolve().parents[2] / "deploy"


@pytest.fixture(scope="session")
def deploy_dir() -> Path:
    return DEPLOY_DIR


@pytest.fixture(scope="session")
def repo_root() -> Path:
    return DEPLOY_DIR.parent


@pytest.fixture(scope="session")
def compose() -> dict[str, Any]:
    loaded = yaml.safe_load((DEPLOY_DIR / "compose.yaml").read_text(encoding="utf-8"))
    assert isinstance(loaded, dict)
    return loaded
