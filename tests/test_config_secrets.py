"""Settings read from a secrets folder (as Docker mounts /run/secrets), and the database
password given apart from the URL, so that no character of it needs escaping."""

from __future__ import annotations

import os
import warnings
from pathlib import Path

import pytest
from pydantic import ValidationError
from sqlalchemy.engine import make_url

from vitalitybot.config import Settings

PASSWORD = "s3cr@t:/?#%"
POSTGRES_URL = "postgresql+asyncpg://vitalitybot@db.example:5432/vitalitybot"


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    for name in [n for n in os.environ if n.startswith("VITALITYBOT_")]:
        monkeypatch.delenv(name)
    monkeypatch.chdir(tmp_path)  # no stray .env


@pytest.fixture
def secrets_dir(tmp_path: Path) -> Path:
    folder = tmp_path / "secrets"
    folder.mkdir()
    return folder


def settings_from(secrets_dir: Path) -> Settings:
    return Settings(_env_file=None, _secrets_dir=secrets_dir)  # type: ignore[call-arg]


def test_a_secret_file_sets_the_setting_it_is_named_after(secrets_dir: Path) -> None:
    (secrets_dir / "vitalitybot_token").write_text("file-token\n", encoding="utf-8")
    settings = settings_from(secrets_dir)
    assert settings.token is not None
    assert settings.token.get_secret_value() == "file-token"


def test_the_environment_wins_over_a_secret_file(
    secrets_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (secrets_dir / "vitalitybot_token").write_text("file-token", encoding="utf-8")
    monkeypatch.setenv("VITALITYBOT_TOKEN", "env-token")
    settings = settings_from(secrets_dir)
    assert settings.token is not None
    assert settings.token.get_secret_value() == "env-token"


def test_the_password_joins_the_url_whatever_it_holds(
    secrets_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("VITALITYBOT_DATABASE_URL", POSTGRES_URL)
    (secrets_dir / "vitalitybot_database_password").write_text(PASSWORD, encoding="utf-8")
    url = make_url(settings_from(secrets_dir).database_url)
    assert url.password == PASSWORD
    assert (url.username, url.host, url.port, url.database) == (
        "vitalitybot",
        "db.example",
        5432,
        "vitalitybot",
    )


def test_the_password_replaces_one_in_the_url(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("VITALITYBOT_DATABASE_URL", POSTGRES_URL.replace("@", ":old@"))
    monkeypatch.setenv("VITALITYBOT_DATABASE_PASSWORD", PASSWORD)
    assert make_url(Settings(_env_file=None).database_url).password == PASSWORD  # type: ignore[call-arg]


def test_without_a_password_the_url_is_as_given(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("VITALITYBOT_DATABASE_URL", POSTGRES_URL)
    assert Settings(_env_file=None).database_url == POSTGRES_URL  # type: ignore[call-arg]


def test_a_password_for_sqlite_is_refused_without_repeating_it(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("VITALITYBOT_DATABASE_PASSWORD", PASSWORD)
    with pytest.raises(ValidationError) as raised:
        Settings(_env_file=None)  # type: ignore[call-arg]
    said = str(raised.value)
    assert "VITALITYBOT_DATABASE_PASSWORD" in said and "SQLite" in said
    assert PASSWORD not in said


def test_no_secrets_folder_is_no_warning() -> None:
    # Outside a container there is no /run/secrets; loading settings must stay quiet.
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        Settings(_env_file=None)  # type: ignore[call-arg]
