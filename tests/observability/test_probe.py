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


def test_probe_without_a_port_is_unhealthy_and_says_why(
    capsys: pytest.CaptureFixture[str],
) -> None:
    # Docker reads 0 and 1 only (2 is reserved): a probe that cannot ask is unhealthy.
    assert probe.main() == 1
    said = capsys.readouterr().err.splitlines()
    assert len(said) == 1
    assert "VITALITYBOT_HEALTH_PORT is not set" in said[0]


def test_probe_with_unreadable_settings_is_unhealthy_in_one_line(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("VITALITYBOT_HEALTH_PORT", "eighty")
    assert probe.main() == 1
    said = capsys.readouterr().err.splitlines()
    assert len(said) == 1
    assert said[0].startswith("unhealthy: VITALITYBOT_HEALTH_PORT: ")


def test_probe_url() -> None:
    assert probe.healthz_url("127.0.0.1", None) is None
    assert probe.healthz_url("0.0.0.0", 8080) == "http://127.0.0.1:8080/healthz"
    assert probe.healthz_url("::1", 9) == "http://[::1]:9/healthz"
