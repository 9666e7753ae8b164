"""``vitalitybot run`` as a real process: a graceful SIGTERM, and a refused token that
never reaches the logs."""

from __future__ import annotations

import asyncio
import importlib.util
import json
import os
import re
import shutil
import signal
from pathlib import Path

import pytest

from loopback import Guild, LoopbackDiscord

from .deployment import run_env, sqlite_rows, start_run, stop, tail, wait_for_line
from .support import adopt, answer_survey, coordinator_of, custom_id, open_round, reply, set_up

ALIAS_BOMB = Path(__file__).parents[1] / "patterns" / "broken" / "alias-bomb.md"
CONFIGURATION = 3  # the exit code README "Errors and exit codes" gives a bad setting
EXIT_TIMEOUT = 30.0  # seconds before a process that does not exit fails the test
CALLBACK = "POST /interactions/{interaction_id}/{token}/callback"
SHUTDOWN_STEPS = (
    "SIGTERM received: shutting down",
    "shutdown: finishing in-flight work",
    "shutdown: in-flight work finished",
    "shutdown: scheduler stopped",
    "shutdown: gateway closed",
    "shutdown: database closed",
)


async def test_sigterm_lets_an_answer_in_progress_finish_then_stops_in_order(
    loopback_server: LoopbackDiscord,
    loopback_guild: Guild,
    tmp_path: Path,
    shipped_patterns_dir: Path,
) -> None:
    database = tmp_path / "vitalitybot.sqlite3"
    env = run_env(loopback_server, f"sqlite+aiosqlite:///{database}", shipped_patterns_dir)
    log = tmp_path / "bot.log"
    coordinator = coordinator_of(loopback_guild)
    ana, ben = loopback_guild.add_member("ana"), loopback_guild.add_member("ben")

    process = await start_run(env, log)
    try:
        await wait_for_line(
            loopback_server, log, lambda line: "schedules armed" in line, "the bot", process
        )
        await set_up(coordinator)
        await adopt(coordinator)
        post = await open_round(coordinator, "survey")
        await answer_survey(ana, post, lambda _: 4)
        page = await answer_survey(ben, post, lambda _: 2, submit=False)
        # Ben's submission is stored, then its reply is refused once and must wait to retry:
        # the handler is still running when the bot is told to stop.
        loopback_server.rate_limit_next(CALLBACK, retry_after=1.0)
        submitting = await ben.click(page, custom_id(page, "vb:submit:"))
        await loopback_server.wait_until(
            lambda: True if loopback_server.rate_limited else None, "the reply to be refused"
        )
        process.send_signal(signal.SIGTERM)
        thanks = await reply(submitting)
        code = await asyncio.wait_for(process.wait(), EXIT_TIMEOUT)
    finally:
        await stop(process)

    output = log.read_text()
    assert code == 0, tail(log)
    installed = importlib.util.find_spec("uvloop") is not None  # the `fast` extra
    loop = "uvloop" if installed else "asyncio"
    assert f"serving on the {loop} event loop" in output  # the whole life ran on that loop
    assert thanks.content.startswith("Thank you"), "the handler finished its reply"
    positions = [output.find(step) for step in SHUTDOWN_STEPS]
    assert -1 not in positions and positions == sorted(positions), tail(log)
    running = re.search(r"finishing in-flight work \((\d+) running\)", output)
    assert running is not None and int(running.group(1)) >= 1
    assert sqlite_rows(database, "PRAGMA integrity_check") == [("ok",)]
    assert sqlite_rows(database, "SELECT status, count(*) FROM respondents GROUP BY status") == [
        ("answered", 2)
    ]
    (per_member,) = sqlite_rows(database, "SELECT count(*) FROM questions WHERE kind != 'prompt'")[
        0
    ]
    assert sqlite_rows(database, "SELECT count(*) FROM answers") == [(2 * int(per_member),)]


async def run_to_exit(
    server: LoopbackDiscord,
    folder: Path,
    patterns_dir: Path,
    *options: str,
    token: str | None = None,
    before: tuple[str, ...] = (),
) -> tuple[int, str]:
    """``vitalitybot run`` against the loopback server until it exits: its code and output."""
    env = run_env(server, f"sqlite+aiosqlite:///{folder / 'vitalitybot.sqlite3'}", patterns_dir)
    if token is not None:
        env["VITALITYBOT_TOKEN"] = token
    log = folder / "bot.log"
    process = await start_run(env, log, *options, before=before)
    try:
        code = await asyncio.wait_for(process.wait(), EXIT_TIMEOUT)
    finally:
        await stop(process)
    return code, log.read_text()


