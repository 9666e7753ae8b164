"""Requests as the loopback server records them, and what every route uses to answer them.

discord.py decodes a body as JSON only when Content-Type is exactly ``application/json`` (no
charset suffix), so ``json_response`` sets that header by hand rather than through aiohttp's
helpers.
"""

from __future__ import annotations

import json
import re
import time
from dataclasses import dataclass, field
from typing import Any

from aiohttp import BodyPartReader, web

from .errors import ApiError
from .records import Upload

Json = dict[str, Any]

API_PREFIX = "/api/v10"
UNAUTHORIZED = {"message": "401: Unauthorized", "code": 0}
NOT_FOUND = {"message": "404: Not Found", "code": 0}
METHOD_NOT_ALLOWED = {"message": "405: Method Not Allowed", "code": 0}
INVALID_JSON = 50109
CANNOT_EDIT_OTHERS = 50005
UNKNOWN_APPLICATION = 10002
UNKNOWN_COMMAND = 10063
INTERACTION_ROUTES = ("/interactions/", "/webhooks/")
"""Authorised by the interaction token and exempt from the global limit, as on Discord."""


def json_response(
    data: Any, status: int = 200, headers: dict[str, str] | None = None
) -> web.Response:
    response = web.Response(body=json.dumps(data).encode(), status=status, headers=headers)
    response.headers["Content-Type"] = "application/json"
    return response


def no_content() -> web.Response:
    return web.Response(status=204)


@dataclass
class RequestRecord:
    """One request the bot made: tests count them and read what was unhandled."""

    method: str
    path: str
    route: str | None
    query: dict[str, str]
    status: int = 0
    body: Json | list[Any] | None = None
    files: list[str] = field(default_factory=list)
    received_at: float = field(default_factory=time.time)
    """Wall-clock time (``time.time()``) the request reached the server, before any limit."""
    peer: str | None = None
    """The client's address and port: which of its connections the request came on."""

    def __str__(self) -> str:
        return f"{self.method} {self.path} -> {self.status}"

    @property
    def counts_globally(self) -> bool:
        """Whether Discord counts it towards the bot's global limit (interaction replies do not)."""
        return self.route is not None and not self.route.startswith(INTERACTION_ROUTES)


ID_PARAM = re.compile(r"\{(\w+_id)\}")
RECORD_KEY = web.RequestKey("loopback_record", RequestRecord)


def digits_only(path: str) -> str:
    """Constrain id parameters to digits, except a webhook message id, which may be @original."""

    def constrain(match: re.Match[str]) -> str:
        name = match.group(1)
        if path.startswith("/webhooks/") and name == "message_id":
            return match.group(0)
        return "{" + name + r":\d+}"

    return ID_PARAM.sub(constrain, path)


def int_param(request: web.Request, key: str) -> int:
    try:
        return int(request.match_info[key])
    except ValueError:
        raise ApiError(404, "404: Not Found") from None


def flag_param(request: web.Request, key: str) -> bool:
    return request.query.get(key, "").lower() in ("1", "true")


async def read_body(request: web.Request) -> tuple[Any, list[Upload]]:
    """The JSON body (or a multipart's payload_json) and any uploaded files, noted on the
    request's record."""
    record = request[RECORD_KEY]
    if request.content_type.startswith("multipart/"):
        body: Any = {}
        uploads: list[Upload] = []
        reader = await request.multipart()
        while (part := await reader.next()) is not None:
            if not isinstance(part, BodyPartReader) or not part.name:
                continue
            if part.name == "payload_json":
                body = json.loads(await part.text())
            elif part.name.startswith("files["):
                data = bytes(await part.read(decode=False))
                index = int(part.name[len("files[") : -1])
                uploads.append(Upload(index, part.filename or part.name, data))
        record.body = body
        record.files = [u.filename for u in uploads]
        return body, uploads
    if not request.can_read_body:
        return {}, []
    try:
        body = await request.json()
    except ValueError:
        raise ApiError(400, "The request body contains invalid JSON.", INVALID_JSON) from None
    record.body = body
    return body, []
