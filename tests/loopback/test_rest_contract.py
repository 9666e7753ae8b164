"""The wire details discord.py depends on, checked with a plain HTTP client."""

from __future__ import annotations

import aiohttp

from .ratelimits import GLOBAL_WINDOW, RETRY_MARGIN
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