@pytest.mark.parametrize(
    "token",
    [
        # Shaped like a real bot token (base64 of a snowflake, a timestamp, an HMAC).
        "MTE5NjAxNzQ5OTc3NzM2MTkyMA.GhXk3a.Zk1vX2R1bW15X2htYWNfbm90X2FfcmVhbF90b2tlbg",
        # Shaped like nothing in particular: only knowing the configured token finds it.
        "not-a-discord-shape-but-secret-4471",
    ],
    ids=["token-shaped", "any-secret"],
)
async def test_a_refused_token_is_a_configuration_error_that_never_shows_the_token(
    loopback_server: LoopbackDiscord, tmp_path: Path, shipped_patterns_dir: Path, token: str
) -> None:
    code, output = await run_to_exit(  # the loopback server answers 401 to the token
        loopback_server, tmp_path, shipped_patterns_dir, token=token, before=("-v", "--log-json")
    )
    lines = [json.loads(line) for line in output.splitlines()]  # JSON lines only, nothing else
    # The configuration code, which the systemd unit does not restart on (RestartPreventExitStatus).
    assert code == CONFIGURATION
    errors = [line for line in lines if line["level"] == "ERROR"]
    assert len(errors) == 1, errors
    assert errors[0]["exit_code"] == CONFIGURATION
    assert "Discord refused the token in VITALITYBOT_TOKEN" in errors[0]["message"]
    assert any("Traceback" in line.get("exc_info", "") for line in lines), "-v logs the traceback"
    assert [r.status for r in loopback_server.requests_to("GET", "/users/@me")] == [401]
    assert token not in output
    assert token.split(".")[0] not in output


async def test_a_refused_token_without_v_ends_on_its_one_line_and_no_traceback(
    loopback_server: LoopbackDiscord, tmp_path: Path, shipped_patterns_dir: Path
) -> None:
    code, output = await run_to_exit(
        loopback_server, tmp_path, shipped_patterns_dir, token="revoked-token-0000"
    )
    assert code == CONFIGURATION
    assert "Traceback" not in output
    assert output.splitlines()[-1].startswith(
        "error: Discord refused the token in VITALITYBOT_TOKEN"
    )


async def test_a_refused_members_intent_is_a_configuration_error_on_one_line(
    loopback_server: LoopbackDiscord, tmp_path: Path, shipped_patterns_dir: Path
) -> None:
    # Restarting cannot fix this: a service manager must stop on it, as on a bad token.
    loopback_server.allow_privileged_intents(False)
    code, output = await run_to_exit(
        loopback_server, tmp_path, shipped_patterns_dir, "--members-intent"
    )
    assert code == CONFIGURATION
    assert "Traceback" not in output
    assert output.splitlines()[-1].startswith(
        "error: Discord refused the Server Members intent that --members-intent asks for"
    )


async def test_a_pattern_folder_with_an_alias_bomb_still_starts_the_bot(
    loopback_server: LoopbackDiscord,
    loopback_guild: Guild,
    tmp_path: Path,
    shipped_patterns_dir: Path,
) -> None:
    """Nested YAML aliases that would expand to hundreds of millions of values are refused
    while the folder loads: the bot starts, serves the other patterns, and stops cleanly."""
    patterns = tmp_path / "patterns"
    shutil.copytree(shipped_patterns_dir, patterns)
    shutil.copy(ALIAS_BOMB, patterns / "alias-bomb.md")
    env = run_env(loopback_server, f"sqlite+aiosqlite:///{tmp_path / 'db.sqlite3'}", patterns)
    log = tmp_path / "bot.log"
    coordinator = coordinator_of(loopback_guild)

    process = await start_run(env, log)
    try:
        await wait_for_line(
            loopback_server, log, lambda line: "schedules armed" in line, "the bot", process
        )
        await set_up(coordinator)
        adopted = await adopt(coordinator)
        process.send_signal(signal.SIGTERM)
        code = await asyncio.wait_for(process.wait(), EXIT_TIMEOUT)
    finally:
        await stop(process)

    output = log.read_text()
    assert code == 0, tail(log)
    assert "1 pattern files did not load" in output
    shipped = sum(name.endswith(".md") for name in os.listdir(patterns)) - 2  # README, bomb
    assert f"loaded {shipped} patterns" in output
    assert adopted.startswith("Now watching **CoP–Commons Alignment**"), adopted
