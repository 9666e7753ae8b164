"""Several processes migrating one database at once (shard processes starting together)."""

from __future__ import annotations

import asyncio
import sys

import pytest

from vitalitybot.storage import open_database, upgrade
from vitalitybot.storage.migrate import current, head_revision


async def _upgrade_in_process(url: str) -> tuple[int, str]:
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "vitalitybot",
        "db",
        "upgrade",
        "--url",
        url,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
    )
    output, _ = await asyncio.wait_for(process.communicate(), timeout=120)
    return process.returncode or 0, output.decode()


@pytest.mark.parametrize("start", [None, "0001"], ids=["fresh", "from-0001"])
async def test_processes_upgrading_at_once_all_succeed_and_reach_head(
    db_url: str, start: str | None
) -> None:
    # From a database part-way up, each process has several revisions to apply: the one
    # that migrates must hold the others off until the last of them, not just the first.
    if start is not None:
        await upgrade(db_url, start)
    results = await asyncio.gather(*(_upgrade_in_process(db_url) for _ in range(4)))

    for code, output in results:
        assert code == 0, output
    database = open_database(db_url)
    try:
        assert await current(database) == head_revision()
    finally:
        await database.dispose()
