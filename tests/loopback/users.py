"""Members: the driver tests use to act like people in Discord (guilds.py holds the places).

A member invokes slash commands, autocompletes, clicks buttons, picks from selects, submits
modals, talks in channels and DMs the bot. Each action returns something to assert on; each
wait is bounded and explains itself when it runs out.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

from . import commands, invocations
from .handles import InteractionHandle
from .interactions import (
    APPLICATION_COMMAND,
    AUTOCOMPLETE,
    COMPONENT,
    MODAL_SUBMIT,
    InteractionRecord,
)
from .records import MemberRecord, MessageRecord

if TYPE_CHECKING:
    from .guilds import Channel, Guild
    from .server import LoopbackDiscord

Json = dict[str, Any]

BUTTON, STRING_SELECT, TEXT_INPUT = 2, 3, 4
ENTITY_SELECTS = {5: "users", 6: "roles", 7: "mentionables", 8: "channels"}
LINK_BUTTON_STYLE = 5


class Member:
    def __init__(
        self,
        server: LoopbackDiscord,
        guild: Guild,
        record: MemberRecord,
        channel: Channel | None = None,
    ) -> None:
        self.server = server
        self.guild = guild
        self.record = record
        self.channel = channel or guild.general
        """Where this member invokes commands and talks, unless told otherwise."""

    @property
    def id(self) -> int:
        return self.record.id

    @property
    def name(self) -> str:
        return self.record.user.name

    @property
    def mention(self) -> str:
        return f"<@{self.id}>"

    @property
    def permissions(self) -> int:
        """Guild permissions as interactions report them; assign bits to replace them."""
        return self.server.state.member_permissions(self.guild.id, self.id)

    @permissions.setter
    def permissions(self, value: int | None) -> None:
        self.record.permissions = value

    def at(self, channel: Channel) -> Member:
        """The same member, acting in another channel."""
        return Member(self.server, self.guild, self.record, channel)

    async def _session(self) -> None:
        gateway = self.server.gateway
        await self.server.wait_until(
            lambda: gateway.active_session(), "the bot to hold a gateway session"
        )

    def _handle(self, record: InteractionRecord) -> InteractionHandle:
        return InteractionHandle(self.server, record)

    async def _command_data(
        self, path: str, values: Mapping[str, Any], focused: tuple[str, str] | None = None
    ) -> Json:
        """Build the data once the command is synced: the bot may still be syncing at startup."""
        state = self.server.state
        root = path.strip().lstrip("/").split()[0]

        def synced() -> str:
            names = {
                c["name"] for scope in (self.guild.id, None) for c in state.commands.get(scope, [])
            }
            return f"/{root} to be synced for {self.guild.name} (synced: {sorted(names)})"

        await self.server.wait_until(
            lambda: True if state.find_command(self.guild.id, root) is not None else None, synced
        )
        inv = commands.Invocation(state, self.guild.id, self.id, self.channel.id)
        return commands.command_data(inv, path, dict(values), focused=focused)

    async def invoke(self, command_path: str, /, **options: Any) -> InteractionHandle:
        """Run a slash command, e.g. ``invoke("vitality setup", channel=ch, cadence="monthly")``."""
        await self._session()
        data = await self._command_data(command_path, options)
        record = invocations.dispatch(
            self.server.state,
            kind=APPLICATION_COMMAND,
            user=self.record.user,
            channel_id=self.channel.id,
            data=data,
            label=f"/{command_path.strip().lstrip('/')}",
        )
        return self._handle(record)

    async def autocomplete(
        self, command_path: str, option: str, partial: str, /, **options: Any
    ) -> list[Json]:
        """Type ``partial`` into ``option`` and return the choices the bot offers."""
        await self._session()
        data = await self._command_data(command_path, options, focused=(option, partial))
        record = invocations.dispatch(
            self.server.state,
            kind=AUTOCOMPLETE,
            user=self.record.user,
            channel_id=self.channel.id,
            data=data,
            label=f"autocomplete /{command_path} {option}={partial!r}",
        )
        callback = await self._handle(record).response()
        return callback.choices

    def _component(
        self, message: MessageRecord | int, custom_id: str
    ) -> tuple[MessageRecord, Json]:
        state = self.server.state
        message_id = message if isinstance(message, int) else message.id
        current = state.messages.get(message_id)
        if current is None or current.deleted:
            raise LookupError(f"message {message_id} is gone")
        if current.ephemeral:
            owner = state.interactions.get(current.interaction_id or 0)
            if owner is None or owner.user.id != self.id:
                raise PermissionError("only the member who got an ephemeral message can use it")
        component = current.component(custom_id)
        if component is None:
            raise LookupError(
                f"no component {custom_id!r} on message {message_id}: {current.custom_ids()}"
            )
        if component.get("disabled"):
            raise PermissionError(f"component {custom_id!r} is disabled")
        return current, component

    async def click(self, message: MessageRecord | int, custom_id: str) -> InteractionHandle:
        """Press a button on a message (as it is now, after any edits)."""
        await self._session()
        current, component = self._component(message, custom_id)
        if component.get("type") != BUTTON or component.get("style") == LINK_BUTTON_STYLE:
            raise TypeError(f"{custom_id!r} is not a clickable button: {component}")
        data = {"custom_id": custom_id, "component_type": BUTTON}
        return self._component_interaction(current, data, f"click {custom_id}")

    async def select(
        self, message: MessageRecord | int, custom_id: str, values: Iterable[Any]
    ) -> InteractionHandle:
        """Pick ``values`` in a select: option values, or members/roles/channels by id."""
        await self._session()
        current, component = self._component(message, custom_id)
        kind = component.get("type")
        chosen = list(values)
        low, high = component.get("min_values", 1), component.get("max_values", 1)
        if not low <= len(chosen) <= high:
            raise ValueError(
                f"{custom_id!r} takes between {low} and {high} values, got {len(chosen)}"
            )
        data: Json = {"custom_id": custom_id, "component_type": kind}
        if kind == STRING_SELECT:
            offered = [o["value"] for o in component.get("options") or []]
            unknown = [v for v in chosen if v not in offered]
            if unknown:
                raise ValueError(f"{unknown} are not options of {custom_id!r}: {offered}")
            data["values"] = chosen
        elif kind in ENTITY_SELECTS:
            ids = [commands.id_of(v) for v in chosen]
            data["values"] = [str(i) for i in ids]
            data["resolved"] = self._resolved(ids, custom_id)
        else:
            raise TypeError(f"{custom_id!r} is not a select menu: {component}")
        return self._component_interaction(current, data, f"select {custom_id}={chosen}")

    def _resolved(self, ids: Iterable[int], name: str = "select") -> Json:
        """The ``resolved`` block for users, channels and roles picked by id."""
        inv = commands.Invocation(self.server.state, self.guild.id, self.id, self.channel.id)
        for ident in ids:
            if ident in self.server.state.users:
                commands.resolve_user(inv, ident)
            elif ident in self.server.state.channels:
                commands.resolve_channel(inv, {"name": name}, ident)
            else:
                commands.resolve_role(inv, ident)
        resolved: Json = inv.resolved
        return resolved

    def _component_interaction(
        self, message: MessageRecord, data: Json, label: str
    ) -> InteractionHandle:
        record = invocations.dispatch(
            self.server.state,
            kind=COMPONENT,
            user=self.record.user,
            channel_id=message.channel_id,
            data=data,
            label=label,
            message_id=message.id,
        )
        return self._handle(record)

    async def submit_modal(
        self, opened_by: InteractionHandle, values: Mapping[str, Any]
    ) -> InteractionHandle:
        """Fill and submit the modal the bot opened in answer to ``opened_by``."""
        await self._session()
        modal = await opened_by.wait_modal()
        fields = modal.fields()
        unknown = set(values) - set(fields)
        if unknown:
            raise ValueError(
                f"modal {modal.custom_id!r} has no fields {sorted(unknown)}: {list(fields)}"
            )
        for custom_id, spec in fields.items():
            text = values.get(custom_id)
            if spec.get("type") == STRING_SELECT:
                offered = [o["value"] for o in spec.get("options") or []]
                unknown_values = [v for v in text or [] if v not in offered]
                if unknown_values:
                    raise ValueError(
                        f"{unknown_values} are not options of {custom_id!r}: {offered}"
                    )
                if spec.get("required", True) and not text:
                    raise ValueError(f"modal field {custom_id!r} is required")
            elif spec.get("type") in ENTITY_SELECTS:
                low, high = spec.get("min_values", 1), spec.get("max_values", 1)
                if spec.get("required", True) and not text:
                    raise ValueError(f"modal field {custom_id!r} is required")
                if text and not low <= len(text) <= high:
                    raise ValueError(f"{custom_id!r} takes between {low} and {high} values")
            elif spec.get("type") == TEXT_INPUT:
                size = len(text or "")
                if spec.get("required", True) and not text:
                    raise ValueError(f"modal field {custom_id!r} is required")
                if text and not spec.get("min_length", 0) <= size <= spec.get("max_length", 4000):
                    raise ValueError(f"modal field {custom_id!r}: length {size} out of range")

        def submitted(items: list[Json]) -> list[Json]:
            out: list[Json] = []
            for item in items:
                kind = item.get("type")
                if kind == 1:
                    out.append({"type": 1, "components": submitted(item.get("components") or [])})
                elif kind == 18 and isinstance(item.get("component"), dict):
                    inner = submitted([item["component"]])
                    if inner:
                        out.append({"type": 18, "component": inner[0]})
                elif kind == TEXT_INPUT:
                    out.append(
                        {
                            "type": 4,
                            "custom_id": item["custom_id"],
                            "value": values.get(item["custom_id"]) or "",
                        }
                    )
                elif "custom_id" in item:
                    picked = values.get(item["custom_id"]) or []
                    out.append(
                        {
                            "type": kind,
                            "custom_id": item["custom_id"],
                            "values": [str(v) for v in picked],
                        }
                    )
            return out

        opener = opened_by.record
        data: Json = {"custom_id": modal.custom_id, "components": submitted(modal.components)}
        picked = [
            commands.id_of(v)
            for key, spec in fields.items()
            if spec.get("type") in ENTITY_SELECTS
            for v in values.get(key) or []
        ]
        if picked:  # Discord resolves the users, roles and channels picked, as for a select
            data["resolved"] = self._resolved(picked)
        record = invocations.dispatch(
            self.server.state,
            kind=MODAL_SUBMIT,
            user=self.record.user,
            channel_id=opener.channel_id,
            data=data,
            label=f"submit modal {modal.custom_id}",
            message_id=opener.message_id,
        )
        return self._handle(record)

    async def say(
        self, content: str, *, channel: Channel | None = None, reply_to: MessageRecord | None = None
    ) -> MessageRecord:
        """Post a message as this member (MESSAGE_CREATE reaches bots with guild_messages)."""
        body: Json = {"content": content}
        if reply_to is not None:
            body["message_reference"] = {
                "message_id": str(reply_to.id),
                "channel_id": str(reply_to.channel_id),
            }
        target = channel or self.channel
        return self.server.state.create_message(target.id, self.record.user, body)

    async def dm(self, content: str) -> MessageRecord:
        """Send the bot a direct message (MESSAGE_CREATE with direct_messages)."""
        channel = self.server.state.dm_channel(self.id)
        return self.server.state.create_message(channel.id, self.record.user, {"content": content})

    @property
    def dms(self) -> list[MessageRecord]:
        """Everything in this member's DM with the bot, oldest first."""
        return self.server.dms_with(self.id)
