"""The optional HTTP listener: ``/healthz`` for supervisors, ``/metrics`` for Prometheus.

Off unless a port is configured, and on 127.0.0.1 unless told otherwise: the figures
are harmless, but nothing here needs to face the internet. Checks are registered by
whoever knows the part (the Discord adapter knows the gateway, the app the database
and the scheduler), so this module knows none of them.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Mapping
from types import TracebackType

from aiohttp import web
from sqlalchemy import text

from vitalitybot.config import DEFAULT_HEALTH_HOST
from vitalitybot.observability.metrics import CONTENT_TYPE, Metrics
from vitalitybot.storage.database import Database

log = logging.getLogger(__name__)

CHECK_TIMEOUT = 5.0  # seconds; a hung database must not hang the supervisor's probe

Check = Callable[[], Awaitable[bool]]


def database_check(db: Database) -> Check:
    """Passes when the database answers ``SELECT 1``."""

    async def check() -> bool:
        async with db.engine.connect() as connection:
            answer: object = (await connection.execute(text("SELECT 1"))).scalar_one()
            return answer == 1

    return check


def flag_check(predicate: Callable[[], bool]) -> Check:
    """A check from a plain predicate (``lambda: runner.running``)."""

    async def check() -> bool:
        return bool(predicate())

    return check


class HealthServer:
    """Serves ``/healthz`` and ``/metrics`` on ``host:port`` (port 0: any free port)."""

    def __init__(
        self,
        metrics: Metrics,
        *,
        port: int,
        host: str = DEFAULT_HEALTH_HOST,
        checks: Mapping[str, Check] | None = None,
        check_timeout: float = CHECK_TIMEOUT,
    ) -> None:
        self.metrics = metrics
        self.host = host
        self.port = port
        self.checks: dict[str, Check] = dict(checks or {})
        self.check_timeout = check_timeout
        self._runner: web.AppRunner | None = None

    def add_check(self, name: str, check: Check) -> None:
        self.checks[name] = check

    @property
    def addresses(self) -> list[tuple[str, int]]:
        """The (host, port) pairs actually listened on; the port differs when it was 0."""
        if self._runner is None:
            raise RuntimeError("the health server is not running")
        return [
            (str(address[0]), int(address[1]))
            for address in self._runner.addresses
            if isinstance(address, tuple)
        ]

    @property
    def bound_port(self) -> int:
        return self.addresses[0][1]

    async def start(self) -> None:
        app = web.Application()
        app.router.add_get("/healthz", self._healthz)
        app.router.add_get("/metrics", self._metrics)
        runner = web.AppRunner(app, access_log=None, handle_signals=False)
        await runner.setup()
        try:
            await web.TCPSite(runner, self.host, self.port).start()
        except BaseException:
            await runner.cleanup()
            raise
        self._runner = runner
        log.info("health and metrics on http://%s:%d/", self.host, self.bound_port)

    async def stop(self) -> None:
        if self._runner is not None:
            runner, self._runner = self._runner, None
            await runner.cleanup()

    async def __aenter__(self) -> HealthServer:
        await self.start()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.stop()

    async def run_checks(self) -> dict[str, str]:
        """Each check's outcome: "ok", "failing", or "error: <kind>" / "timeout"."""
        names = list(self.checks)
        outcomes = await asyncio.gather(*(self._run(name) for name in names))
        return dict(zip(names, outcomes, strict=True))

    async def _run(self, name: str) -> str:
        try:
            passed = await asyncio.wait_for(self.checks[name](), self.check_timeout)
        except TimeoutError:
            log.warning("health check %s timed out after %.0fs", name, self.check_timeout)
            return "timeout"
        except Exception as exc:
            # The reply names only the kind of error; the details go to the log.
            log.warning("health check %s failed", name, exc_info=True)
            return f"error: {type(exc).__name__}"
        return "ok" if passed else "failing"

    async def _healthz(self, _request: web.Request) -> web.Response:
        outcomes = await self.run_checks()
        failing = sorted(name for name, outcome in outcomes.items() if outcome != "ok")
        body: dict[str, object] = {"status": "failing" if failing else "ok", "checks": outcomes}
        if failing:
            body["failing"] = failing
        return web.json_response(body, status=503 if failing else 200)

    async def _metrics(self, _request: web.Request) -> web.Response:
        response = web.Response(body=self.metrics.render())
        response.headers["Content-Type"] = CONTENT_TYPE
        return response
