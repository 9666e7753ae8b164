"""What the settings must allow before the bot starts: checked, not discovered later.

A bot started with a database URL it has no driver for, a patterns folder that is
missing or holds no pattern, or a template folder that is not there would connect to
Discord and then fail, or worse run with nothing to ask. ``run`` refuses such settings
with the first problem; ``doctor`` lists them all. Each problem is a ``SettingError``
naming its variable. The bot key's setting is checked where it is read (its loader
raises a configuration error, which ``main`` reports the same way).
"""

from __future__ import annotations

from dataclasses import dataclass

from vitalitybot.cli.errors import url_problem
from vitalitybot.config import SettingError, Settings, variable_name
from vitalitybot.patterns import Library, load_library
from vitalitybot.storage.urls import safe_url


@dataclass(frozen=True, slots=True)
class PatternsCheck:
    """The library as the bot would load it (None when the folder is missing)."""

    library: Library | None
    problem: SettingError | None


def database_url_problem(settings: Settings) -> SettingError | None:
    variable = variable_name("database_url")
    problem = url_problem(settings.database_url)
    if problem is None:
        return None
    return SettingError(variable, f"{variable} {safe_url(settings.database_url)} {problem}")


def patterns_dir_problem(settings: Settings) -> SettingError | None:
    variable = variable_name("patterns_dir")
    folder = settings.patterns_dir
    if folder.exists():
        return None
    return SettingError(
        variable,
        f"{variable} is {folder}, which does not exist; point it at a folder of pattern "
        "files, or leave it unset for the shipped ones",
    )


def check_patterns(settings: Settings) -> PatternsCheck:
    missing = patterns_dir_problem(settings)
    if missing is not None:
        return PatternsCheck(None, missing)
    variable = variable_name("patterns_dir")
    folder = settings.patterns_dir
    library = load_library(folder, settings.pattern_cache)
    if library.patterns:
        return PatternsCheck(library, None)
    found = f"{library.files} files, none loaded" if library.files else "no pattern files"
    return PatternsCheck(
        library,
        SettingError(
            variable,
            f"{variable} is {folder}, which holds {found}: the bot would have nothing to "
            f"ask (`vitalitybot patterns check {folder}` lists the problems)",
        ),
    )


def templates_problem(settings: Settings) -> SettingError | None:
    variable = variable_name("templates_dir")
    folder = settings.templates_dir
    if folder is None or folder.is_dir():
        return None
    return SettingError(
        variable,
        f"{variable} is {folder}, which is not a folder; point it at your template "
        "overrides, or leave it unset for the shipped templates",
    )


def startup_library(settings: Settings) -> Library:
    """The pattern library the bot will run on, once nothing stands in the way of starting.

    Raises the first problem in the order the bot would meet it. The library is loaded
    here once and handed to the bot, so a start reads the patterns folder a single time.
    """
    if (problem := database_url_problem(settings)) is not None:
        raise problem
    patterns = check_patterns(settings)
    if patterns.problem is not None:
        raise patterns.problem
    if (problem := templates_problem(settings)) is not None:
        raise problem
    assert patterns.library is not None, "a folder with no problem has been loaded"
    return patterns.library
