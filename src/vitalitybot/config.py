"""Settings read from the environment (prefix ``VITALITYBOT_``) and an optional ``.env``.

There is deliberately no module-level instance: call ``load_settings()`` where the
program starts, so tests and the simulator can build their own.
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

from vitalitybot._shipped import patterns_dir

DEFAULT_PATTERNS_DIR = patterns_dir()
DEFAULT_HEALTH_HOST = "127.0.0.1"
# Discord lets a bot make 50 requests a second in all (interaction replies aside), counted
# per bot token, not per process: a sharded deployment's processes divide this pace by
# their shards (bot/runner.py ``posting_pace``). The gap to 50 leaves room for what the
# pace cannot see: discord.py's own retries, and requests bunched by a busy event loop
# (benchmarks/README.md has the measurements behind the figure).
DEFAULT_DISCORD_REQUESTS_PER_SECOND = 46.0
EventLoop = Literal["uvloop", "asyncio"]  # what `run` may serve on (bot/event_loop.py)
# Docker and Compose mount each secret as a file here; a file named after a setting
# (``vitalitybot_token``) sets it, below the environment and .env. Only used where it exists,
# since pydantic-settings warns about a missing folder on every load.
SECRETS_DIR = Path("/run/secrets")
LogLevel = Literal["DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"]
ENV_PREFIX = "VITALITYBOT_"


def variable_name(field: str) -> str:
    """The environment variable (and .env key) that sets the setting ``field``."""
    return f"{ENV_PREFIX}{field.upper()}"


class SettingError(ValueError):
    """A setting that loads but cannot work (a missing folder, an unreadable key).

    ``variable`` names the environment variable to fix; the message says what is wrong
    and what would work, in one line, so every command can print it as it is.
    """

    def __init__(self, variable: str, message: str) -> None:
        super().__init__(message)
        self.variable = variable


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix=ENV_PREFIX,
        env_file=".env",
        env_file_encoding="utf-8",
        extra="ignore",
        secrets_dir=SECRETS_DIR if SECRETS_DIR.is_dir() else None,
        # An error names the setting but never repeats what was given: it may be the
        # token or the database password.
        hide_input_in_errors=True,
    )

    token: SecretStr | None = Field(default=None, description="Discord bot token.")
    database_url: str = Field(
        default="sqlite+aiosqlite:///vitalitybot.sqlite3",
        description="Any SQLAlchemy async URL; SQLite by default.",
    )
    database_password: SecretStr | None = Field(
        default=None,
        description=(
            "Password for the database URL's user, given apart from the URL (a secret file) "
            "so that no character of it needs escaping; replaces any password in the URL."
        ),
    )
    patterns_dir: Path = Field(default=DEFAULT_PATTERNS_DIR, description="Pattern library folder.")
    pattern_cache: Path | None = Field(
        default=None, description="Warm-start cache file for the pattern library."
    )
    templates_dir: Path | None = Field(
        default=None, description="A folder of templates overriding the shipped ones."
    )
    state_dir: Path = Field(
        default=Path(),
        description="Where the bot keeps its key file, secret.key (created 0600 on first start).",
    )
    secret_key: SecretStr | None = Field(
        default=None,
        description="The bot key itself (64+ hex digits or URL-safe base64 of 32+ bytes); "
        "overrides the key file.",
    )
    migrate_on_start: bool = Field(default=True, description="Run Alembic upgrade on start.")
    discord_api_url: str | None = Field(
        default=None, description="Another Discord-compatible REST base URL (tests)."
    )
    discord_gateway_url: str | None = Field(
        default=None, description="Another Discord-compatible gateway URL (tests)."
    )
    discord_requests_per_second: float = Field(
        default=DEFAULT_DISCORD_REQUESTS_PER_SECOND,
        gt=0,
        description=(
            "Pace of the whole bot's posts, threads and DMs (each shard process takes its "
            "shards' share); Discord's global limit is 50/s per bot."
        ),
    )
    event_loop: EventLoop = Field(
        default="uvloop",
        description="The loop `run` serves on: uvloop where installed (fast extra), or asyncio's.",
    )
    log_level: LogLevel = Field(
        default="INFO", description="Least severe log lines `run` keeps (-v: DEBUG)."
    )
    log_json: bool = Field(default=False, description="Log JSON lines instead of text.")
    health_port: int | None = Field(
        default=None,
        ge=0,
        le=65535,
        description="Port of the /healthz and /metrics listener; unset = no listener.",
    )
    health_host: str = Field(
        default=DEFAULT_HEALTH_HOST, description="Address the health listener binds to."
    )
    shard_count: int | None = Field(
        default=None,
        ge=1,
        description="Shards in the whole deployment (--shard-count); unset = not sharded.",
    )
    shard_ids: str | None = Field(
        default=None,
        description="The shards this process runs, such as 0,2 (--shard-ids); unset = all.",
    )

    @model_validator(mode="after")
    def _password_into_url(self) -> Settings:
        """Fold ``database_password`` into ``database_url``, percent-encoded, so everything
        that connects reads the one URL and none of it handles the password apart."""
        if self.database_password is None:
            return self
        try:
            url = make_url(self.database_url)
        except ArgumentError:
            raise ValueError("VITALITYBOT_DATABASE_URL is not a URL SQLAlchemy can read") from None
        if url.get_backend_name() == "sqlite":
            raise ValueError(
                "VITALITYBOT_DATABASE_PASSWORD is set but the database URL is SQLite, which "
                "takes no password: set a PostgreSQL VITALITYBOT_DATABASE_URL or drop the password"
            )
        password = self.database_password.get_secret_value()
        self.database_url = url.set(password=password).render_as_string(hide_password=False)
        return self

    @field_validator("log_level", mode="before")
    @classmethod
    def _any_case(cls, value: object) -> object:
        return value.strip().upper() if isinstance(value, str) else value


def load_settings(**overrides: object) -> Settings:
    return Settings(**overrides)  # type: ignore[arg-type]
