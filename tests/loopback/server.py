"""LoopbackDiscord: Discord's REST API and gateway on 127.0.0.1 for a real discord.py client."""

from __future__ import annotations

import logging
from collections.abc import Callable
from types import TracebackType
from typing import Any, Self, TypeVar

from aiohttp import web

from .gateway import Gateway
from .guilds import Guild
from .holds import Holds
from .ratelimits import GLOBAL_WINDOW, RateLimits
from .records import DM, MessageRecord, UserRecord
from .requests import API_PREFIX, RequestRecord
from .rest import RestApi
from .state import LoopbackState

T = TypeVar("T")
Json = dict[str, Any]
log = logging.getLogger(__name__)

DEFAULT_TOKEN = "loopback.bot.token"


class LoopbackDiscord:
    """A fake Discord good enough for the real client: start it, point discord.py at it, drive it.

    Waits are bounded by ``timeout`` seconds and fail with what the server saw meanwhile.
    """

    def __init__(
        self,
        *,
        token: str = DEFAULT_TOKEN,
        bot_name: str = "VitalityBot",
        heartbeat_interval: float = 0.5,
        global_rate_limit: float | None = 50.0,
        route_limit: int = 50,
        route_window: float = 1.0,
        timeout: float = 5.0,
    ) -> None:
        self.token = token
        self.timeout = timeout
        self.state = LoopbackState(bot_name=bot_name)
        self.developer = self.state.add_user("loopback-developer")
        self.limits = RateLimits(
            global_per_second=global_rate_limit, route_limit=route_limit, route_window=route_window
        )
        self.gateway = Gateway(
            self.state, token=token, heartbeat_interval=heartbeat_interval, resume_url=""
        )
        self.state.emit = self.gateway.emit
        self.requests: list[RequestRecord] = []
        self.unhandled: list[RequestRecord] = []
        self.rate_limited = 0
        self.failures: dict[str, list[int]] = {}
        self.held = Holds()
        """Statuses the next requests to a route ("POST /channels/{channel_id}/messages") get."""
        self.port = 0
        self._rest = RestApi(self)
        self._runner: web.AppRunner | None = None

    # -- lifecycle ------------------------------------------------------------------------------

    async def start(self) -> Self:
        app = web.Application()
        self._rest.install(app)
        app.router.add_get("/gateway", self.gateway.handle)
        app.router.add_get("/gateway-resume", self.gateway.handle)
        self._runner = web.AppRunner(app, handle_signals=False, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self.port = int(self._runner.addresses[0][1])
        self.state.base_url = self.base_url
        self.gateway.resume_url = self.resume_gateway_url
        return self

    async def stop(self) -> None:
        if self._runner is None:
            return
        self.held.release()  # a held request ends with the server, not after it
        await self.gateway.close_all()
        await self._runner.cleanup()
        self._runner = None

    async def __aenter__(self) -> Self:
        return await self.start()

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.stop()

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def api_url(self) -> str:
        """What discord.http.Route.BASE must be."""
        return self.base_url + API_PREFIX

    @property
    def gateway_url(self) -> str:
        return f"ws://127.0.0.1:{self.port}/gateway"

    @property
    def resume_gateway_url(self) -> str:
        """Sent in READY; a client that resumes connects here, which tests can check."""
        return f"ws://127.0.0.1:{self.port}/gateway-resume"

    # -- waiting --------------------------------------------------------------------------------

    async def wait_until(
        self,
        probe: Callable[[], T | None],
        what: str | Callable[[], str],
        timeout: float | None = None,  # noqa: ASYNC109
    ) -> T:
        """The first non-None ``probe()``, re-checked on every change and every 10 ms."""

        def describe() -> str:
            return f"waiting for {what() if callable(what) else what}\n{self.describe()}"

        return await self.state.changed.wait_until(
            probe, within=self.timeout if timeout is None else timeout, describe=describe
        )

    def describe(self) -> str:
        """What the server saw lately: the context a failing wait needs."""
        lines = ["recent requests: " + (", ".join(map(str, self.requests[-12:])) or "none")]
        if self.unhandled:
            lines.append("unhandled routes: " + ", ".join(map(str, self.unhandled)))
        connections = [f"{c.path}:{c.mode}" for c in self.gateway.log]
        lines.append("gateway connections: " + (", ".join(connections) or "none"))
        return "\n".join(lines)

    # -- the world ------------------------------------------------------------------------------

    @property
    def bot(self) -> UserRecord:
        return self.state.bot

    def add_user(self, name: str) -> UserRecord:
        return self.state.add_user(name)

    def add_guild(self, name: str, owner_id: int | None = None) -> Guild:
        """A guild with #general, @everyone, the bot (with its managed role) and an owner."""
        owner = (
            self.state.user(owner_id) if owner_id is not None else self.add_user(f"{name}-owner")
        )
        return Guild(self, self.state.add_guild(name, owner))

    def guild(self, guild_id: int) -> Guild:
        return Guild(self, self.state.guild(guild_id))

    # -- what the bot posted --------------------------------------------------------------------

    def messages_in(
        self, channel_id: int, *, include_ephemeral: bool = False
    ) -> list[MessageRecord]:
        return self.state.messages_in(channel_id, include_ephemeral=include_ephemeral)

    def message(self, message_id: int) -> MessageRecord | None:
        """A message as it is now (after edits), by id, wherever it was posted."""
        return self.state.messages.get(message_id)

    def post_as_bot(self, channel_id: int, body: Json) -> MessageRecord:
        """A message the bot posted before this run (say, one with persistent buttons)."""
        return self.state.create_message(channel_id, self.bot, body)

    async def wait_for_message(
        self,
        channel_id: int,
        predicate: Callable[[MessageRecord], bool] | None = None,
        *,
        timeout: float | None = None,  # noqa: ASYNC109
        include_ephemeral: bool = False,
    ) -> MessageRecord:
        """The first message in the channel (oldest first) that satisfies ``predicate``."""

        def probe() -> MessageRecord | None:
            found = self.messages_in(channel_id, include_ephemeral=include_ephemeral)
            return next((m for m in found if predicate is None or predicate(m)), None)

        channel = self.state.channels.get(channel_id)
        name = channel.name if channel is not None else channel_id
        return await self.wait_until(probe, f"a matching message in #{name}", timeout)

    def dm_channel_id(self, user_id: int) -> int | None:
        for channel in self.state.channels.values():
            if channel.type == DM and channel.recipient_ids == [user_id]:
                return channel.id
        return None

    def dms_with(self, user_id: int) -> list[MessageRecord]:
        channel_id = self.dm_channel_id(user_id)
        return [] if channel_id is None else self.messages_in(channel_id)

    async def wait_for_dm(
        self,
        user_id: int,
        predicate: Callable[[MessageRecord], bool] | None = None,
        *,
        timeout: float | None = None,  # noqa: ASYNC109
    ) -> MessageRecord:
        def probe() -> MessageRecord | None:
            found = [m for m in self.dms_with(user_id) if m.author.id == self.bot.id]
            return next((m for m in found if predicate is None or predicate(m)), None)

        return await self.wait_until(probe, f"a DM from the bot to user {user_id}", timeout)

    def commands(self, guild_id: int | None = None) -> list[Json]:
        """Commands as last synced (global when guild_id is None), ids and all."""
        return list(self.state.commands.get(guild_id, []))

    def command_names(self, guild_id: int | None = None) -> list[str]:
        return [c["name"] for c in self.commands(guild_id)]

    async def wait_for_sync(
        self,
        guild_id: int | None = None,
        timeout: float | None = None,  # noqa: ASYNC109
    ) -> list[Json]:
        scope = "global" if guild_id is None else f"guild {guild_id}"
        await self.wait_until(
            lambda: True if any(s == guild_id for s, _ in self.state.command_syncs) else None,
            f"a {scope} command sync",
            timeout,
        )
        return self.commands(guild_id)

    def busiest_second(self, since: float = 0.0) -> int:
        """The most requests counting towards the global limit that arrived within any one
        second (a rolling window over arrival times since ``since``, 429s included)."""
        times = sorted(r.received_at for r in self.requests if r.counts_globally)
        times = [t for t in times if t >= since]
        most, start = 0, 0
        for end, at in enumerate(times):
            while at - times[start] >= GLOBAL_WINDOW:
                start += 1
            most = max(most, end - start + 1)
        return most

    def requests_to(self, method: str, route: str) -> list[RequestRecord]:
        """Requests matching a route template, e.g. ("POST", "/channels/{channel_id}/messages")."""
        return [r for r in self.requests if r.method == method and r.route == route]

    # -- faults ---------------------------------------------------------------------------------

    async def drop_gateway(self, *, hold: bool = False) -> None:
        """Cut the gateway TCP connection without a close frame; the client should RESUME.

        With ``hold``, reconnections wait before HELLO until release_gateway(), so whatever the
        test dispatches meanwhile can only reach the bot through RESUME's replay.
        """
        if hold:
            self.gateway.hold()
        await self.gateway.drop(within=self.timeout)

    def release_gateway(self) -> None:
        self.gateway.release()

    async def send_reconnect(self, *, hold: bool = False) -> None:
        """Send op 7 RECONNECT and wait until the client has closed that socket (``hold``: as
        for drop_gateway)."""
        if hold:
            self.gateway.hold()
        await self.gateway.send_reconnect(within=self.timeout)

    def invalidate_session(self, *, resumable: bool = False) -> None:
        """Send op 9; unless resumable, the session is gone and the client must IDENTIFY anew."""
        self.gateway.invalidate(resumable=resumable)

    async def wait_for_resume(self, count: int = 1, timeout: float | None = None) -> None:  # noqa: ASYNC109
        """Until ``count`` RESUMEs succeeded and the newest socket has its replay queued."""
        await self.wait_until(
            lambda: True if self.gateway.resumes >= count else None,
            f"{count} successful RESUME(s) (so far {self.gateway.resumes})",
            timeout,
        )

    async def wait_for_identify(self, count: int = 1, timeout: float | None = None) -> None:  # noqa: ASYNC109
        await self.wait_until(
            lambda: True if self.gateway.identifies >= count else None,
            f"{count} IDENTIFY(s) (so far {self.gateway.identifies})",
            timeout,
        )

    def forbid_channel(self, channel_id: int, forbidden: bool = True) -> None:
        """Answer 403 Missing Permissions (50013) to the bot's requests on this channel."""
        self.state.set_forbidden(channel_id, forbidden)

    def block_dms(self, user_id: int) -> None:
        """This user does not accept DMs: posting in their DM answers 403 (50007)."""
        self.state.dm_blocked_users.add(user_id)

    def set_global_rate_limit(self, per_second: float | None) -> None:
        self.limits.global_per_second = per_second

    def set_route_limit(self, limit: int, window: float = 1.0) -> None:
        self.limits.route_limit = limit
        self.limits.route_window = window

    def rate_limit_next(
        self, route: str, count: int = 1, *, retry_after: float = 0.05, is_global: bool = False
    ) -> None:
        """The next ``count`` requests to ``route`` get 429.

        ``route`` is a method and template: "POST /channels/{channel_id}/messages".
        """
        known = {f"{method} {path}" for method, path, _ in self._rest.routes()}
        if route not in known:
            raise ValueError(f"unknown route {route!r}; known: {sorted(known)}")
        self.limits.force(route, count, retry_after, is_global=is_global)

    def fail_next(self, route: str, count: int = 1, *, status: int = 503) -> None:
        """The next ``count`` requests to ``route`` answer ``status`` (an outage, say).

        discord.py retries 500, 502, 504 and 524 itself (sleeping 1, 3, 5... seconds); other
        5xx, such as 503, reach the bot as ``DiscordServerError`` at once.
        """
        known = {f"{method} {path}" for method, path, _ in self._rest.routes()}
        if route not in known:
            raise ValueError(f"unknown route {route!r}; known: {sorted(known)}")
        self.failures.setdefault(route, []).extend([status] * count)

    def hold_next(self, route: str, *, before: bool = False, channel_id: int | None = None) -> None:
        """Leave the next request to ``route`` (in ``channel_id``, if given) unanswered until
        ``release_held``: ``before`` the server acts on it, or after (the post is made, its
        answer never sent). ``held`` lists the requests caught."""
        known = {f"{method} {path}" for method, path, _ in self._rest.routes()}
        if route not in known:
            raise ValueError(f"unknown route {route!r}; known: {sorted(known)}")
        self.held.arm(route, before=before, channel_id=channel_id)

    def release_held(self) -> None:
        self.held.release()

    def allow_privileged_intents(self, allowed: bool) -> None:
        """When False, IDENTIFY with members/presences/message_content closes with 4014."""
        self.gateway.privileged_intents_enabled = allowed
