"""The REST API under /api/v10: the routes discord.py calls, with Discord's errors and limits.

What a request is recorded as, and the helpers every route answers with, are in requests.py.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any

from aiohttp import web

from . import payloads
from .errors import (
    MISSING_PERMISSIONS,
    ApiError,
)
from .interaction_routes import InteractionRoutes
from .records import PRIVATE_THREAD, PUBLIC_THREAD, THREAD_TYPES, MessageRecord, Upload
from .requests import (
    API_PREFIX,
    CANNOT_EDIT_OTHERS,
    METHOD_NOT_ALLOWED,
    NOT_FOUND,
    RECORD_KEY,
    UNAUTHORIZED,
    UNKNOWN_APPLICATION,
    UNKNOWN_COMMAND,
    RequestRecord,
    digits_only,
    int_param,
    json_response,
    no_content,
    read_body,
)

if TYPE_CHECKING:
    from .server import LoopbackDiscord

Json = dict[str, Any]
Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


class RestApi(InteractionRoutes):
    def __init__(self, server: LoopbackDiscord) -> None:
        self.server = server
        self.state = server.state

    # -- plumbing -------------------------------------------------------------------------------

    def install(self, app: web.Application) -> None:
        app.middlewares.append(self.middleware)
        add = app.router.add_route
        for method, path, handler in self.routes():
            # Ids are digits, so /messages/pins is an unknown route, not message "pins".
            add(method, API_PREFIX + digits_only(path), handler)
        add("GET", "/attachments/{channel_id}/{attachment_id}/{filename}", self.get_attachment)

    async def body(self, request: web.Request) -> tuple[Any, list[Upload]]:
        return await read_body(request)

    @web.middleware
    async def middleware(self, request: web.Request, handler: Handler) -> web.StreamResponse:
        server = self.server
        resource = request.match_info.route.resource
        canonical = resource.canonical if resource is not None else None
        if canonical is not None and not canonical.startswith(API_PREFIX):
            return await handler(request)  # the gateway socket and attachment downloads
        route = canonical[len(API_PREFIX) :] if canonical is not None else None
        record = RequestRecord(request.method, request.path, route, dict(request.query))
        peer = request.transport.get_extra_info("peername") if request.transport else None
        record.peer = f"{peer[0]}:{peer[1]}" if peer else None
        request[RECORD_KEY] = record
        server.requests.append(record)
        response = await self._answer(request, handler, record)
        record.status = response.status
        if response.status == 429:
            server.rate_limited += 1
        server.state.touch()
        return response

    async def _answer(
        self, request: web.Request, handler: Handler, record: RequestRecord
    ) -> web.StreamResponse:
        exception = request.match_info.http_exception
        if exception is not None or record.route is None:
            self.server.unhandled.append(record)
            status = exception.status if exception is not None else 404
            return json_response(METHOD_NOT_ALLOWED if status == 405 else NOT_FOUND, status)
        interaction_route = not record.counts_globally
        key = (
            record.route
            + ":"
            + ":".join(
                request.match_info.get(k, "")
                for k in ("channel_id", "guild_id", "webhook_id", "token")
            )
        )
        now = asyncio.get_running_loop().time()
        headers, limited = self.server.limits.admit(
            f"{request.method} {record.route}", key, now, counts_globally=not interaction_route
        )
        if limited is not None:
            return json_response(limited.body(), 429, limited.response_headers())
        failing = self.server.failures.get(f"{request.method} {record.route}")
        if failing:
            status = failing.pop(0)
            return json_response({"message": f"{status}: Server Error", "code": 0}, status)
        if (
            not interaction_route
            and request.headers.get("Authorization") != f"Bot {self.server.token}"
        ):
            return json_response(UNAUTHORIZED, 401, headers)
        try:
            channel_id = request.match_info.get("channel_id")
            forbidden = self.state.forbidden_channels
            if channel_id is not None and channel_id.isdigit() and int(channel_id) in forbidden:
                raise ApiError(403, "Missing Permissions", MISSING_PERMISSIONS)
            await self.server.held.hold(f"{request.method} {record.route}", record, before=True)
            response = await handler(request)
            await self.server.held.hold(f"{request.method} {record.route}", record, before=False)
        except ApiError as error:
            response = json_response(error.body(), error.status)
        response.headers.update(headers)
        return response

    def routes(self) -> list[tuple[str, str, Handler]]:
        app_commands = "/applications/{application_id}/commands"
        guild_commands = "/applications/{application_id}/guilds/{guild_id}/commands"
        webhook = "/webhooks/{webhook_id}/{token}"
        return [
            ("GET", "/gateway", self.get_gateway),
            ("GET", "/gateway/bot", self.get_gateway_bot),
            ("GET", "/users/@me", self.get_me),
            ("POST", "/users/@me/channels", self.create_dm),
            ("GET", "/users/{user_id}", self.get_user),
            ("GET", "/oauth2/applications/@me", self.get_application),
            ("GET", "/applications/@me", self.get_application),
            ("GET", app_commands, self.get_commands),
            ("PUT", app_commands, self.put_commands),
            ("POST", app_commands, self.post_command),
            ("GET", app_commands + "/{command_id}", self.get_command),
            ("DELETE", app_commands + "/{command_id}", self.delete_command),
            ("GET", guild_commands, self.get_commands),
            ("PUT", guild_commands, self.put_commands),
            ("POST", guild_commands, self.post_command),
            ("GET", guild_commands + "/{command_id}", self.get_command),
            ("DELETE", guild_commands + "/{command_id}", self.delete_command),
            ("GET", "/channels/{channel_id}", self.get_channel),
            ("GET", "/channels/{channel_id}/messages", self.get_messages),
            ("POST", "/channels/{channel_id}/messages", self.post_message),
            ("GET", "/channels/{channel_id}/messages/{message_id}", self.get_message),
            ("PATCH", "/channels/{channel_id}/messages/{message_id}", self.patch_message),
            ("DELETE", "/channels/{channel_id}/messages/{message_id}", self.delete_message),
            (
                "POST",
                "/channels/{channel_id}/messages/{message_id}/threads",
                self.thread_from_message,
            ),
            ("POST", "/channels/{channel_id}/threads", self.thread_without_message),
            ("POST", "/channels/{channel_id}/typing", self.typing),
            ("GET", "/guilds/{guild_id}", self.get_guild),
            ("GET", "/guilds/{guild_id}/channels", self.get_guild_channels),
            ("GET", "/guilds/{guild_id}/roles", self.get_roles),
            ("GET", "/guilds/{guild_id}/members", self.get_members),
            ("GET", "/guilds/{guild_id}/members/{user_id}", self.get_member),
            ("POST", "/interactions/{interaction_id}/{token}/callback", self.interaction_callback),
            ("POST", webhook, self.webhook_execute),
            ("GET", webhook + "/messages/{message_id}", self.webhook_get_message),
            ("PATCH", webhook + "/messages/{message_id}", self.webhook_edit_message),
            ("DELETE", webhook + "/messages/{message_id}", self.webhook_delete_message),
        ]

    # -- gateway, users, application ------------------------------------------------------------

    async def get_gateway(self, request: web.Request) -> web.Response:
        return json_response({"url": self.server.gateway_url})

    async def get_gateway_bot(self, request: web.Request) -> web.Response:
        limit = {"total": 1000, "remaining": 999, "reset_after": 0, "max_concurrency": 1}
        return json_response(
            {"url": self.server.gateway_url, "shards": 1, "session_start_limit": limit}
        )

    async def get_me(self, request: web.Request) -> web.Response:
        me = payloads.user(self.state.bot) | {"verified": True, "mfa_enabled": False, "flags": 0}
        return json_response(me)

    async def get_user(self, request: web.Request) -> web.Response:
        return json_response(payloads.user(self.state.user(int_param(request, "user_id"))))

    async def create_dm(self, request: web.Request) -> web.Response:
        body, _ = await self.body(request)
        channel = self.state.dm_channel(int(body["recipient_id"]))
        return json_response(payloads.channel(self.state, channel))

    async def get_application(self, request: web.Request) -> web.Response:
        bot = self.state.bot
        return json_response(
            {
                "id": str(self.state.application_id),
                "name": bot.name,
                "description": "",
                "icon": None,
                "bot_public": True,
                "bot_require_code_grant": False,
                "owner": payloads.user(self.server.developer),
                "verify_key": "0" * 64,
                "flags": 0,
                "bot": payloads.user(bot),
            }
        )

    # -- application commands -------------------------------------------------------------------

    def _command_scope(self, request: web.Request) -> int | None:
        if int_param(request, "application_id") != self.state.application_id:
            raise ApiError(404, "Unknown Application", UNKNOWN_APPLICATION)
        if "guild_id" not in request.match_info:
            return None
        guild_id = int_param(request, "guild_id")
        self.state.guild(guild_id)
        return guild_id

    async def get_commands(self, request: web.Request) -> web.Response:
        return json_response(self.state.commands.get(self._command_scope(request), []))

    async def put_commands(self, request: web.Request) -> web.Response:
        scope = self._command_scope(request)
        body, _ = await self.body(request)
        return json_response(self.state.set_commands(scope, list(body)))

    async def post_command(self, request: web.Request) -> web.Response:
        scope = self._command_scope(request)
        body, _ = await self.body(request)
        return json_response(self.state.upsert_command(scope, body), 201)

    def _find_command(self, request: web.Request) -> tuple[int | None, Json]:
        scope = self._command_scope(request)
        wanted = request.match_info["command_id"]
        for command in self.state.commands.get(scope, []):
            if command["id"] == wanted:
                return scope, command
        raise ApiError(404, "Unknown application command", UNKNOWN_COMMAND)

    async def get_command(self, request: web.Request) -> web.Response:
        return json_response(self._find_command(request)[1])

    async def delete_command(self, request: web.Request) -> web.Response:
        scope, command = self._find_command(request)
        remaining = [c for c in self.state.commands[scope] if c is not command]
        self.state.set_commands(scope, remaining)
        return no_content()

    # -- channels and messages ------------------------------------------------------------------

    async def get_channel(self, request: web.Request) -> web.Response:
        channel = self.state.channel(int_param(request, "channel_id"))
        return json_response(payloads.channel(self.state, channel))

    async def get_messages(self, request: web.Request) -> web.Response:
        channel = self.state.channel(int_param(request, "channel_id"))
        found = self.state.messages_in(channel.id)
        before, after = request.query.get("before"), request.query.get("after")
        if before:
            found = [m for m in found if m.id < int(before)]
        if after:
            found = [m for m in found if m.id > int(after)]
        limit = int(request.query.get("limit", "50"))
        newest_first = sorted(found, key=lambda m: m.id, reverse=True)[:limit]
        return json_response([payloads.message(self.state, m) for m in newest_first])

    async def post_message(self, request: web.Request) -> web.Response:
        """Create a message; with ``enforce_nonce``, a nonce the author already used
        returns that message and creates nothing (Discord checks the last few minutes;
        the loopback world is short enough to remember them all)."""
        channel = self.state.channel(int_param(request, "channel_id"))
        self.state.check_can_dm(channel)
        body, uploads = await self.body(request)
        nonce = str(body["nonce"]) if body.get("enforce_nonce") and body.get("nonce") else None
        earlier = self.state.nonces.get((self.state.bot.id, nonce)) if nonce else None
        if earlier is not None and earlier in self.state.messages:
            return json_response(payloads.message(self.state, self.state.messages[earlier]))
        message = self.state.create_message(channel.id, self.state.bot, body, uploads)
        if nonce:
            self.state.nonces[(self.state.bot.id, nonce)] = message.id
        return json_response(payloads.message(self.state, message))

    def _message(self, request: web.Request) -> MessageRecord:
        return self.state.message(
            int_param(request, "channel_id"), int_param(request, "message_id")
        )

    async def get_message(self, request: web.Request) -> web.Response:
        message = self._message(request)
        return json_response(payloads.message(self.state, message))

    async def patch_message(self, request: web.Request) -> web.Response:
        message = self._message(request)
        if message.author.id != self.state.bot.id:
            raise ApiError(
                403, "Cannot edit a message authored by another user", CANNOT_EDIT_OTHERS
            )
        body, uploads = await self.body(request)
        self.state.edit_message(message, body, uploads)
        return json_response(payloads.message(self.state, message))

    async def delete_message(self, request: web.Request) -> web.Response:
        message = self._message(request)
        self.state.delete_message(message)
        return no_content()

    async def thread_from_message(self, request: web.Request) -> web.Response:
        channel_id, message_id = int_param(request, "channel_id"), int_param(request, "message_id")
        self.state.message(channel_id, message_id)
        body, _ = await self.body(request)
        thread = self.state.create_thread(
            channel_id,
            str(body["name"]),
            self.state.bot,
            message_id=message_id,
            auto_archive_duration=int(body.get("auto_archive_duration") or 1440),
        )
        return json_response(payloads.channel(self.state, thread), 201)

    async def thread_without_message(self, request: web.Request) -> web.Response:
        body, _ = await self.body(request)
        kind = int(body.get("type") or PRIVATE_THREAD)
        if kind not in THREAD_TYPES:
            kind = PUBLIC_THREAD
        thread = self.state.create_thread(
            int_param(request, "channel_id"),
            str(body["name"]),
            self.state.bot,
            kind=kind,
            auto_archive_duration=int(body.get("auto_archive_duration") or 1440),
        )
        return json_response(payloads.channel(self.state, thread), 201)

    async def typing(self, request: web.Request) -> web.Response:
        self.state.channel(int_param(request, "channel_id"))
        return no_content()

    async def get_attachment(self, request: web.Request) -> web.Response:
        found = self.state.files.get(int_param(request, "attachment_id"))
        if found is None or found[0] != int_param(request, "channel_id"):
            return json_response(NOT_FOUND, 404)
        response = web.Response(body=found[1].data)
        response.headers["Content-Type"] = found[1].content_type or "application/octet-stream"
        return response

    # -- guilds ---------------------------------------------------------------------------------

    async def get_guild(self, request: web.Request) -> web.Response:
        guild = self.state.guild(int_param(request, "guild_id"))
        payload = self.state.guild_payload(guild, all_members=False)
        for gateway_only in ("channels", "threads", "members", "voice_states", "presences"):
            payload.pop(gateway_only, None)
        return json_response(payload)

    async def get_guild_channels(self, request: web.Request) -> web.Response:
        guild = self.state.guild(int_param(request, "guild_id"))
        channels = [self.state.channels[cid] for cid in guild.channel_ids]
        return json_response([payloads.channel(self.state, c) for c in channels if not c.is_thread])

    async def get_roles(self, request: web.Request) -> web.Response:
        guild = self.state.guild(int_param(request, "guild_id"))
        return json_response([payloads.role(self.state.roles[rid]) for rid in guild.role_ids])

    async def get_members(self, request: web.Request) -> web.Response:
        guild = self.state.guild(int_param(request, "guild_id"))
        after = int(request.query.get("after", "0"))
        limit = int(request.query.get("limit", "1"))
        ids = sorted(uid for uid in guild.member_ids if uid > after)[:limit]
        members = [payloads.member(self.state.members[(guild.id, uid)]) for uid in ids]
        return json_response(members)

    async def get_member(self, request: web.Request) -> web.Response:
        member = self.state.member(int_param(request, "guild_id"), int_param(request, "user_id"))
        return json_response(payloads.member(member))
