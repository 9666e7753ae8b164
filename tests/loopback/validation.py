"""The limits Discord enforces on what a bot sends, so a product bug fails here as it would live."""

from __future__ import annotations

import re
from typing import Any

from .errors import CANNOT_SEND_EMPTY, ApiError, FormErrors
from .records import COMPONENTS_V2

CONTENT_MAX = 2000
EMBEDS_MAX = 10
EMBED_TOTAL_MAX = 6000
EMBED_LIMITS = {"title": 256, "description": 4096}
FIELDS_MAX = 25
FIELD_NAME_MAX = 256
FIELD_VALUE_MAX = 1024
FOOTER_MAX = 2048
AUTHOR_MAX = 256
ACTION_ROWS_MAX = 5
CUSTOM_ID_MAX = 100
BUTTON_LABEL_MAX = 80
SELECT_OPTIONS_MAX = 25

COMMAND_NAME = re.compile(r"[-_\w]{1,32}")
COMMAND_DESCRIPTION_MAX = 100
OPTIONS_MAX = 25
CHOICES_MAX = 25
SUBCOMMAND, SUBCOMMAND_GROUP = 1, 2


def _too_long(errors: FormErrors, path: list[str | int], text: Any, limit: int) -> None:
    if isinstance(text, str) and len(text) > limit:
        errors.add(path, "BASE_TYPE_MAX_LENGTH", f"Must be {limit} or fewer in length.")


def _embed_length(embed: dict[str, Any]) -> int:
    total = len(embed.get("title") or "") + len(embed.get("description") or "")
    total += len((embed.get("footer") or {}).get("text") or "")
    total += len((embed.get("author") or {}).get("name") or "")
    for item in embed.get("fields") or []:
        total += len(item.get("name") or "") + len(item.get("value") or "")
    return total


def _check_embeds(errors: FormErrors, embeds: list[dict[str, Any]]) -> None:
    if len(embeds) > EMBEDS_MAX:
        errors.add(["embeds"], "BASE_TYPE_MAX_LENGTH", f"Must be {EMBEDS_MAX} or fewer in length.")
    total = 0
    for index, embed in enumerate(embeds):
        for key, limit in EMBED_LIMITS.items():
            _too_long(errors, ["embeds", index, key], embed.get(key), limit)
        fields = embed.get("fields") or []
        if len(fields) > FIELDS_MAX:
            errors.add(["embeds", index, "fields"], "BASE_TYPE_MAX_LENGTH", "Too many fields.")
        for number, item in enumerate(fields):
            where: list[str | int] = ["embeds", index, "fields", number]
            _too_long(errors, [*where, "name"], item.get("name"), FIELD_NAME_MAX)
            _too_long(errors, [*where, "value"], item.get("value"), FIELD_VALUE_MAX)
            if not item.get("name") or not item.get("value"):
                errors.add(where, "BASE_TYPE_REQUIRED", "Fields need a name and a value.")
        _too_long(
            errors,
            ["embeds", index, "footer", "text"],
            (embed.get("footer") or {}).get("text"),
            FOOTER_MAX,
        )
        _too_long(
            errors,
            ["embeds", index, "author", "name"],
            (embed.get("author") or {}).get("name"),
            AUTHOR_MAX,
        )
        total += _embed_length(embed)
    if total > EMBED_TOTAL_MAX:
        errors.add(["embeds"], "MAX_EMBED_SIZE_EXCEEDED", "Embed size exceeds maximum size of 6000")


def _check_components(errors: FormErrors, components: list[dict[str, Any]], flags: int) -> None:
    if not flags & COMPONENTS_V2 and len(components) > ACTION_ROWS_MAX:
        errors.add(["components"], "BASE_TYPE_MAX_LENGTH", "Must be 5 or fewer in length.")
    seen: set[str] = set()

    def walk(items: list[dict[str, Any]], path: list[str | int]) -> None:
        for index, item in enumerate(items):
            where = [*path, index]
            custom_id = item.get("custom_id")
            if custom_id is not None:
                _too_long(errors, [*where, "custom_id"], custom_id, CUSTOM_ID_MAX)
                if custom_id in seen:
                    errors.add(
                        [*where, "custom_id"],
                        "COMPONENT_CUSTOM_ID_DUPLICATED",
                        "Duplicate custom_id.",
                    )
                seen.add(custom_id)
            _too_long(errors, [*where, "label"], item.get("label"), BUTTON_LABEL_MAX)
            if len(item.get("options") or []) > SELECT_OPTIONS_MAX:
                errors.add(
                    [*where, "options"], "BASE_TYPE_MAX_LENGTH", "Must be 25 or fewer in length."
                )
            walk(item.get("components") or [], [*where, "components"])

    walk(components, ["components"])


