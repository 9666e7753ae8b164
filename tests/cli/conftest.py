"""Tiny pattern folders written for the CLI tests (own words, not corpus text)."""

from __future__ import annotations

import base64
import os
from pathlib import Path

import pytest

from vitalitybot.config import Settings

FULL = """\
---
slug: shared-harvest
title: Shared Harvest
aliases:
  - Harvest Circle
summary: Gather what the group learned each month and pass it on.
license: CC-BY-SA-4.0
attribution: vitalitybot test fixtures
---

### Section 3: Solution

Meet monthly to name one lesson, write it down, and hand it to people outside the group.

### Section 4: Implementation

1. **Pick a lesson.** Choose one thing the group learned this month.
2. **Write it up.** Two short paragraphs that a newcomer can follow.
3. **Establish a feedback mechanism.** Ask readers what they used and tell the group.

### Section 8: Vitality

**Signs of life:**

- **Drafts arrive unasked.** Members send notes before the meeting.

**Signs of decay:**

- **No feedback.** Nobody hears whether the write-ups helped anyone.
- **Same three voices.** Only the core group ever writes.

**When to replant:**

If nothing has been written for 6 months, start again with a smaller circle.
"""

BARE = """\
---
slug: quiet-corner
title: Quiet Corner
summary: A place with no structure at all.
---

Just a paragraph of prose with no sections the bot reads.
"""

BROKEN = """\
---
slug: broken-yaml
title: "Broken quote
summary: this line never gets read
---

Body.
"""


@pytest.fixture
def patterns_dir(tmp_path: Path) -> Path:
    folder = tmp_path / "patterns"
    folder.mkdir()
    (folder / "shared-harvest.md").write_text(FULL, encoding="utf-8")
    (folder / "quiet-corner.md").write_text(BARE, encoding="utf-8")
    return folder


@pytest.fixture
def broken_dir(patterns_dir: Path) -> Path:
    (patterns_dir / "broken-yaml.md").write_text(BROKEN, encoding="utf-8")
    return patterns_dir


@pytest.fixture
def clean_settings(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """No VITALITYBOT_ variable and no .env: a test sets exactly the settings it means.
    Returns the working directory (where a test may write a .env)."""
    for name in [n for n in os.environ if n.startswith("VITALITYBOT_")]:
        monkeypatch.delenv(name)
    workdir = tmp_path / "work"
    workdir.mkdir()
    monkeypatch.chdir(workdir)
    return workdir


@pytest.fixture
def bot_token() -> str:
    """A made-up string with a bot token's shape (base64 of an id, a time, a signature)."""
    head = base64.urlsafe_b64encode(b"123456789012345678").decode().rstrip("=")
    return f"{head}.GhIjKl.{'s' * 38}"


@pytest.fixture
def secrets_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A folder the settings read secret files from, as a container's /run/secrets."""
    folder = tmp_path / "secrets"
    folder.mkdir()
    monkeypatch.setitem(Settings.model_config, "secrets_dir", folder)
    return folder
