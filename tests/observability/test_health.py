"""The health listener over real HTTP on 127.0.0.1: /healthz flips with its checks,
/metrics shows the counters."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any

import aiohttp
import pytest

from vitalitybot.config import load_settings
from vitalitybot.domain.records import SuggestionKind
from vitalitybot.observability.health import HealthServer, database_check, flag_check
from vitalitybot.observability.metrics import Metrics
from vitalitybot.storage import Database, open_database


class Switch:
    def __init__(self) -> None:
        self.on = True

    def __call__(self) -> bool:
        return self.on


@pytest.fixture
async def http() -> AsyncIterator[aiohttp.ClientSession]:
    async with aiohttp.ClientSession() as session:
        yield session


async def get(http: aiohttp.ClientSession, server: HealthServer, path: str) -> tuple[int, Any]:
    url = f"http://127.0.0.1:{server.bound_port}{path}"
    async with http.get(url) as response:
        if response.content_type == "application/json":
            return response.status, await response.json()
        return response.status, await response.text()


async def test_healthz_is_ok_only_while_every_check_passes(
    db: Database, http: aiohttp.ClientSession
) -> None:
    gateway, scheduler = Switch(), Switch()
    checks = {
        "gateway": flag_check(gateway),
        "database": database_check(db),
        "scheduler": flag_check(scheduler),
    }
    async with HealthServer(Metrics(), port=0, checks=checks) as server:
        status, body = await get(http, server, "/healthz")
        assert status == 200
        assert body == {
            "status": "ok",
            "checks": {"gateway": "ok", "database": "ok", "scheduler": "ok"},
        }

        gateway.on = False
        status, body = await get(http, server, "/healthz")
        assert status == 503
        assert body["status"] == "failing" and body["failing"] == ["gateway"]
        assert body["checks"]["database"] == "ok"

        scheduler.on = False
        status, body = await get(http, server, "/healthz")
        assert (status, body["failing"]) == (503, ["gateway", "scheduler"])

        gateway.on = scheduler.on = True
        status, _ = await get(http, server, "/healthz")
        assert status == 200


async def test_an_unreachable_database_fails_the_check(http: aiohttp.ClientSession) -> None:
    # Nothing listens on port 1 of the loopback address: the connection is refused.
    gone = open_database("postgresql+asyncpg://nobody@127.0.0.1:1/nothing")
    try:
        checks = {"database": database_check(gone)}
        async with HealthServer(Metrics(), port=0, checks=checks) as server:
            status, body = await get(http, server, "/healthz")
    finally:
        await gone.dispose()
    assert status == 503
    assert body["failing"] == ["database"]
    assert body["checks"]["database"].startswith("error: ")


async def test_a_check_that_raises_or_hangs_is_failing(http: aiohttp.ClientSession) -> None:
    async def broken() -> bool:
        raise RuntimeError("the part fell over")

    async def hung() -> bool:
        await asyncio.Event().wait()
        return True

    server = HealthServer(Metrics(), port=0, check_timeout=0.2)
    server.add_check("broken", broken)
    server.add_check("hung", hung)
    async with server:
        status, body = await get(http, server, "/healthz")
    assert status == 503
    assert body["checks"] == {"broken": "error: RuntimeError", "hung": "timeout"}


async def test_metrics_serves_the_counters_as_prometheus_text(
    http: aiohttp.ClientSession,
) -> None:
    metrics = Metrics()
    async with HealthServer(metrics, port=0) as server:
        metrics.round_opened()
        metrics.answer_recorded(3)
        metrics.suggestion_posted(SuggestionKind.REFLECT)
        metrics.discord_http_error(503)
        url = f"http://127.0.0.1:{server.bound_port}/metrics"
        async with http.get(url) as response:
            assert response.status == 200
            assert response.headers["Content-Type"].startswith("text/plain; version=")
            text = await response.text()
    assert "vitalitybot_rounds_opened_total 1.0" in text
    assert "vitalitybot_answers_recorded_total 3.0" in text
    assert 'vitalitybot_suggestions_posted_total{kind="reflect"} 1.0' in text
    assert 'vitalitybot_discord_http_errors_total{status="503"} 1.0' in text
    assert "# TYPE vitalitybot_gateway_latency_seconds gauge" in text


async def test_no_checks_means_healthy_and_other_paths_are_not_found(
    http: aiohttp.ClientSession,
) -> None:
    async with HealthServer(Metrics(), port=0) as server:
        assert await get(http, server, "/healthz") == (200, {"status": "ok", "checks": {}})
        status, _ = await get(http, server, "/")
        assert status == 404


async def test_listens_on_loopback_by_default() -> None:
    server = HealthServer(Metrics(), port=0)
    async with server:
        hosts = {host for host, _ in server.addresses}
    assert hosts == {"127.0.0.1"}


def test_the_listener_is_off_and_on_loopback_by_default(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("VITALITYBOT_HEALTH_PORT", raising=False)
    monkeypatch.delenv("VITALITYBOT_HEALTH_HOST", raising=False)
    settings = load_settings(_env_file=None)
    assert settings.health_port is None
    assert settings.health_host == "127.0.0.1"


async def test_stopping_frees_the_port(http: aiohttp.ClientSession) -> None:
    server = HealthServer(Metrics(), port=0)
    await server.start()
    port = server.bound_port
    await server.stop()
    with pytest.raises(aiohttp.ClientConnectionError):
        async with http.get(f"http://127.0.0.1:{port}/healthz"):
            pass
