"""Several processes migrating one database at once (shard processes starting together)."""

from __future__ import annotations

import asyncio
import sys

from vitalitybot.storage import open_database
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


async def test_three_processes_upgrading_at_once_all_succeed_and_reach_head(db_url: str) -> None:
    results = await asyncio.gather(*(_upgrade_in_process(db_url) for _ in range(3)))

    for code, output in results:
        assert code == 0, output
    database = open_database(db_url)
    try:
        assert await current(database) == head_revision()
    finally:
        await database.dispose()
