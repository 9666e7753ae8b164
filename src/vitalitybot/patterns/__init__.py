"""Pattern files -> frozen Pattern objects: parsing, loading and the warm-start cache."""

from __future__ import annotations

from vitalitybot.patterns.errors import PatternFileError
from vitalitybot.patterns.loader import Library, load_library
from vitalitybot.patterns.model import (
    Body,
    BodyFormat,
    Cadence,
    Duration,
    Pattern,
    Problem,
    Relationship,
    Remedy,
    RemedySource,
    Replant,
    Rhythm,
    Score,
    Sign,
    SignSource,
    Step,
)
from vitalitybot.patterns.parse import parse_pattern

__all__ = [
    "Body",
    "BodyFormat",
    "Cadence",
    "Duration",
    "Library",
    "Pattern",
    "PatternFileError",
    "Problem",
    "Relationship",
    "Remedy",
    "RemedySource",
    "Replant",
    "Rhythm",
    "Score",
    "Sign",
    "SignSource",
    "Step",
    "load_library",
    "parse_pattern",
]
