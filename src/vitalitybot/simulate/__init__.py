"""The offline simulator: a synthetic community run through the real services and scheduler."""

from __future__ import annotations

from vitalitybot.simulate.notifier import Detail
from vitalitybot.simulate.run import (
    DEFAULT_PATTERNS,
    SimulationConfig,
    SimulationResult,
    resolve_patterns,
    run_simulation,
    simulate,
)

__all__ = [
    "DEFAULT_PATTERNS",
    "Detail",
    "SimulationConfig",
    "SimulationResult",
    "resolve_patterns",
    "run_simulation",
    "simulate",
]
