"""The bot key every test's services use: fixed, so a test can reopen a database with a
second set of services (a restart) and still find members' answers in open rounds."""

from __future__ import annotations

from vitalitybot.vitality.anonymity import RoundKeys

TEST_BOT_KEY = bytes(range(32))
TEST_KEYS = RoundKeys(TEST_BOT_KEY)
