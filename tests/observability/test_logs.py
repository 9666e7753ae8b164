"""Logs: human or JSON lines, the community on each line, and never the token."""

from __future__ import annotations

import asyncio
import base64
import io
import json
import logging
import os
import secrets
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from vitalitybot.observability.logs import (
    REDACTED,
    community_context,
    configure_logging,
    looks_like_a_discord_token,
    tag_community,
)

log = logging.getLogger("vitalitybot.tests.logs")


def fake_token() -> str:
    """A made-up string with a bot token's shape: base64(user id).base64(time).HMAC."""
    user_id = str(10**17 + secrets.randbelow(9 * 10**17)).encode()

    def b64(raw: bytes) -> str:
        return base64.urlsafe_b64encode(raw).decode().rstrip("=")

    return f"{b64(user_id)}.{b64(secrets.token_bytes(4))[:6]}.{b64(secrets.token_bytes(24))}"


class LoginFailure(Exception):
    pass


def _login(token: str) -> None:
    try:
        raise ConnectionError(f"401 Unauthorized while sending Authorization: Bot {token}")
    except ConnectionError as cause:
        raise LoginFailure(f"Improper token has been passed: {token}") from cause


@pytest.fixture
def output() -> Iterator[io.StringIO]:
    stream = io.StringIO()
    yield stream
    configure_logging(logging.WARNING, stream=io.StringIO())  # detach from this stream


@pytest.mark.parametrize("as_json", [False, True], ids=["human", "json"])
def test_a_failed_login_never_prints_the_token(as_json: bool, output: io.StringIO) -> None:
    token = fake_token()
    configure_logging(logging.DEBUG, json=as_json, secrets=[token], stream=output)

    log.info("logging in with %s", token)
    try:
        _login(token)
    except LoginFailure:
        log.exception("login failed for token %s", token)
    log.warning("stack at login", stack_info=True)

    printed = output.getvalue()
    assert token not in printed
    assert token.split(".")[2] not in printed  # not even the signature part alone
    # The lines are still there and still useful: only the secret is gone.
    assert printed.count(REDACTED) >= 4
    assert "LoginFailure" in printed and "ConnectionError" in printed
    assert "Traceback (most recent call last)" in printed
    assert "_login" in printed


def test_token_shaped_strings_are_redacted_even_when_not_configured(
    output: io.StringIO,
) -> None:
    stray = fake_token()
    configure_logging(logging.INFO, stream=output)
    log.error("gateway said: %s", {"token": stray})
    printed = output.getvalue()
    assert stray not in printed and REDACTED in printed


def test_interaction_tokens_are_redacted_bare_and_inside_urls(output: io.StringIO) -> None:
    configure_logging(logging.DEBUG, stream=output)
    discord_shaped = "aW50ZXJhY3Rpb246MTIzNDU2Nzg5OjE2Njc.secret_part-42"
    other_shaped = "some-opaque-token_0123"
    webhook_log = logging.getLogger("discord.webhook.async_")
    log.info("gateway said %s", {"id": "123", "token": discord_shaped})
    webhook_log.debug(
        "Webhook ID %s with %s %s has returned status code %s",
        "99",
        "PATCH",
        f"https://discord.com/api/v10/webhooks/99/{other_shaped}/messages/@original",
        200,
    )
    log.warning("callback to /interactions/123456/%s/callback failed", other_shaped)

    printed = output.getvalue()
    assert discord_shaped not in printed and "secret_part" not in printed
    assert other_shaped not in printed
    assert "/webhooks/99/[redacted]/messages/@original" in printed
    assert "/interactions/123456/[redacted]/callback" in printed


def test_a_url_quoted_in_a_log_line_loses_its_password(output: io.StringIO) -> None:
    configure_logging(logging.INFO, stream=output)
    log.error("cannot reach %s", "postgresql+asyncpg://bob:hun@ter2@db.example/vb")
    printed = output.getvalue()
    assert "hun" not in printed and "ter2" not in printed
    assert "postgresql+asyncpg://bob:[redacted]@db.example/vb" in printed


@pytest.mark.parametrize("name", ["discord.gateway", "discord.http", "discord.ui.view"])
def test_discord_payload_dumps_are_dropped_even_at_debug(name: str, output: io.StringIO) -> None:
    configure_logging(logging.DEBUG, stream=output)
    payload_log = logging.getLogger(name)
    payload_log.debug("WebSocket Event: %s", {"custom_id": "vb:pick:1:0", "values": ["5"]})
    payload_log.info("Shard ID None has connected to Gateway")
    logging.getLogger("discord.client").debug("Dispatching event interaction")
    log.debug("our own detail")

    printed = output.getvalue()
    assert "vb:pick" not in printed and "values" not in printed
    assert "has connected to Gateway" in printed  # discord.py's information stays
    assert "Dispatching event interaction" in printed
    assert "our own detail" in printed


