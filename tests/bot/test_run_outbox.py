"""``vitalitybot run`` killed (SIGKILL) after a close committed and before its results
reached the bot: after a restart the results are in the thread exactly once.

The loopback server holds the results post unanswered, either before it makes the post
(Discord never saw it) or after (Discord made it; the bot never heard), and the bot is
killed while it waits. The close's decision and its posts were committed together, so
the restarted bot finds the results waiting in the outbox and sends them with the same
nonce, which Discord answers with the post it already made, if it made one.
"""

from __future__ import annotations

import asyncio
import signal
from pathlib import Path

import pytest

from loopback import Guild, LoopbackDiscord

from .deployment import STARTUP_TIMEOUT, run_env, sqlite_rows, start_run, stop, tail, wait_for_line
from .support import adopt, answer_survey, coordinator_of, open_round, set_up

EXIT_TIMEOUT = 30.0  # seconds before a process that does not exit fails the test
THREAD_POST = "POST /channels/{channel_id}/messages"


@pytest.mark.parametrize("before", [True, False], ids=["before-discord-posted", "after"])
async def test_results_cut_off_by_a_kill_are_posted_exactly_once_after_a_restart(
    loopback_server: LoopbackDiscord,
    loopback_guild: Guild,
    tmp_path: Path,
    shipped_patterns_dir: Path,
    before: bool,
) -> None:
    database = tmp_path / "vitalitybot.sqlite3"
    env = run_env(loopback_server, f"sqlite+aiosqlite:///{database}", shipped_patterns_dir)
    log = tmp_path / "bot.log"
    coordinator = coordinator_of(loopback_guild)
    members = [loopback_guild.add_member(name) for name in ("ana", "ben", "cyd")]

    process = await start_run(env, log)
    try:
        await wait_for_line(
            loopback_server, log, lambda line: "schedules armed" in line, "the bot", process
        )
        await set_up(coordinator)
        await adopt(coordinator)
        post = await open_round(coordinator, "survey")
        for member in members:
            await answer_survey(member, post, lambda _: 4)
        [(thread_id,)] = sqlite_rows(database, "SELECT thread_id FROM rounds")
        assert isinstance(thread_id, int)
        loopback_server.hold_next(THREAD_POST, before=before, channel_id=thread_id)
        await coordinator.invoke("vitality close")  # its reply never comes: the bot dies
        await loopback_server.wait_until(
            lambda: True if loopback_server.held.held else None, "the results to be on their way"
        )
        process.kill()
        await process.wait()
    finally:
        await stop(process)

    assert sqlite_rows(database, "SELECT status FROM deliveries WHERE kind = 'results'") == [
        ("pending",)
    ]
    made = len(loopback_server.messages_in(thread_id))
    assert made == (0 if before else 1)

    log = tmp_path / "restart.log"
    process = await start_run(env, log)
    try:
        await wait_for_line(
            loopback_server, log, lambda line: "scheduler started" in line, "the restart", process
        )
        await loopback_server.wait_until(
            lambda: (
                True
                if sqlite_rows(database, "SELECT count(*) FROM deliveries WHERE status = 'pending'")
                == [(0,)]
                else None
            ),
            lambda: f"the outbox to be sent\n{tail(log)}",
            timeout=STARTUP_TIMEOUT,
        )
        process.send_signal(signal.SIGTERM)
        code = await asyncio.wait_for(process.wait(), EXIT_TIMEOUT)
    finally:
        await stop(process)

    assert code == 0, tail(log)
    sent = sqlite_rows(
        database,
        "SELECT kind, status, message_id FROM deliveries"
        " WHERE kind NOT IN ('round', 'round-closed') ORDER BY id",
    )
    assert sent[0][0] == "results"
    assert {status for _, status, _ in sent} == {"sent"}
    # In the thread: each post of the close once, in the order decided, and nothing else.
    in_thread = [m.id for m in loopback_server.messages_in(thread_id)]
    assert in_thread == [message_id for _, _, message_id in sent]
