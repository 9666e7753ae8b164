"""deploy/compose.yaml: the bot waits for a healthy PostgreSQL 16 kept in a volume, keeps
its state in a volume of its own, and neither container's log grows without end."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy.engine import make_url


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
    env = compose["services"]["bot"]["environment"]
    url = make_url(env["VITALITYBOT_DATABASE_URL"])
    assert url.drivername == "postgresql+asyncpg"
    assert url.host == "postgres"
    postgres_env = compose["services"]["postgres"]["environment"]
    assert url.username == postgres_env["POSTGRES_USER"]
    assert url.database == postgres_env["POSTGRES_DB"]
    assert env["VITALITYBOT_MIGRATE_ON_START"] == "true"


def test_bot_state_folder_is_a_named_volume(compose: dict[str, Any]) -> None:
    # secret.key lives in the state folder: a container's own layer would lose it on upgrade.
    bot = compose["services"]["bot"]
    state_dir = bot["environment"]["VITALITYBOT_STATE_DIR"]
    mounts = dict(reversed(m.split(":")[:2]) for m in bot["volumes"])
    assert mounts[state_dir] in compose["volumes"]
    assert bot["read_only"] is True, "everything else in the container stays read-only"


def test_every_container_rotates_its_log(compose: dict[str, Any]) -> None:
    for name, service in compose["services"].items():
        logging = service["logging"]
        assert logging["driver"] == "json-file", name
        size = logging["options"]["max-size"]
        assert size[:-1].isdigit() and size[-1] in "kmg", f"{name}: max-size {size}"
        assert int(logging["options"]["max-file"]) >= 2, name


def test_bot_builds_from_the_repository_dockerfile(
    compose: dict[str, Any], deploy_dir: Path
) -> None:
    build = compose["services"]["bot"]["build"]
    context = (deploy_dir / build["context"]).resolve()
    assert (context / "pyproject.toml").is_file()
    assert (context / build["dockerfile"]).resolve() == deploy_dir / "Dockerfile"
