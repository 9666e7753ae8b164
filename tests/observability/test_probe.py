"""The container health probe asks the running listener, as Docker's HEALTHCHECK does."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from vitalitybot.observability import probe
from vitalitybot.observability.health import HealthServer, flag_check
from vitalitybot.observability.metrics import Metrics


@pytest.fixture(autouse=True)
def clean_settings(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.chdir(tmp_path)  # no stray .env
    monkeypatch.delenv("VITALITYBOT_HEALTH_HOST", raising=False)
    monkeypatch.delenv("VITALITYBOT_HEALTH_PORT", raising=False)


async def test_probe_exit_code_follows_healthz(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    healthy = [True]
    server = HealthServer(Metrics(), port=0, checks={"gateway": flag_check(lambda: healthy[0])})
    async with server:
        monkeypatch.setenv("VITALITYBOT_HEALTH_PORT", str(server.bound_port))
        monkeypatch.setenv("VITALITYBOT_HEALTH_HOST", "0.0.0.0")  # probes ask on loopback
        assert await asyncio.to_thread(probe.main) == 0
        healthy[0] = False
        assert await asyncio.to_thread(probe.main) == 1
    assert '"failing": ["gateway"]' in capsys.readouterr().err
    # Nothing listening any more.
    assert await asyncio.to_thread(probe.main) == 1


def test_probe_without_a_port_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    assert probe.main() == 2
    assert "VITALITYBOT_HEALTH_PORT" in capsys.readouterr().err


def test_probe_url() -> None:
    assert probe.healthz_url("127.0.0.1", None) is None
    assert probe.healthz_url("0.0.0.0", 8080) == "http://127.0.0.1:8080/healthz"
    assert probe.healthz_url("::1", 9) == "http://[::1]:9/healthz"
