"""One gateway socket and the session it carries: frames, the write queue, sequence numbers.

``gateway.py`` answers the protocol (IDENTIFY, RESUME, requests for members, injected
faults); what it keeps about each socket and each session is here.
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections import deque
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

from . import intents
from .records import Event

Json = dict[str, Any]
log = logging.getLogger(__name__)

DISPATCH = 0  # the opcode of every event a session sends


def encode_frame(op: int, d: Any, *, seq: int | None = None, name: str | None = None) -> str:
    payload: Json = {"op": op, "d": d, "s": seq, "t": name}
    return json.dumps(payload)


@dataclass
class ConnectionLog:
    """What happened on one socket, for tests to assert (e.g. that a resume replayed events)."""

    path: str
    query: dict[str, str]
    mode: str = "pending"
    """"identify", "resume", "resume-rejected", or "pending" if it never got that far."""
    session_id: str | None = None
    resumed_from: int | None = None
    replayed: list[str] = field(default_factory=list)
    close_code: int | None = None


class Connection:
    def __init__(self, ws: web.WebSocketResponse, request: web.Request, record: ConnectionLog):
        self.ws = ws
        self.request = request
        self.log = record
        self.session: Session | None = None
        self.live = True
        """False once the server stops feeding it: aborted, or told to reconnect."""
        self.closed = asyncio.Event()
        self._queue: asyncio.Queue[str | None] = asyncio.Queue()

    def send(self, frame: str) -> None:
        if self.live:
            self._queue.put_nowait(frame)

    async def write_loop(self) -> None:
        while (frame := await self._queue.get()) is not None:
            if self.ws.closed:
                return
            try:
                await self.ws.send_str(frame)
            except (ConnectionError, RuntimeError):
                return

    def stop_writing(self) -> None:
        self.live = False
        self._queue.put_nowait(None)

    def abort(self) -> None:
        """Cut the TCP connection with no close frame: what a network failure looks like."""
        self.live = False
        transport = self.request.transport
        if transport is not None:
            transport.abort()


@dataclass
class Session:
    id: str
    token: str
    intents: int
    buffer_size: int
    seq: int = 0
    connection: Connection | None = None
    invalid: bool = False
    dispatched: list[str] = field(default_factory=list)
    shard: tuple[int, int] | None = None
    """(shard id, shard count) when the client identified as a shard."""
    buffer: deque[tuple[int, str, str]] = field(init=False)

    def __post_init__(self) -> None:
        self.buffer = deque(maxlen=self.buffer_size)

    def dispatch(self, name: str, payload: Json) -> int:
        self.seq += 1
        frame = encode_frame(DISPATCH, payload, seq=self.seq, name=name)
        self.buffer.append((self.seq, name, frame))
        self.dispatched.append(name)
        if self.connection is not None:
            self.connection.send(frame)
        return self.seq

    def accepts(self, event: Event) -> bool:
        wanted = event.intent is None or bool(self.intents & event.intent)
        return wanted and self.owns(guild_of(event))

    def owns(self, guild_id: int | None) -> bool:
        """Whether this session's shard receives the guild's events (None: no guild, a DM)."""
        if self.shard is None:
            return True
        shard_id, count = self.shard
        if guild_id is None:
            return shard_id == 0
        return (guild_id >> 22) % count == shard_id

    def shape(self, event: Event) -> Json:
        """Without the message_content intent, others' messages arrive blanked."""
        if not event.private_content or self.intents & intents.MESSAGE_CONTENT:
            return event.payload
        payload = dict(event.payload, content="", embeds=[], attachments=[], components=[])
        payload.pop("poll", None)
        return payload

    def can_resume_from(self, seq: int) -> bool:
        if seq > self.seq:
            return False
        return not self.buffer or seq >= self.buffer[0][0] - 1


GUILD_EVENTS = frozenset({"GUILD_CREATE", "GUILD_UPDATE", "GUILD_DELETE"})
"""Events whose payload is the guild itself (its id under "id", not "guild_id")."""


def guild_of(event: Event) -> int | None:
    raw = event.payload.get("id" if event.name in GUILD_EVENTS else "guild_id")
    return int(raw) if raw else None
