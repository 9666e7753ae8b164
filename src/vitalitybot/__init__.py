"""vitalitybot: notice when a Community of Practice is losing life, and act on it."""

__version__ = "0.1.0"  # the one definition: pyproject.toml reads it (dynamic version)
