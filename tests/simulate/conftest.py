"""One simulated year, run once for the tests that read it, and the shipped library."""

from __future__ import annotations

import io
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import pytest

from vitalitybot.config import Settings, load_settings
from vitalitybot.patterns import Pattern, load_library
from vitalitybot.simulate import SimulationConfig, SimulationResult, run_simulation


@dataclass(frozen=True)
class Run:
    result: SimulationResult
    output: str  # everything the run printed


@pytest.fixture(scope="session")
def settings(shipped_patterns_dir: Path) -> Settings:
    return load_settings(patterns_dir=shipped_patterns_dir, templates_dir=None)


@pytest.fixture(scope="session")
def library(shipped_patterns_dir: Path) -> Mapping[str, Pattern]:
    return load_library(shipped_patterns_dir).patterns


@pytest.fixture(scope="session")
def year(settings: Settings, tmp_path_factory: pytest.TempPathFactory) -> Run:
    """The demo's run: two years, thirty members, seed 7."""
    chart = tmp_path_factory.mktemp("year") / "chart.png"
    out = io.StringIO()
    config = SimulationConfig(months=24, members=30, seed=7, chart=chart)
    result = run_simulation(config, settings=settings, out=out)
    return Run(result, out.getvalue())


@pytest.fixture(scope="session")
def unheeded_year(settings: Settings, tmp_path_factory: pytest.TempPathFactory) -> Run:
    """The demo's run with nobody committing to anything: what the community would have
    said without the changes it made."""
    chart = tmp_path_factory.mktemp("unheeded") / "chart.png"
    out = io.StringIO()
    config = SimulationConfig(months=24, members=30, seed=7, chart=chart, coordinators=False)
    result = run_simulation(config, settings=settings, out=out)
    return Run(result, out.getvalue())
