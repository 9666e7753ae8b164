"""Where the files shipped beside the code are: the pattern library and the migrations.

Both live at the top of the repository (patterns/, migrations/) and setup.py maps them
into this package, so the same module names resolve to the checkout's folders in an
editable install and to the copies inside an installed wheel. Asking importlib.resources
rather than counting folders up from this file is what keeps ``pip install .`` and pipx
installs working.
"""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path


def patterns_dir() -> Path:
    """The folder of the patterns the bot ships (the default pattern library)."""
    return _folder("vitalitybot._shipped.patterns")


def migrations_dir() -> Path:
    """The Alembic migrations folder (env.py, versions/)."""
    return _folder("vitalitybot._shipped.migrations")


def _folder(package: str) -> Path:
    # pip and pipx install packages as plain files, where the resource is a real folder
    # that Alembic and the pattern loader can walk; str() of anything else (a zip) is not.
    folder = files(package)
    if not isinstance(folder, Path):
        raise FileNotFoundError(f"{package} is not installed as a folder: {folder}")
    return folder
