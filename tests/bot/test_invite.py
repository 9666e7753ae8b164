"""The invite link: both scopes and exactly the permissions the bot needs."""

from __future__ import annotations

import base64
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest

from loopback import permissions as bits
from vitalitybot.bot.invite import client_id_from_token, invite_url
from vitalitybot.cli import main

NEEDED = (
    bits.VIEW_CHANNEL
    | bits.SEND_MESSAGES
    | bits.SEND_MESSAGES_IN_THREADS
    | bits.CREATE_PUBLIC_THREADS
    | bits.EMBED_LINKS
    | bits.ATTACH_FILES
    | bits.READ_MESSAGE_HISTORY
)
APP_ID = 1234567890123456789


def query(url: str) -> dict[str, list[str]]:
    return parse_qs(urlsplit(url).query)


def test_the_link_asks_for_both_scopes_and_only_the_posting_permissions() -> None:
    found = query(invite_url(APP_ID))

    assert found["client_id"] == [str(APP_ID)]
    assert found["scope"] == ["bot applications.commands"]
    assert found["permissions"] == [str(NEEDED)]


def test_the_cli_reads_the_id_from_the_token_and_never_prints_the_token(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    head = base64.b64encode(str(APP_ID).encode()).decode().rstrip("=")
    token = f"{head}.GhIjKl.{'s' * 38}"
    monkeypatch.setenv("VITALITYBOT_TOKEN", token)

    assert client_id_from_token(token) == APP_ID
    assert main(["invite-url"]) == 0
    printed = capsys.readouterr().out
    assert query(printed.strip())["client_id"] == [str(APP_ID)] and token not in printed
    assert main(["invite-url", "--client-id", "42"]) == 0
    assert query(capsys.readouterr().out.strip())["client_id"] == ["42"]


def test_without_an_id_or_a_usable_token_it_says_where_to_find_the_id(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.delenv("VITALITYBOT_TOKEN", raising=False)
    monkeypatch.chdir(tmp_path)  # no .env
    assert main(["invite-url"]) == 2
    assert "--client-id" in capsys.readouterr().err

    monkeypatch.setenv("VITALITYBOT_TOKEN", "not-a-bot-token")
    assert main(["invite-url"]) == 3  # set, but no login could work with it either
    err = capsys.readouterr().err
    assert "VITALITYBOT_TOKEN does not look like" in err and "--client-id" in err
