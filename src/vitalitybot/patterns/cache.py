"""The loader's warm-start cache: one pickle file of per-file parse results.

Each entry is keyed by the file's path relative to the library root and trusted only
while the file's size and modification time (ns) are unchanged. Patterns are stored as
separately pickled blobs, so a warm start reads the whole file in one go but decodes a
pattern only when it is first used.

The file also records a format version, a fingerprint of the parser's source and the
library root; a cache that does not match all three is ignored, so editing the parser
or moving the library never serves stale patterns. A CRC of the payload is checked too:
a damaged cache must fail here, at load, not later when a pattern is decoded. Any cache
that cannot be used is logged and ignored: it is an optimisation, never a reason not to
start.

The file is written atomically (temporary file, then rename), so a crash mid-write
leaves the previous cache or none. Only the bot should be able to write it: it is a
pickle, and loading a pickle runs code chosen by whoever wrote it.
"""

from __future__ import annotations

import copyreg
import dataclasses
import hashlib
import io
import logging
import operator
import os
import pickle
import tempfile
import zlib
from collections.abc import Callable
from pathlib import Path
from typing import Any, NamedTuple

from vitalitybot.patterns import model
from vitalitybot.patterns.body import BodyText
from vitalitybot.patterns.model import Pattern, Problem

logger = logging.getLogger(__name__)

CACHE_FORMAT = 2
_MAGIC = b"vitalitybot-patterns\n"


class Entry(NamedTuple):
    """What one file parsed to, and the file identity it is valid for.

    Exactly one of ``blob`` (the pickled Pattern) and ``problem`` is set. A NamedTuple
    because thousands of them are unpickled on every warm start.
    """

    size: int
    mtime_ns: int
    slug: str | None
    slug_line: int | None
    blob: bytes | None
    problem: Problem | None


def _constructor_call(cls: type[Any]) -> Callable[[Any], tuple[Any, ...]] | None:
    """A reducer that rebuilds ``cls`` by calling it with its fields in order."""
    fields = dataclasses.fields(cls)
    if len(fields) < 2 or not all(f.init and not f.kw_only for f in fields):
        return None  # the default pickling is the safe choice
    values = operator.attrgetter(*(f.name for f in fields))

    def reduce(obj: Any) -> tuple[Any, ...]:
        return cls, values(obj)

    return reduce


# Frozen dataclasses pickle through a generic __getstate__/__setstate__ pair that is
# slow; rebuilding them by calling the class with their fields halves both pickling and
# unpickling. The table applies to the cache's own pickler only, not to other pickling.
# A BodyText is stored as its text: the parts read from it are not stored with it.
_DISPATCH: dict[type[Any], Callable[[Any], Any]] = dict(copyreg.dispatch_table)
for _cls in (
    model.Pattern,
    model.Body,
    BodyText,
    model.Sign,
    model.Step,
    model.Rhythm,
    model.Remedy,
    model.Score,
    model.Relationship,
    model.Duration,
    model.Replant,
):
    if (_reducer := _constructor_call(_cls)) is not None:
        _DISPATCH[_cls] = _reducer


def encode_pattern(pattern: Pattern) -> bytes:
    """A pattern as bytes for the cache (read back with ``pickle.loads``)."""
    buffer = io.BytesIO()
    pickler = pickle.Pickler(buffer, protocol=pickle.HIGHEST_PROTOCOL)
    pickler.dispatch_table = _DISPATCH
    pickler.dump(pattern)
    return buffer.getvalue()


def parser_fingerprint() -> str:
    """A digest of every module of this package: editing any of them (a rule of the parser,
    the model, how patterns are stored) retires existing caches. Modules that do not
    affect a parse (the loader, search) are included too; a needless re-parse after
    editing them is cheaper than a list of modules that must be kept up to date."""
    digest = hashlib.sha1(f"{CACHE_FORMAT}".encode())
    for module in sorted(Path(__file__).resolve().parent.glob("*.py")):
        digest.update(module.name.encode())
        digest.update(module.read_bytes())
    return digest.hexdigest()


def read_cache(path: Path, root: Path, fingerprint: str) -> dict[str, Entry]:
    """The cached entries, or nothing when the file is absent, unusable or stale."""
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return {}
    except OSError as error:
        logger.warning("ignoring pattern cache %s: %s", path, error)
        return {}
    if not raw.startswith(_MAGIC) or len(raw) < len(_MAGIC) + 4:
        logger.warning("ignoring pattern cache %s: not a pattern cache", path)
        return {}
    checksum = int.from_bytes(raw[len(_MAGIC) : len(_MAGIC) + 4], "big")
    payload = memoryview(raw)[len(_MAGIC) + 4 :]
    if zlib.crc32(payload) != checksum:
        logger.warning("ignoring pattern cache %s: damaged (checksum mismatch)", path)
        return {}
    try:
        content: Any = pickle.loads(payload)
    except Exception as error:  # a damaged pickle can raise almost anything
        logger.warning("ignoring unreadable pattern cache %s: %s", path, error)
        return {}
    if not isinstance(content, dict) or content.get("format") != CACHE_FORMAT:
        logger.warning("ignoring pattern cache %s: written by another version", path)
        return {}
    if content.get("parser") != fingerprint:
        logger.info("ignoring pattern cache %s: the parser has changed since", path)
        return {}
    if content.get("root") != str(root):
        logger.info("ignoring pattern cache %s: it is for %s", path, content.get("root"))
        return {}
    entries = content.get("entries")
    if not isinstance(entries, dict):
        logger.warning("ignoring pattern cache %s: no entries", path)
        return {}
    try:
        return {relative: Entry(*entry) for relative, entry in entries.items()}
    except TypeError as error:
        logger.warning("ignoring pattern cache %s: malformed entries (%s)", path, error)
        return {}


def write_cache(path: Path, root: Path, fingerprint: str, entries: dict[str, Entry]) -> None:
    content = {
        "format": CACHE_FORMAT,
        "parser": fingerprint,
        "root": str(root),
        # Plain tuples: they unpickle faster than any class.
        "entries": {relative: tuple(entry) for relative, entry in entries.items()},
    }
    payload = pickle.dumps(content, protocol=pickle.HIGHEST_PROTOCOL)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
        try:
            with os.fdopen(handle, "wb") as file:
                file.write(_MAGIC)
                file.write(zlib.crc32(payload).to_bytes(4, "big"))
                file.write(payload)
            Path(temporary).replace(path)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise
    except OSError as error:
        logger.warning("could not write pattern cache %s: %s", path, error)