def test_ordinary_dotted_text_is_left_alone(output: io.StringIO) -> None:
    configure_logging(logging.INFO, stream=output)
    text = "vitalitybot.services.rounds 2.7.1 https://example.invalid/a.b.c"
    log.info(text)
    assert text in output.getvalue()
    assert not looks_like_a_discord_token(text)
    assert looks_like_a_discord_token(f"Bot {fake_token()}")


def test_json_lines_carry_the_fields_and_the_community(output: io.StringIO) -> None:
    configure_logging(logging.INFO, json=True, stream=output)
    log.info("outside any community")
    with community_context(12):
        log.warning("round %s opened", 7)
    try:
        raise ValueError("boom")
    except ValueError:
        log.exception("failed")

    lines = [json.loads(line) for line in output.getvalue().splitlines()]
    assert [line["message"] for line in lines] == [
        "outside any community",
        "round 7 opened",
        "failed",
    ]
    assert {"time", "level", "logger", "message"} <= lines[0].keys()
    assert "community_id" not in lines[0]
    assert lines[1]["community_id"] == 12 and lines[1]["level"] == "WARNING"
    assert lines[1]["logger"] == "vitalitybot.tests.logs"
    assert lines[1]["time"].endswith("+00:00")
    assert "ValueError: boom" in lines[2]["exc_info"]


def test_human_lines_name_the_community(output: io.StringIO) -> None:
    configure_logging(logging.INFO, stream=output)
    with community_context(42):
        log.info("reminder sent")
    log.info("no community here")
    first, second = output.getvalue().splitlines()
    assert "[community 42]" in first and first.endswith("reminder sent")
    assert "INFO" in first and "vitalitybot.tests.logs" in first
    assert "[community" not in second


async def test_tasks_started_inside_a_community_context_keep_it(output: io.StringIO) -> None:
    configure_logging(logging.INFO, json=True, stream=output)

    async def job() -> None:
        await asyncio.sleep(0)
        log.info("inside the task")

    with community_context(5):
        task = asyncio.create_task(job())
    with community_context(6):
        await task
        log.info("in another community")
    lines = [json.loads(line) for line in output.getvalue().splitlines()]
    assert [line["community_id"] for line in lines] == [5, 6]


async def test_handlers_tagging_their_community_part_way_each_keep_their_own(
    output: io.StringIO,
) -> None:
    """Two commands of one server handled at once, each about another community."""
    configure_logging(logging.INFO, json=True, stream=output)
    both_tagged = asyncio.Event()

    async def handler(community_id: int) -> None:
        log.info("before the check")
        tag_community(community_id)
        if community_id == 8:
            both_tagged.set()
        else:
            await both_tagged.wait()
        log.info("after the check")

    await asyncio.gather(asyncio.create_task(handler(7)), asyncio.create_task(handler(8)))
    log.info("back in the caller")

    lines = [json.loads(line) for line in output.getvalue().splitlines()]
    tagged = {(line["message"], line.get("community_id")) for line in lines}
    assert tagged == {
        ("before the check", None),
        ("after the check", 7),
        ("after the check", 8),
        ("back in the caller", None),
    }
    assert len(lines) == 5


def test_an_explicit_community_id_wins_over_the_context(output: io.StringIO) -> None:
    configure_logging(logging.INFO, json=True, stream=output)
    with community_context(1):
        log.info("about another", extra={"community_id": 2})
    assert json.loads(output.getvalue())["community_id"] == 2


def test_configuring_again_replaces_the_handler(output: io.StringIO) -> None:
    configure_logging(logging.INFO, stream=io.StringIO())
    configure_logging(logging.INFO, stream=output)
    log.info("once")
    assert output.getvalue().count("once") == 1


def test_cli_log_json_flag_and_setting(tmp_path: Path) -> None:
    """The real command: ``--log-json`` (or VITALITYBOT_LOG_JSON) gives JSON on stderr."""
    token = fake_token()
    env = {k: v for k, v in os.environ.items() if not k.startswith("VITALITYBOT_")}
    env["VITALITYBOT_TOKEN"] = token
    url = f"sqlite+aiosqlite:///{tmp_path / 'bot.sqlite3'}"

    def run(*args: str, **extra_env: str) -> list[str]:
        done = subprocess.run(
            [sys.executable, "-m", "vitalitybot", *args, "db", "upgrade", "--url", url],
            env={**env, **extra_env},
            cwd=tmp_path,
            capture_output=True,
            text=True,
            check=True,
        )
        assert token not in done.stdout + done.stderr
        return done.stderr.splitlines()

    for lines in (run("-v", "--log-json"), run("-v", VITALITYBOT_LOG_JSON="true")):
        assert lines, "-v should log something"
        records = [json.loads(line) for line in lines if line.startswith("{")]
        assert len(records) == len([line for line in lines if line.strip()])
        assert any(r["logger"].startswith("vitalitybot") for r in records)

    human = run("-v")
    assert human and not any(line.startswith("{") for line in human)
