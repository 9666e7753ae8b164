"""An installed vitalitybot works away from the checkout, as pip or pipx leave it.

The test builds an sdist from a copy of the checkout, a wheel from that sdist (as pip
does for ``pip install .`` and pipx for ``pipx install .``), installs the wheel into a new
virtual environment and runs the command from a folder outside the checkout. Nothing is
downloaded: the build uses this environment's setuptools, and the new environment reaches
the dependencies already installed here through a .pth file, while vitalitybot itself
comes only from the wheel.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path

import pytest

import vitalitybot

ROOT = Path(__file__).resolve().parents[2]
NOT_SOURCES = shutil.ignore_patterns(
    ".git", ".venv", "__pycache__", "*.egg-info", "build", "dist", "out", ".*_cache", "*.sqlite3*"
)

pytestmark = pytest.mark.slow


def _run(argv: list[str | Path], cwd: Path, env: dict[str, str] | None = None) -> str:
    done = subprocess.run(
        [str(part) for part in argv], cwd=cwd, env=env, capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, f"{argv} exited {done.returncode}:\n{done.stdout}{done.stderr}"
    return done.stdout


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    work = tmp_path_factory.mktemp("build")
    source = work / "source"
    shutil.copytree(ROOT, source, ignore=NOT_SOURCES)
    build_sdist = "from setuptools import build_meta; print(build_meta.build_sdist('../sdist'))"
    sdist = work / "sdist" / _run([sys.executable, "-c", build_sdist], cwd=source).split()[-1]
    pip_wheel = ["-m", "pip", "wheel", "--no-deps", "--no-index", "--no-build-isolation"]
    _run([sys.executable, *pip_wheel, "--wheel-dir", work / "wheels", sdist], cwd=work)
    (built,) = (work / "wheels").glob("vitalitybot-*.whl")
    return built


@pytest.fixture(scope="module")
def installed(wheel: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A new virtual environment holding the wheel; returns its bin folder."""
    venv = tmp_path_factory.mktemp("venv")
    _run([sys.executable, "-m", "venv", "--without-pip", venv], cwd=venv)
    python = venv / "bin" / "python"
    pip_install = ["-m", "pip", "--python", python, "install", "--no-deps", "--no-index"]
    _run([sys.executable, *pip_install, wheel], cwd=venv)
    site = Path(
        _run([python, "-c", "import sysconfig; print(sysconfig.get_path('purelib'))"], venv).strip()
    )
    here = {sysconfig.get_path("purelib"), sysconfig.get_path("platlib")}
    (site / "dependencies-from-the-test-environment.pth").write_text("\n".join(sorted(here)) + "\n")
    return venv / "bin"


@pytest.fixture
def outside(tmp_path: Path) -> tuple[Path, dict[str, str]]:
    """A folder away from the checkout, and an environment with no vitalitybot settings."""
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith("VITALITYBOT_") and key not in {"PYTHONPATH", "VIRTUAL_ENV"}
    }
    folder = tmp_path / "elsewhere"
    folder.mkdir()
    return folder, env


def test_the_wheel_carries_the_patterns_templates_and_migrations(wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    shipped = "vitalitybot/_shipped"
    assert f"{shipped}/patterns/cop-commons-alignment.md" in names
    assert f"{shipped}/migrations/env.py" in names
    assert f"{shipped}/migrations/script.py.mako" in names
    assert f"{shipped}/migrations/versions/0001_initial.py" in names
    assert any(name.startswith("vitalitybot/templates/") for name in names)


def test_the_installed_command_runs_away_from_the_checkout(
    installed: Path, outside: tuple[Path, dict[str, str]]
) -> None:
    folder, env = outside
    where = _run(
        [
            installed / "python",
            "-c",
            "import vitalitybot, vitalitybot.config as c, vitalitybot.storage.migrate as m;"
            "print(vitalitybot.__file__, c.DEFAULT_PATTERNS_DIR, m.migrations_dir(), sep='\\n')",
        ],
        folder,
        env,
    )
    assert all(str(installed.parent) in line for line in where.splitlines()), where

    vitalitybot_cmd = installed / "vitalitybot"
    version = _run([vitalitybot_cmd, "--version"], folder, env)
    assert version == f"vitalitybot {vitalitybot.__version__}\n"

    report = json.loads(_run([vitalitybot_cmd, "patterns", "check", "--json"], folder, env))
    shipped = [path for path in (ROOT / "patterns").glob("*.md") if path.name != "README.md"]
    assert (report["loaded"], report["problems"]) == (len(shipped), [])

    database = folder / "data" / "bot.sqlite3"
    upgraded = _run(
        [vitalitybot_cmd, "db", "upgrade", "--url", f"sqlite+aiosqlite:///{database}"], folder, env
    )
    assert "(head)" in upgraded and database.is_file()

    story = _run([vitalitybot_cmd, "simulate", "--months", "1", "--quiet"], folder, env)
    assert story.strip()
    assert (folder / "vitality-chart.png").is_file()
