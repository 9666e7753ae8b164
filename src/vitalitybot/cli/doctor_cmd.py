"""``vitalitybot doctor``: every setting in effect, where it came from, and whether the bot
could start with them.

It reads the settings itself rather than through ``main``, since a bad setting is
something to show here, beside the others, not a reason to stop. Then it checks what
``run`` would meet, without contacting Discord: the database (reachable, at which
revision), the pattern folder, the template folder, the token's shape, and the Discord
endpoints the bot would talk to. A check ends ``ok``, ``warning`` (the bot runs, but
look: a pattern file that does not load) or ``problem`` (the bot would not start, or
would start with nothing to ask); any problem makes the exit code the configuration
one, so a deploy script can run ``doctor`` before ``run``.
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Callable
from dataclasses import asdict, dataclass
from typing import Literal

from pydantic import ValidationError

from vitalitybot.cli.database_url import missing_sqlite_file
from vitalitybot.cli.errors import EXIT_CONFIGURATION, DatabaseInUse, database_failure
from vitalitybot.cli.preflight import check_patterns, database_url_problem, templates_problem
from vitalitybot.cli.settings_sources import (
    RawSetting,
    describe_invalid,
    json_requested,
    raw_settings,
    shown_value,
)
from vitalitybot.config import Settings, load_settings, variable_name
from vitalitybot.observability.logs import looks_like_a_discord_token
from vitalitybot.storage.urls import safe_url

EXIT_OK = 0
Status = Literal["ok", "warning", "problem"]


@dataclass(frozen=True, slots=True)
class Check:
    name: str
    status: Status
    detail: str


@dataclass(frozen=True, slots=True)
class Shown:
    """One setting as doctor prints it (secrets masked)."""

    variable: str
    value: str
    source: str


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser(
        "doctor",
        help="show the settings in effect and check that the bot could start with them",
        description="Print every setting, its value (secrets masked) and where it came from "
        "(environment, .env file, secret file, default); check the database, the patterns, the "
        "templates, the token's shape and the Discord endpoints, without contacting "
        "Discord. Exit 0 when the bot could start, 3 when it could not.",
    )
    parser.set_defaults(handler=run_doctor, reads_settings_itself=True)


def run_doctor(args: argparse.Namespace) -> int:
    raw = raw_settings()
    settings: Settings | None = None
    try:
        settings = load_settings()
    except ValidationError as error:
        checks = [Check("settings", "problem", describe_invalid(error, raw))]
    else:
        checks = [Check("settings", "ok", "every setting is valid"), *diagnose(settings)]
    shown = [
        Shown(s.variable, _shown(s, _value(settings, s.field, s.text)), s.source)
        for s in raw.values()
    ]
    failed = any(check.status == "problem" for check in checks)
    if json_requested(bool(getattr(args, "log_json", False))):
        report = {
            "settings": [asdict(s) for s in shown],
            "checks": [asdict(c) for c in checks],
            "ok": not failed,
        }
        print(json.dumps(report, ensure_ascii=False))
    else:
        print(_text(shown, checks, failed))
    return EXIT_CONFIGURATION if failed else EXIT_OK


def diagnose(settings: Settings) -> list[Check]:
    """Each check of what ``run`` needs, in the order ``run`` meets them (the bot key's
    setting belongs here once it has a loader to ask)."""
    checks: list[Callable[[Settings], Check]] = [
        check_token,
        check_database,
        check_pattern_library,
        check_templates,
        check_discord,
    ]
    return [check(settings) for check in checks]


def check_token(settings: Settings) -> Check:
    variable = variable_name("token")
    if settings.token is None or not settings.token.get_secret_value().strip():
        return Check("token", "problem", f"{variable} is not set: `run` needs it")
    if not looks_like_a_discord_token(settings.token.get_secret_value().strip()):
        return Check(
            "token",
            "problem",
            f"{variable} does not have a Discord bot token's shape "
            "(id.timestamp.signature): copy it again from Bot -> Reset Token",
        )
    return Check("token", "ok", "shaped like a Discord bot token (not sent anywhere)")


def check_database(settings: Settings) -> Check:
    from vitalitybot.storage.migrate import current_url, head_revision

    unusable = database_url_problem(settings)
    if unusable is not None:
        return Check("database", "problem", str(unusable))
    url = settings.database_url
    head = head_revision()
    on_start = "`run` creates it" if settings.migrate_on_start else "run `vitalitybot db upgrade`"
    if missing_sqlite_file(url) is not None:
        status: Status = "ok" if settings.migrate_on_start else "problem"
        return Check("database", status, f"{safe_url(url)}: no database file yet; {on_start}")
    try:
        revision = current_url(url)
    except Exception as error:  # whatever stops the bot reaching it, in its one line
        database = DatabaseInUse(url, variable_name("database_url"))
        return Check("database", "problem", database_failure(error, database))
    if revision == head:
        return Check("database", "ok", f"{safe_url(url)}: at revision {revision} (head)")
    status = "ok" if settings.migrate_on_start else "problem"
    upgrade = "`run` upgrades it" if settings.migrate_on_start else "run `vitalitybot db upgrade`"
    return Check(
        "database",
        status,
        f"{safe_url(url)}: at revision {revision or 'none'}, latest {head}; {upgrade}",
    )


def check_pattern_library(settings: Settings) -> Check:
    found = check_patterns(settings)
    if found.problem is not None:
        return Check("patterns", "problem", str(found.problem))
    assert found.library is not None  # a missing folder is a problem above
    library = found.library
    detail = (
        f"{len(library.patterns)} patterns loaded from {library.files} files in "
        f"{settings.patterns_dir}"
    )
    if not library.problems:
        return Check("patterns", "ok", detail)
    return Check(
        "patterns",
        "warning",
        f"{detail}; {len(library.problems)} did not load "
        f"(`vitalitybot patterns check {settings.patterns_dir}` lists them)",
    )


def check_templates(settings: Settings) -> Check:
    problem = templates_problem(settings)
    if problem is not None:
        return Check("templates", "problem", str(problem))
    if settings.templates_dir is None:
        return Check("templates", "ok", "the shipped templates")
    return Check("templates", "ok", f"overrides from {settings.templates_dir}, then the shipped")


def check_discord(settings: Settings) -> Check:
    from vitalitybot.bot.endpoints import endpoints_in_use

    rest, gateway = endpoints_in_use(settings.discord_api_url, settings.discord_gateway_url)
    whose = (
        "another Discord-compatible server"
        if settings.discord_api_url or settings.discord_gateway_url
        else "Discord's"
    )
    return Check("discord", "ok", f"REST {rest}, gateway {gateway} ({whose}; not contacted)")


def _shown(setting: RawSetting, value: object) -> str:
    if setting.field == "database_url" and isinstance(value, str):
        return safe_url(value)
    return shown_value(setting, value)


def _value(settings: Settings | None, field: str, text: str | None) -> object:
    """The value in effect; the raw text when the settings did not load."""
    if settings is not None:
        return getattr(settings, field)
    if text is not None:
        return text
    return Settings.model_fields[field].default


def _text(shown: list[Shown], checks: list[Check], failed: bool) -> str:
    width = max(len(s.variable) for s in shown)
    lines = ["settings (value, then where it came from):"]
    lines.extend(f"  {s.variable:<{width}}  {s.value}  [{s.source}]" for s in shown)
    lines.append("checks:")
    lines.extend(f"  {c.status:<8} {c.name:<10} {c.detail}" for c in checks)
    problems = sum(1 for c in checks if c.status == "problem")
    lines.append(
        f"{problems} problem(s): the bot would not start as configured"
        if failed
        else "all good: the bot could start with these settings"
    )
    return "\n".join(lines)
