"""The REST routes of interactions: the callback, and the follow-up webhook's messages.

Mixed into ``RestApi`` (rest.py), which registers them with the others and supplies the
state and the body reading they use.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from aiohttp import web

from . import interactions, payloads
from .errors import UNKNOWN_CHANNEL, UNKNOWN_MESSAGE, not_found
from .records import Upload
from .requests import RECORD_KEY, flag_param, int_param, json_response, no_content

if TYPE_CHECKING:
    from .state import LoopbackState


class InteractionRoutes:
    state: LoopbackState

    async def body(self, request: web.Request) -> tuple[Any, list[Upload]]:
        raise NotImplementedError  # RestApi reads it, as for every route

    async def interaction_callback(self, request: web.Request) -> web.Response:
        record = interactions.find(
            self.state, int_param(request, "interaction_id"), request.match_info["token"]
        )
        body, uploads = await self.body(request)
        received_at = request[RECORD_KEY].received_at
        answer = interactions.respond(self.state, record, body, uploads, received_at=received_at)
        return json_response(answer) if flag_param(request, "with_response") else no_content()

    def _interaction(self, request: web.Request) -> interactions.InteractionRecord:
        return interactions.by_token(
            self.state, int_param(request, "webhook_id"), request.match_info["token"]
        )

    def _webhook_message(self, request: web.Request) -> tuple[interactions.InteractionRecord, Any]:
        record = self._interaction(request)
        wanted = request.match_info["message_id"]
        if wanted == "@original":
            return record, interactions.original(self.state, record)
        if not wanted.isdigit():
            raise not_found("Message", UNKNOWN_MESSAGE)
        return record, interactions.own_message(self.state, record, int(wanted))

    async def webhook_execute(self, request: web.Request) -> web.Response:
        record = self._interaction(request)
        if record.channel_id not in self.state.channels:
            raise not_found("Channel", UNKNOWN_CHANNEL)
        body, uploads = await self.body(request)
        message = interactions.followup(self.state, record, body, uploads)
        if flag_param(request, "wait"):
            return json_response(payloads.message(self.state, message))
        return no_content()

    async def webhook_get_message(self, request: web.Request) -> web.Response:
        _, message = self._webhook_message(request)
        return json_response(payloads.message(self.state, message))

    async def webhook_edit_message(self, request: web.Request) -> web.Response:
        record, message = self._webhook_message(request)
        body, uploads = await self.body(request)
        if message.id == record.original_id:
            interactions.edit_original(self.state, record, body, uploads)
        else:
            self.state.edit_message(message, body, uploads)
        return json_response(payloads.message(self.state, message))

    async def webhook_delete_message(self, request: web.Request) -> web.Response:
        _, message = self._webhook_message(request)
        self.state.delete_message(message)
        return no_content()
