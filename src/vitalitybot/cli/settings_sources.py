"""Where each setting comes from: the environment, the ``.env`` file, a secret file, or
its default.

pydantic-settings reads the same places in the same order (the environment wins over
``.env``, which wins over a secret file, which wins over the default) but keeps no note
of which one gave a value. An operator fixing a bad value needs that note (which file to
edit), and so does ``vitalitybot doctor``; this module recovers it from the raw text,
read the way pydantic-settings reads it: variable names in any case, ``.env`` in the
working directory, a secret file named after the variable in the secrets folder (the
last listed wins, and one leading outside its folder is not read), all named by
``Settings.model_config``. A value given in a secret file counts as a secret whatever
its type: the operator chose to keep it out of sight.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import get_args

from dotenv import dotenv_values
from pydantic import SecretStr, TypeAdapter, ValidationError

from vitalitybot.config import Settings, variable_name

ENVIRONMENT = "environment"
DEFAULT = "default"
MASK = "********"


@dataclass(frozen=True, slots=True)
class RawSetting:
    """One setting as written: ``text`` is None when the default applies."""

    field: str
    variable: str
    source: str
    text: str | None
    secret: bool


def env_file() -> Path:
    configured = Settings.model_config.get("env_file")
    return Path(str(configured)) if configured else Path(".env")


def secrets_dirs() -> list[Path]:
    """The folders secret files are read from, in the order listed (the last one wins)."""
    configured = Settings.model_config.get("secrets_dir")
    if configured is None:
        return []
    listed = [configured] if isinstance(configured, str | os.PathLike) else list(configured)
    return [Path(folder).expanduser() for folder in listed]


def secret_files() -> dict[str, Path]:
    """The secret file that would set each variable, by its lower-case name."""
    found: dict[str, Path] = {}
    for folder in secrets_dirs():
        if not folder.is_dir():
            continue
        inside = folder.resolve()
        for path in folder.iterdir():
            if path.is_file() and inside in path.resolve().parents:
                found[path.name.lower()] = path
    return found


def source_of(path: Path) -> str:
    """How a setting's source is named when a secret file gave it."""
    return f"secret file {path}"


def undecodable_settings_file() -> str | None:
    """What is wrong when the ``.env`` or a secret file the settings read is not UTF-8 text.

    pydantic-settings reads both as UTF-8 and lets the decoding error out without the
    file's name, which is what the operator has to fix. None when every one decodes.
    """
    variables = {variable_name(field).lower() for field in Settings.model_fields}
    secrets = [path for name, path in secret_files().items() if name in variables]
    for path in [env_file(), *secrets]:
        try:
            data = path.read_bytes()
            data.decode("utf-8")
        except UnicodeDecodeError as error:
            line = data.count(b"\n", 0, error.start) + 1
            name = str(path) if path == env_file() else source_of(path)
            return f"{name} is not UTF-8 text (line {line}): save it with the UTF-8 encoding"
        except OSError:  # missing or unreadable: not a decoding problem
            continue
    return None


def raw_settings(environ: Mapping[str, str] | None = None) -> dict[str, RawSetting]:
    """Every setting's raw text and source, by field name."""
    environment = {k.lower(): v for k, v in (os.environ if environ is None else environ).items()}
    path = env_file()
    try:
        dotenv = {k.lower(): v for k, v in dotenv_values(path).items()} if path.is_file() else {}
    except (OSError, UnicodeDecodeError):  # the settings' own load reports it, naming the file
        dotenv = {}
    secrets = secret_files()
    found: dict[str, RawSetting] = {}
    for field, info in Settings.model_fields.items():
        variable = variable_name(field)
        key = variable.lower()
        secret = SecretStr in (info.annotation, *get_args(info.annotation))
        text: str | None
        if key in environment:
            source, text = ENVIRONMENT, environment[key]
        elif key in dotenv:
            source, text = str(path), dotenv[key] or ""
        elif key in secrets:
            source, text, secret = source_of(secrets[key]), _secret_text(secrets[key]), True
        else:
            source, text = DEFAULT, None
        found[field] = RawSetting(field, variable, source, text, secret)
    return found


def _secret_text(path: Path) -> str | None:
    """A secret file's value as pydantic-settings reads it (None: the load reports why not)."""
    try:
        return path.read_text(encoding="utf-8").strip()
    except (OSError, UnicodeDecodeError):
        return None


def shown_value(setting: RawSetting, value: object) -> str:
    """How a value may be printed: secrets masked, an empty text said to be empty."""
    if setting.secret:
        return "(not set)" if value is None else MASK
    if setting.text == "":
        return "(empty)"
    if isinstance(value, bool):
        return str(value).lower()  # as an environment file would say it
    return "(not set)" if value is None else str(value)


def describe_invalid(error: ValidationError, raw: Mapping[str, RawSetting]) -> str:
    """One line naming each bad variable, where it is set, and what it should be."""
    parts: list[str] = []
    for item in error.errors():
        field = str(item["loc"][0]) if item["loc"] else ""
        setting = raw.get(field)
        variable = setting.variable if setting is not None else variable_name(field)
        expected = str(item["msg"]).removeprefix("Input ").removeprefix("Value error, ")
        if setting is None or setting.text is None:
            parts.append(f"{variable}: {expected}")
            continue
        where = "in the environment" if setting.source == ENVIRONMENT else f"in {setting.source}"
        if setting.text.strip() == "":
            parts.append(f"{variable} is empty ({where}): it {expected}, or leave it out")
        else:
            value = MASK if setting.secret else repr(setting.text)
            parts.append(f"{variable} is {value} ({where}): it {expected}")
    return "; ".join(parts)


def json_requested(flag: bool) -> bool:
    """``--log-json``, else ``VITALITYBOT_LOG_JSON`` read as the settings read it.

    Known before the settings load, so that a settings error is reported in JSON too.
    """
    if flag:
        return True
    text = raw_settings()["log_json"].text
    try:
        return text is not None and TypeAdapter(bool).validate_python(text)
    except ValidationError:
        return False


def secrets_in(raw: Mapping[str, RawSetting]) -> list[str]:
    """The raw text of every secret setting, for the redactor (set or not, valid or not)."""
    return [s.text for s in raw.values() if s.secret and s.text]
