"""The bot key: where it comes from, and the key file made on first start.

The key seals each open round's key (vitality/anonymity.py), so it must never sit in
the database it protects. It comes from ``VITALITYBOT_SECRET_KEY`` when that is set
(64 or more hex digits, or URL-safe base64 of 32 or more bytes), else from
``secret.key`` in ``VITALITYBOT_STATE_DIR``. That file is made on first start: 32
random bytes as hex, written to a new file opened with mode 0600 (never readable by
others, not even for an instant) and linked into place with ``os.link``, which fails
when the name exists. So two processes starting together both end up with whichever
file was linked first, and no one ever reads a half-written key.

Every process serving one database needs the same key: a process with another key
reads other round keys, so members' earlier answers in open rounds would no longer be
matched to them.
"""

from __future__ import annotations

import base64
import binascii
import contextlib
import logging
import os
import re
import secrets
import stat
from pathlib import Path

from vitalitybot.config import SettingError, Settings
from vitalitybot.vitality.anonymity import KEY_BYTES, RoundKeys

logger = logging.getLogger(__name__)

KEY_FILE = "secret.key"
ENV_VARIABLE = "VITALITYBOT_SECRET_KEY"
DIR_VARIABLE = "VITALITYBOT_STATE_DIR"
_HEX = re.compile(r"(?:[0-9a-fA-F]{2})+")
_BASE64 = re.compile(r"[A-Za-z0-9_-]+={0,2}")
HOW_TO_MAKE = "python3 -c 'import secrets; print(secrets.token_hex(32))'"


class BotKeyError(SettingError):
    """The bot key is unusable or cannot be made; the message is one line saying why,
    and ``variable`` the setting to fix (commands report it as any bad setting)."""


def load_round_keys(settings: Settings) -> RoundKeys:
    """The process's ``RoundKeys``, from the variable or the key file (made if missing)."""
    return RoundKeys(load_bot_key(settings))


def load_bot_key(settings: Settings) -> bytes:
    if settings.secret_key is not None:
        return parse_key(settings.secret_key.get_secret_value(), ENV_VARIABLE, ENV_VARIABLE)
    return read_or_create(key_path(settings))


def key_path(settings: Settings) -> Path:
    return settings.state_dir / KEY_FILE


def parse_key(text: str, source: str, variable: str) -> bytes:
    """The key written in ``text``; ``BotKeyError`` naming ``source`` when it is not one."""
    value = text.strip()
    key: bytes | None = None
    if _HEX.fullmatch(value):
        key = bytes.fromhex(value)
    elif _BASE64.fullmatch(value):
        try:
            key = base64.urlsafe_b64decode(value + "=" * (-len(value) % 4))
        except (binascii.Error, ValueError):
            key = None
    if key is None or len(key) < KEY_BYTES:
        raise BotKeyError(
            variable,
            f"{source} is not a key of at least {KEY_BYTES} random bytes (64 or more hex "
            f"digits, or URL-safe base64); make one with: {HOW_TO_MAKE}",
        )
    return key


def read_or_create(path: Path) -> bytes:
    """The key in ``path``, made there (mode 0600) when the file does not exist."""
    try:
        return _read(path)
    except FileNotFoundError:
        pass
    _create(path)
    return _read(path)


def redactable(settings: Settings) -> list[str]:
    """The key as it may appear in text, for the log redactor; never makes the file."""
    found: list[str] = []
    try:
        if settings.secret_key is not None:
            text = settings.secret_key.get_secret_value().strip()
        else:
            text = key_path(settings).read_text(encoding="ascii").strip()
    except (OSError, UnicodeDecodeError):
        return found
    found.append(text)
    with contextlib.suppress(BotKeyError):
        found.append(parse_key(text, "the key", ENV_VARIABLE).hex())
    return found


def _read(path: Path) -> bytes:
    try:
        mode = path.stat().st_mode
        text = path.read_text(encoding="ascii")
    except FileNotFoundError:
        raise
    except (OSError, UnicodeDecodeError) as error:
        raise BotKeyError(DIR_VARIABLE, f"could not read the key file {path}: {error}") from None
    if os.name == "posix" and mode & (stat.S_IRWXG | stat.S_IRWXO):
        logger.warning(
            "the key file %s can be read or written by other users (mode %o): run chmod 600 %s",
            path,
            stat.S_IMODE(mode),
            path,
        )
    return parse_key(text, f"the key file {path}", DIR_VARIABLE)


def _create(path: Path) -> None:
    partial = path.with_name(f".{path.name}.{secrets.token_hex(4)}.new")
    try:
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        descriptor = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        try:
            os.write(descriptor, (secrets.token_hex(KEY_BYTES) + "\n").encode("ascii"))
            os.fsync(descriptor)
        finally:
            os.close(descriptor)
        try:
            os.link(partial, path)
        except FileExistsError:
            return  # another process made it first: everyone uses that one
        logger.warning(
            "made a new bot key in %s: back it up, apart from the database backups", path
        )
    except OSError as error:
        raise BotKeyError(
            DIR_VARIABLE,
            f"could not make the key file {path}: {error}; set {DIR_VARIABLE} to a "
            f"writable folder, or {ENV_VARIABLE}",
        ) from None
    finally:
        partial.unlink(missing_ok=True)
