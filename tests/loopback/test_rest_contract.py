"""The wire details discord.py depends on, checked with a plain HTTP client."""

from __future__ import annotations

from typing import Any

import aiohttp

from . import invocations
from .guilds import Guild
from .interactions import COMPONENT, DEFERRED_MESSAGE, MESSAGE, UPDATE
from .ratelimits import GLOBAL_WINDOW, RETRY_MARGIN
from .records import EPHEMERAL
from .server import LoopbackDiscord


def auth(server: LoopbackDiscord) -> dict[str, str]:
    return {"Authorization": f"Bot {server.token}"}


async def test_answers_are_exactly_application_json_with_bucket_headers(
    loopback_server: LoopbackDiscord,
) -> None:
    async with (
        aiohttp.ClientSession() as http,
        http.get(loopback_server.api_url + "/users/@me", headers=auth(loopback_server)) as r,
    ):
        assert r.status == 200
        assert r.headers["Content-Type"] == "application/json"
        assert r.headers["X-RateLimit-Limit"] == "50"
        assert r.headers["X-RateLimit-Remaining"] == "49"
        assert float(r.headers["X-RateLimit-Reset-After"]) > 0
        assert r.headers["X-RateLimit-Bucket"]
        assert (await r.json())["id"] == str(loopback_server.bot.id)


async def test_a_global_429_says_so_in_body_and_headers(loopback_server: LoopbackDiscord) -> None:
    loopback_server.set_global_rate_limit(2)
    async with aiohttp.ClientSession() as http:
        statuses = []
        for _ in range(3):
            async with http.get(
                loopback_server.api_url + "/users/@me", headers=auth(loopback_server)
            ) as r:
                statuses.append(r.status)
                body, headers = await r.json(), r.headers

    assert statuses == [200, 200, 429]
    assert body["message"] == "You are being rate limited." and body["global"] is True
    assert 0 < body["retry_after"] <= GLOBAL_WINDOW + RETRY_MARGIN
    assert headers["X-RateLimit-Global"] == "true" and headers["X-RateLimit-Scope"] == "global"
    assert int(headers["Retry-After"]) >= 1 and headers["Via"]
    assert loopback_server.rate_limited == 1


async def test_missing_token_and_unknown_routes_get_discords_errors(
    loopback_server: LoopbackDiscord,
) -> None:
    async with aiohttp.ClientSession() as http:
        async with http.get(loopback_server.api_url + "/users/@me") as r:
            assert (r.status, await r.json()) == (401, {"message": "401: Unauthorized", "code": 0})
        async with http.get(
            loopback_server.api_url + "/stickers/1", headers=auth(loopback_server)
        ) as r:
            assert (r.status, await r.json()) == (404, {"message": "404: Not Found", "code": 0})

    assert [r.path for r in loopback_server.unhandled] == ["/api/v10/stickers/1"]


async def test_a_callbacks_resource_carries_a_message_only_when_the_callback_made_one(
    loopback_server: LoopbackDiscord, loopback_guild: Guild
) -> None:
    """As Discord answers ``?with_response=1``: the message for types 4 and 7 only; a
    deferral (5) says in ``interaction`` that a loading message stands, and no more."""
    state = loopback_server.state
    button = {"type": 2, "style": 1, "label": "Go", "custom_id": "go"}
    post = state.create_message(
        loopback_guild.general.id,
        loopback_server.bot,
        {"content": "Pick", "components": [{"type": 1, "components": [button]}]},
    )

    async def answer(callback: dict[str, object]) -> dict[str, Any]:
        record = invocations.dispatch(
            state,
            kind=COMPONENT,
            user=loopback_guild.owner.record.user,
            channel_id=post.channel_id,
            data={"custom_id": "go", "component_type": 2},
            label="click go",
            message_id=post.id,
        )
        url = f"{loopback_server.api_url}/interactions/{record.id}/{record.token}/callback"
        async with (
            aiohttp.ClientSession() as http,
            http.post(url, params={"with_response": "1"}, json=callback) as r,
        ):
            assert r.status == 200
            found: dict[str, Any] = await r.json()
            return found

    deferred = await answer({"type": DEFERRED_MESSAGE, "data": {"flags": EPHEMERAL}})
    assert deferred["resource"] == {"type": DEFERRED_MESSAGE}
    assert deferred["interaction"]["response_message_loading"] is True
    assert deferred["interaction"]["response_message_ephemeral"] is True

    sent = await answer({"type": MESSAGE, "data": {"content": "Done"}})
    assert sent["resource"]["type"] == MESSAGE
    assert sent["resource"]["message"]["content"] == "Done"
    assert sent["resource"]["message"]["id"] == sent["interaction"]["response_message_id"]

    updated = await answer({"type": UPDATE, "data": {"content": "Picked"}})
    assert updated["resource"]["message"]["id"] == str(post.id)
    assert updated["resource"]["message"]["content"] == "Picked"
