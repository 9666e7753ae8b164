"""The gateway websocket: JSON text frames, sessions, sequence numbers, RESUME and its replay.

One Session per IDENTIFY. Every dispatch gets the session's next sequence number and is kept in
a bounded buffer, whether or not a socket is attached, so a client that RESUMEs after a drop or
an op 7 receives exactly the events it missed. A session that IDENTIFYs with ``shard: [id, n]``
gets, as on Discord, only the guilds of that shard ((guild_id >> 22) % n == id) in READY and
afterwards, and events outside any guild (DMs) only on shard 0. Frames are always uncompressed
text: discord.py asks for ``compress=zlib-stream`` in the URL but decodes text frames without
touching zlib.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import uuid
from typing import TYPE_CHECKING, Any

from aiohttp import WSMsgType, web

from . import intents, payloads
from .records import Event
from .sessions import Connection, ConnectionLog, Session, encode_frame

if TYPE_CHECKING:
    from .state import LoopbackState

Json = dict[str, Any]
log = logging.getLogger(__name__)

HEARTBEAT, IDENTIFY, PRESENCE, VOICE_STATE, RESUME = 1, 2, 3, 4, 6  # DISPATCH: sessions.py
RECONNECT, REQUEST_MEMBERS, INVALID_SESSION, HELLO, HEARTBEAT_ACK = 7, 8, 9, 10, 11

UNKNOWN_OPCODE, DECODE_ERROR, NOT_AUTHENTICATED = 4001, 4002, 4003
AUTHENTICATION_FAILED, ALREADY_AUTHENTICATED, DISALLOWED_INTENTS = 4004, 4005, 4014
CLEAN_CLOSE_CODES = frozenset({1000, 1001})
"""A client closing with these ends its session for good, as on Discord."""


class Gateway:
    def __init__(
        self,
        state: LoopbackState,
        *,
        token: str,
        heartbeat_interval: float,
        resume_url: str,
        buffer_size: int = 2000,
    ) -> None:
        self.state = state
        self.token = token
        self.heartbeat_interval = heartbeat_interval
        self.resume_url = resume_url
        self.buffer_size = buffer_size
        self.privileged_intents_enabled = True
        self.sessions: dict[str, Session] = {}
        self.connections: list[Connection] = []
        self.log: list[ConnectionLog] = []
        self.heartbeats = 0
        self._open = asyncio.Event()
        self._open.set()

    # -- what tests look at ---------------------------------------------------------------------

    @property
    def identifies(self) -> int:
        return sum(1 for entry in self.log if entry.mode == "identify")

    @property
    def resumes(self) -> int:
        return sum(1 for entry in self.log if entry.mode == "resume")

    def active_session(self) -> Session | None:
        """The newest session still valid (connected or resumable)."""
        valid = [s for s in self.sessions.values() if not s.invalid]
        return valid[-1] if valid else None

    def live_connections(self) -> list[Connection]:
        return [c for c in self.connections if c.live and c.session is not None]

    # -- dispatch -------------------------------------------------------------------------------

    def emit(self, event: Event) -> None:
        for session in list(self.sessions.values()):
            if not session.invalid and session.accepts(event):
                session.dispatch(event.name, session.shape(event))

    # -- the socket -----------------------------------------------------------------------------

    async def handle(self, request: web.Request) -> web.WebSocketResponse:
        ws = web.WebSocketResponse(max_msg_size=16 * 1024 * 1024)
        await ws.prepare(request)
        connection = Connection(ws, request, ConnectionLog(request.path, dict(request.query)))
        self.log.append(connection.log)
        self.connections.append(connection)
        writer = asyncio.create_task(connection.write_loop())
        try:
            await self._open.wait()
            connection.send(
                encode_frame(HELLO, {"heartbeat_interval": int(self.heartbeat_interval * 1000)})
            )
            async for message in ws:
                if message.type is not WSMsgType.TEXT:
                    await ws.close(code=DECODE_ERROR, message=b"Error while decoding payload.")
                    break
                await self._receive(connection, message.data)
        finally:
            connection.stop_writing()
            writer.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await writer
            self._detach(connection, ws.close_code)
            connection.closed.set()
            self.state.touch()
        return ws

    def _detach(self, connection: Connection, code: int | None) -> None:
        connection.log.close_code = code
        self.connections.remove(connection)
        session = connection.session
        if session is None or session.connection is not connection:
            return
        session.connection = None
        if code in CLEAN_CLOSE_CODES:
            self._invalidate(session)

    def _invalidate(self, session: Session) -> None:
        session.invalid = True
        self.sessions.pop(session.id, None)

    async def _receive(self, connection: Connection, text: str) -> None:
        try:
            message = json.loads(text)
            op, data = message["op"], message.get("d")
        except (ValueError, KeyError, TypeError):
            await connection.ws.close(code=DECODE_ERROR, message=b"Error while decoding payload.")
            return
        if op == HEARTBEAT:
            self.heartbeats += 1
            connection.send(encode_frame(HEARTBEAT_ACK, None))
        elif op == IDENTIFY:
            await self._identify(connection, data)
        elif op == RESUME:
            self._resume(connection, data)
        elif op == REQUEST_MEMBERS:
            await self._request_members(connection, data)
        elif op in (PRESENCE, VOICE_STATE):
            return
        else:
            await connection.ws.close(code=UNKNOWN_OPCODE, message=b"Unknown opcode.")

    async def _identify(self, connection: Connection, data: Json) -> None:
        if connection.session is not None:
            await connection.ws.close(code=ALREADY_AUTHENTICATED, message=b"Already authenticated.")
            return
        if data.get("token") != self.token:
            await connection.ws.close(code=AUTHENTICATION_FAILED, message=b"Authentication failed.")
            return
        wanted = int(data.get("intents", 0))
        if wanted & intents.PRIVILEGED and not self.privileged_intents_enabled:
            await connection.ws.close(code=DISALLOWED_INTENTS, message=b"Disallowed intent(s).")
            return
        session = Session(uuid.uuid4().hex, self.token, wanted, self.buffer_size)
        if isinstance(data.get("shard"), list) and len(data["shard"]) == 2:
            session.shard = (int(data["shard"][0]), int(data["shard"][1]))
        self.sessions[session.id] = session
        session.connection = connection
        connection.session = session
        connection.log.mode = "identify"
        connection.log.session_id = session.id
        state = self.state
        ready: Json = {
            "v": 10,
            "user": payloads.user(state.bot) | {"verified": True, "mfa_enabled": False, "flags": 0},
            "guilds": [
                {"id": str(gid), "unavailable": True} for gid in state.guilds if session.owns(gid)
            ],
            "session_id": session.id,
            "resume_gateway_url": self.resume_url,
            "application": {"id": str(state.application_id), "flags": 0},
            "private_channels": [],
            "relationships": [],
            "presences": [],
            "user_settings": {},
            "session_type": "normal",
        }
        if "shard" in data:
            ready["shard"] = data["shard"]
        session.dispatch("READY", ready)
        if wanted & intents.GUILDS:
            with_members = bool(wanted & intents.GUILD_PRESENCES)
            for guild in [g for g in state.guilds.values() if session.owns(g.id)]:
                session.dispatch(
                    "GUILD_CREATE", state.guild_payload(guild, all_members=with_members)
                )
        state.touch()

    def _resume(self, connection: Connection, data: Json) -> None:
        session = self.sessions.get(str(data.get("session_id")))
        seq = int(data.get("seq") or 0)
        connection.log.resumed_from = seq
        if (
            session is None
            or session.invalid
            or data.get("token") != session.token
            or not session.can_resume_from(seq)
        ):
            connection.log.mode = "resume-rejected"
            connection.send(encode_frame(INVALID_SESSION, False))
            return
        previous = session.connection
        if previous is not None and previous is not connection:
            previous.stop_writing()
            asyncio.get_running_loop().create_task(previous.ws.close(code=4000))
        session.connection = connection
        connection.session = session
        connection.log.mode = "resume"
        connection.log.session_id = session.id
        for number, name, frame in list(session.buffer):
            if number > seq:
                connection.send(frame)
                connection.log.replayed.append(name)
        session.dispatch("RESUMED", {})
        self.state.touch()

    async def _request_members(self, connection: Connection, data: Json) -> None:
        session = connection.session
        if session is None:
            await connection.ws.close(code=NOT_AUTHENTICATED, message=b"Not authenticated.")
            return
        state = self.state
        guild = state.guilds.get(int(data["guild_id"]))
        if guild is None:
            return
        wanted = {int(uid) for uid in data.get("user_ids") or []}
        query = str(data.get("query") or "").lower()
        limit = int(data.get("limit") or 0) or len(guild.member_ids)

        def matches(uid: int) -> bool:
            return uid in wanted if wanted else state.users[uid].name.lower().startswith(query)

        members = [state.members[(guild.id, uid)] for uid in guild.member_ids if matches(uid)]
        members = members[:limit]
        chunk: Json = {
            "guild_id": str(guild.id),
            "members": [payloads.member(member) for member in members],
            "chunk_index": 0,
            "chunk_count": 1,
        }
        if data.get("nonce"):
            chunk["nonce"] = data["nonce"]
        session.dispatch("GUILD_MEMBERS_CHUNK", chunk)

    # -- faults tests inject --------------------------------------------------------------------

    def hold(self) -> None:
        """New sockets wait before HELLO until release(): an outage the client must sit out."""
        self._open.clear()

    def release(self) -> None:
        self._open.set()

    async def drop(self, *, within: float) -> None:
        connections = self.live_connections()
        if not connections:
            raise RuntimeError("no live gateway connection to drop")
        for connection in connections:
            connection.abort()
        await self._closed(connections, within)

    async def send_reconnect(self, *, within: float) -> None:
        connections = self.live_connections()
        if not connections:
            raise RuntimeError("no live gateway connection to send op 7 to")
        for connection in connections:
            connection.send(encode_frame(RECONNECT, None))
            connection.stop_writing()
        await self._closed(connections, within)

    def invalidate(self, *, resumable: bool) -> None:
        for connection in self.live_connections():
            connection.send(encode_frame(INVALID_SESSION, resumable))
            if not resumable and connection.session is not None:
                self._invalidate(connection.session)
                connection.stop_writing()

    async def _closed(self, connections: list[Connection], within: float) -> None:
        waits = [asyncio.ensure_future(c.closed.wait()) for c in connections]
        _, pending = await asyncio.wait(waits, timeout=within)
        for waiter in pending:
            waiter.cancel()
        if pending:
            raise AssertionError(f"the client did not close the gateway socket within {within}s")

    async def close_all(self) -> None:
        self.release()
        for connection in list(self.connections):
            connection.stop_writing()
            await connection.ws.close(code=1001, message=b"Loopback server stopping.")
