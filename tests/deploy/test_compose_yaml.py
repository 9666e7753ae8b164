"""deploy/compose.yaml: the bot waits for a healthy PostgreSQL 16 kept in a volume."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml
from sqlalchemy.engine import make_url


@pytest.fixture(scope="module")
def compose(deploy_dir: Path) -> dict[str, Any]:
    loaded = yaml.safe_load((deploy_dir / "compose.yaml").read_text(encoding="utf-8"))
    assert isinstance(loaded, dict)
    return loaded


def test_bot_and_postgres_16(compose: dict[str, Any]) -> None:
    services = compose["services"]
    assert set(services) == {"bot", "postgres"}
    image = services["postgres"]["image"]
    assert image.startswith("postgres:16")
    assert "ports" not in services["postgres"], "the database stays on the compose network"


def test_postgres_data_lives_in_a_named_volume(compose: dict[str, Any]) -> None:
    mounts = compose["services"]["postgres"]["volumes"]
    named = [m.split(":")[0] for m in mounts if m.endswith(":/var/lib/postgresql/data")]
    assert named and named[0] in compose["volumes"]


def test_postgres_has_a_healthcheck_the_bot_waits_for(compose: dict[str, Any]) -> None:
    check = compose["services"]["postgres"]["healthcheck"]
    assert "pg_isready" in " ".join(check["test"])
    depends = compose["services"]["bot"]["depends_on"]
    assert depends["postgres"]["condition"] == "service_healthy"


def test_bot_uses_postgres_and_migrates_on_start(compose: dict[str, Any]) -> None:
    bot = compose["services"]["bot"]
    env = bot["environment"]
    url = make_url(env["VITALITYBOT_DATABASE_URL"].replace("${POSTGRES_PASSWORD}", "pw"))
    assert url.drivername == "postgresql+asyncpg"
    assert url.host == "postgres"
    postgres_env = compose["services"]["postgres"]["environment"]
    assert url.username == postgres_env["POSTGRES_USER"]
    assert url.database == postgres_env["POSTGRES_DB"]
    assert env["VITALITYBOT_MIGRATE_ON_START"] == "true"
    assert ".env" in bot["env_file"]


def test_bot_builds_from_the_repository_dockerfile(
    compose: dict[str, Any], deploy_dir: Path
) -> None:
    build = compose["services"]["bot"]["build"]
    context = (deploy_dir / build["context"]).resolve()
    assert (context / "pyproject.toml").is_file()
    assert (context / build["dockerfile"]).resolve() == deploy_dir / "Dockerfile"
