"""Turn "vitality setup" + keyword options into the data of an APPLICATION_COMMAND interaction.

Works only from what the bot synced, as a Discord client does: an unsynced command, an unknown
option, a missing required option or a value outside the choices fails here, loudly.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from . import payloads
from .records import Attachment

if TYPE_CHECKING:
    from .state import LoopbackState

Json = dict[str, Any]

SUBCOMMAND, GROUP = 1, 2
STRING, INTEGER, BOOLEAN, USER, CHANNEL, ROLE, MENTIONABLE, NUMBER, ATTACHMENT = (
    3, 4, 5, 6, 7, 8, 9, 10, 11
)  # fmt: skip
SNOWFLAKE_TYPES = {USER, CHANNEL, ROLE, MENTIONABLE}


@dataclass
class Invocation:
    """Who invokes where; what option conversion needs to resolve users, roles and channels."""

    state: LoopbackState
    guild_id: int
    user_id: int
    channel_id: int
    resolved: dict[str, dict[str, Json]] = field(default_factory=dict)

    def add_resolved(self, kind: str, ident: int, payload: Json) -> None:
        self.resolved.setdefault(kind, {})[str(ident)] = payload


def id_of(value: Any) -> int:
    ident = getattr(value, "id", value)
    if isinstance(ident, bool) or not isinstance(ident, int):
        raise TypeError(f"expected an object with an id or an int, got {value!r}")
    return ident


def _names(options: list[Json], kinds: set[int] | None = None) -> list[str]:
    return [o["name"] for o in options if kinds is None or o.get("type") in kinds]


def find_leaf(state: LoopbackState, guild_id: int, path: str) -> tuple[Json, list[Json], Json]:
    """(root command, [group/subcommand options walked], leaf node whose options are values)."""
    tokens = path.strip().lstrip("/").split()
    if not tokens:
        raise ValueError("empty command path")
    command = state.find_command(guild_id, tokens[0])
    if command is None:
        synced = sorted(
            {c["name"] for scope in (guild_id, None) for c in state.commands.get(scope, [])}
        )
        raise LookupError(f"/{tokens[0]} is not synced for this guild; synced commands: {synced}")
    node, chain = command, []
    for token in tokens[1:]:
        children = node.get("options") or []
        sub = next(
            (o for o in children if o["name"] == token and o.get("type") in (SUBCOMMAND, GROUP)),
            None,
        )
        if sub is None:
            raise LookupError(
                f"/{' '.join(tokens)}: no subcommand {token!r}; "
                f"choices: {_names(children, {SUBCOMMAND, GROUP})}"
            )
        chain.append(sub)
        node = sub
    remaining = _names(node.get("options") or [], {SUBCOMMAND, GROUP})
    if remaining:
        raise LookupError(f"/{' '.join(tokens)} needs a subcommand: {remaining}")
    return command, chain, node


def _check_choices(spec: Json, value: Any) -> None:
    choices = spec.get("choices")
    if choices and value not in [c["value"] for c in choices]:
        names = [c["value"] for c in choices]
        raise ValueError(f"option {spec['name']!r}: {value!r} is not one of the choices {names}")


def _check_range(spec: Json, value: Any) -> None:
    name = spec["name"]
    if spec["type"] == STRING:
        size = len(value)
        if size < spec.get("min_length", 0) or size > spec.get("max_length", 6000):
            raise ValueError(f"option {name!r}: length {size} is outside the allowed range")
        return
    low, high = spec.get("min_value"), spec.get("max_value")
    if (low is not None and value < low) or (high is not None and value > high):
        raise ValueError(f"option {name!r}: {value} is outside [{low}, {high}]")


def resolve_user(inv: Invocation, ident: int) -> None:
    state = inv.state
    inv.add_resolved("users", ident, payloads.user(state.user(ident)))
    member = state.members.get((inv.guild_id, ident))
    if member is not None:
        bits = state.member_permissions(inv.guild_id, ident)
        inv.add_resolved(
            "members", ident, payloads.member(member, with_user=False, permissions=bits)
        )


def resolve_channel(inv: Invocation, spec: Json, ident: int) -> None:
    state = inv.state
    channel = state.channel(ident)
    allowed = spec.get("channel_types")
    if allowed and channel.type not in allowed:
        raise ValueError(f"option {spec['name']!r}: channel type {channel.type} not in {allowed}")
    bits = state.member_permissions(inv.guild_id, inv.user_id)
    inv.add_resolved(
        "channels", ident, payloads.channel(state, channel) | {"permissions": str(bits)}
    )


def resolve_role(inv: Invocation, ident: int) -> None:
    role = inv.state.roles.get(ident)
    if role is None or role.guild_id != inv.guild_id:
        raise ValueError(f"role {ident} is not in this guild")
    inv.add_resolved("roles", ident, payloads.role(role))


def _resolve_attachment(inv: Invocation, value: Any) -> int:
    filename, data = value
    state = inv.state
    attachment = Attachment(state.ids.next(), str(filename), bytes(data))
    state.files[attachment.id] = (inv.channel_id, attachment)
    url = payloads.attachment_url(state, inv.channel_id, attachment.id, attachment.filename)
    inv.add_resolved(
        "attachments",
        attachment.id,
        {
            "id": str(attachment.id),
            "filename": attachment.filename,
            "size": len(attachment.data),
            "url": url,
            "proxy_url": url,
        },
    )
    return attachment.id


def convert(inv: Invocation, spec: Json, value: Any) -> Any:
    """A Python value -> the option ``value`` Discord sends, adding resolved data on the way."""
    kind = spec["type"]
    name = spec["name"]
    if kind == STRING and isinstance(value, str):
        _check_choices(spec, value)
        _check_range(spec, value)
        return value
    if kind in (INTEGER, NUMBER) and isinstance(value, int | float) and not isinstance(value, bool):
        if kind == INTEGER and not float(value).is_integer():
            raise ValueError(f"option {name!r} takes an integer, got {value!r}")
        value = int(value) if kind == INTEGER else value
        _check_choices(spec, value)
        _check_range(spec, value)
        return value
    if kind == BOOLEAN and isinstance(value, bool):
        return value
    if kind == ATTACHMENT and isinstance(value, tuple):
        return str(_resolve_attachment(inv, value))
    if kind in SNOWFLAKE_TYPES:
        ident = id_of(value)
        if kind == USER or (kind == MENTIONABLE and ident in inv.state.users):
            resolve_user(inv, ident)
        elif kind == CHANNEL:
            resolve_channel(inv, spec, ident)
        else:
            resolve_role(inv, ident)
        return str(ident)
    raise TypeError(f"option {name!r} (type {kind}) cannot take {value!r}")


def command_data(
    inv: Invocation,
    path: str,
    values: dict[str, Any],
    *,
    focused: tuple[str, str] | None = None,
) -> Json:
    """The ``data`` of an APPLICATION_COMMAND (or, with ``focused``, AUTOCOMPLETE) interaction."""
    command, chain, leaf = find_leaf(inv.state, inv.guild_id, path)
    specs = {o["name"]: o for o in leaf.get("options") or []}
    unknown = set(values) - set(specs) | ({focused[0]} - set(specs) if focused else set())
    if unknown:
        raise ValueError(f"/{path}: unknown options {sorted(unknown)}; it takes {list(specs)}")
    options: list[Json] = []
    for name, spec in specs.items():
        if focused is not None and name == focused[0]:
            if not spec.get("autocomplete"):
                raise ValueError(f"/{path}: option {name!r} has no autocomplete")
            options.append(
                {"name": name, "type": spec["type"], "value": focused[1], "focused": True}
            )
        elif name in values:
            if focused is not None:
                # Discord sends the raw typed values while autocompleting, without resolved data.
                raw = values[name]
                value = str(id_of(raw)) if spec["type"] in SNOWFLAKE_TYPES else raw
            else:
                value = convert(inv, spec, values[name])
            options.append({"name": name, "type": spec["type"], "value": value})
        elif spec.get("required") and focused is None:
            raise ValueError(f"/{path}: required option {name!r} is missing")
    for sub in reversed(chain):
        options = [{"name": sub["name"], "type": sub["type"], "options": options}]
    data: Json = {"id": command["id"], "name": command["name"], "type": 1}
    if options:
        data["options"] = options
    if inv.resolved and focused is None:
        data["resolved"] = inv.resolved
    if "guild_id" in command:
        data["guild_id"] = command["guild_id"]
    return data