def check_message(body: dict[str, Any], *, has_files: bool, creating: bool) -> None:
    """Raise ApiError when Discord would refuse this message body."""
    errors = FormErrors()
    _too_long(errors, ["content"], body.get("content"), CONTENT_MAX)
    _check_embeds(errors, body.get("embeds") or [])
    _check_components(errors, body.get("components") or [], int(body.get("flags") or 0))
    errors.raise_if_any()
    if creating and not (
        body.get("content")
        or body.get("embeds")
        or body.get("components")
        or body.get("sticker_ids")
        or body.get("poll")
        or has_files
    ):
        raise ApiError(400, "Cannot send an empty message", CANNOT_SEND_EMPTY)


def _check_options(
    errors: FormErrors, options: list[dict[str, Any]], path: list[str | int]
) -> None:
    if len(options) > OPTIONS_MAX:
        errors.add(path, "BASE_TYPE_MAX_LENGTH", "Must be 25 or fewer in length.")
    names: set[str] = set()
    optional_seen = False
    for index, option in enumerate(options):
        where = [*path, index]
        name = option.get("name", "")
        if not COMMAND_NAME.fullmatch(name) or name != name.lower():
            errors.add(
                [*where, "name"], "APPLICATION_COMMAND_INVALID_NAME", f"Invalid name {name!r}."
            )
        if name in names:
            errors.add(
                [*where, "name"], "APPLICATION_COMMAND_OPTIONS_NAME_ALREADY_EXISTS", "Duplicate."
            )
        names.add(name)
        description = option.get("description", "")
        if not 1 <= len(description) <= COMMAND_DESCRIPTION_MAX:
            errors.add(
                [*where, "description"], "BASE_TYPE_BAD_LENGTH", "Must be between 1 and 100."
            )
        if len(option.get("choices") or []) > CHOICES_MAX:
            errors.add(
                [*where, "choices"], "BASE_TYPE_MAX_LENGTH", "Must be 25 or fewer in length."
            )
        if option.get("type") in (SUBCOMMAND, SUBCOMMAND_GROUP):
            _check_options(errors, option.get("options") or [], [*where, "options"])
            continue
        if option.get("required"):
            if optional_seen:
                errors.add(where, "APPLICATION_COMMAND_OPTIONS_REQUIRED_INVALID", "Required first.")
        else:
            optional_seen = True


def check_commands(commands: list[dict[str, Any]]) -> None:
    """Raise ApiError (50035) for a bulk overwrite Discord would reject."""
    errors = FormErrors()
    seen: set[tuple[int, str]] = set()
    for index, command in enumerate(commands):
        kind = int(command.get("type", 1))
        name = command.get("name", "")
        valid = (
            COMMAND_NAME.fullmatch(name) and name == name.lower()
            if kind == 1
            else 0 < len(name) <= 32
        )
        if not valid:
            errors.add(
                [index, "name"], "APPLICATION_COMMAND_INVALID_NAME", f"Invalid name {name!r}."
            )
        if (kind, name) in seen:
            errors.add([index, "name"], "APPLICATION_COMMAND_ALREADY_EXISTS", "Duplicate command.")
        seen.add((kind, name))
        if kind == 1:
            description = command.get("description", "")
            if not 1 <= len(description) <= COMMAND_DESCRIPTION_MAX:
                errors.add(
                    [index, "description"], "BASE_TYPE_BAD_LENGTH", "Must be between 1 and 100."
                )
            _check_options(errors, command.get("options") or [], [index, "options"])
    errors.raise_if_any()
