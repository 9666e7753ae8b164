"""deploy/compose.yaml hands the bot its token and database password as secret files, and
the real Settings, reading them from a secrets folder laid out as Compose mounts it, build a
URL that reaches PostgreSQL whatever characters the password holds."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest
from compose_support import interpolate
from sqlalchemy.engine import make_url

from vitalitybot.config import Settings

# Every character that would end or split a URL's password, and a space; the files end in a
# newline, as editors leave them (PostgreSQL's image and the bot both drop it).
PASSWORD = "p@ss:w/rd?#%+ ;x"
TOKEN = "MTA0.fake.token"
SECRETS_IN_CONTAINER = "/run/secrets/"


def bot(compose: dict[str, Any]) -> dict[str, Any]:
    service: dict[str, Any] = compose["services"]["bot"]
    return service


def mounted(service: dict[str, Any]) -> dict[str, str]:
    """File name under /run/secrets -> the secret it holds, for one service."""
    found: dict[str, str] = {}
    for entry in service.get("secrets", []):
        source, target = (
            (entry, entry)
            if isinstance(entry, str)
            else (entry["source"], entry.get("target", entry["source"]))
        )
        found[target.removeprefix(SECRETS_IN_CONTAINER)] = source
    return found


@pytest.fixture
def secret_files(compose: dict[str, Any], tmp_path: Path) -> dict[str, Path]:
    """The host files compose.yaml's secrets name, written under a copy of deploy/ as the
    README tells an operator to."""
    contents = {"db_password": PASSWORD + "\n", "discord_token": TOKEN + "\n"}
    files: dict[str, Path] = {}
    for name, secret in compose["secrets"].items():
        path = tmp_path / "deploy" / secret["file"]
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(contents[name], encoding="utf-8")
        files[name] = path
    return files


@pytest.fixture
def bot_settings(
    compose: dict[str, Any],
    secret_files: dict[str, Path],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> Settings:
    """The real Settings in the bot's container: its environment from compose.yaml and its
    secrets folder laid out as Compose mounts it."""
    run_secrets = tmp_path / "run-secrets"
    run_secrets.mkdir()
    for target, source in mounted(bot(compose)).items():
        (run_secrets / target).write_bytes(secret_files[source].read_bytes())
    for name in [n for n in os.environ if n.startswith("VITALITYBOT_")]:
        monkeypatch.delenv(name)
    # An operator's shell may still hold the old style's password: it must not reach the bot.
    shell = {"POSTGRES_PASSWORD": PASSWORD}
    for name, value in bot(compose)["environment"].items():
        monkeypatch.setenv(name, interpolate(str(value), shell))
    monkeypatch.setenv("VITALITYBOT_STATE_DIR", str(tmp_path))  # the volume is not here
    monkeypatch.chdir(tmp_path)
    return Settings(_env_file=None, _secrets_dir=run_secrets)  # type: ignore[call-arg]


def test_no_password_or_token_in_any_container_environment(compose: dict[str, Any]) -> None:
    shell = {"POSTGRES_PASSWORD": PASSWORD, "VITALITYBOT_TOKEN": TOKEN}
    for name, service in compose["services"].items():
        assert "env_file" not in service, f"{name} would get every line of the .env file"
        for key, value in service["environment"].items():
            filled = interpolate(str(value), shell)
            assert PASSWORD not in filled and TOKEN not in filled, f"{name}: {key}"
            assert "PASSWORD" not in key or key.endswith("_FILE"), f"{name}: {key}"


def test_bot_environment_is_only_its_own_settings(compose: dict[str, Any]) -> None:
    env = bot(compose)["environment"]
    assert not [key for key in env if key.startswith("POSTGRES")]
    assert all(key.startswith("VITALITYBOT_") for key in env)
    assert "VITALITYBOT_TOKEN" not in env
    assert make_url(env["VITALITYBOT_DATABASE_URL"]).password is None


def test_postgres_and_the_bot_read_the_same_password_file(compose: dict[str, Any]) -> None:
    postgres = compose["services"]["postgres"]
    password_file = postgres["environment"]["POSTGRES_PASSWORD_FILE"]
    assert password_file.startswith(SECRETS_IN_CONTAINER)
    source = mounted(postgres)[password_file.removeprefix(SECRETS_IN_CONTAINER)]
    assert mounted(bot(compose))["vitalitybot_database_password"] == source


def test_each_secret_the_bot_mounts_is_a_setting_it_reads(compose: dict[str, Any]) -> None:
    targets = mounted(bot(compose))
    assert {"vitalitybot_token", "vitalitybot_database_password"} <= set(targets)
    for target, source in targets.items():
        assert target.removeprefix("vitalitybot_") in Settings.model_fields, target
        assert compose["secrets"][source]["file"].startswith("./secrets/")


def test_secret_files_stay_out_of_git_and_the_image(deploy_dir: Path) -> None:
    ignored = (deploy_dir / "secrets" / ".gitignore").read_text(encoding="utf-8").split()
    assert "*" in ignored
    dockerignore = (deploy_dir / "Dockerfile.dockerignore").read_text(encoding="utf-8")
    assert "deploy/secrets" in dockerignore.split()


def test_bot_reaches_postgres_with_a_password_that_needs_escaping(
    bot_settings: Settings, compose: dict[str, Any]
) -> None:
    url = make_url(bot_settings.database_url)
    assert url.password == PASSWORD
    postgres_env = compose["services"]["postgres"]["environment"]
    assert (url.username, url.host, url.port, url.database) == (
        postgres_env["POSTGRES_USER"],
        "postgres",
        5432,
        postgres_env["POSTGRES_DB"],
    )
    assert url.drivername == "postgresql+asyncpg"
    assert PASSWORD not in url.render_as_string(hide_password=True)


def test_bot_reads_its_token_from_the_secret(bot_settings: Settings) -> None:
    assert bot_settings.token is not None
    assert bot_settings.token.get_secret_value() == TOKEN
