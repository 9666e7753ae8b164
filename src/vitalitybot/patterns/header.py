"""The YAML frontmatter of a pattern file, read fast and with file line numbers.

In the public corpus more than half of every frontmatter is machine-written graph data
the bot never reads, and YAML is the largest single cost of a cold load. So, when PyYAML
has libyaml:

1. the whole frontmatter is checked by libyaml's parser alone (``raw_parse``: no Python
   objects), so a syntax error anywhere is still reported with its file line;
2. only the top-level blocks the bot reads (``slug``, ``title``, ``ontology``...) are cut
   out of the text, joined and composed/constructed.

Step 2 relies on top-level keys sitting at column 0, which is how frontmatter is
written; anything it cannot place (a top-level flow mapping, an alias pointing into a
skipped block, a non-mapping document) falls back to composing the whole document, which
gives the same result, only slower. Without libyaml the whole document is always used.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from typing import Any

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from vitalitybot.patterns.errors import PatternFileError

_BaseLoader: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
# The safe loader's implicit tags ("yes" is a bool, "1.5" a float...) by the first
# character of a plain scalar, the catch-all ones included, as its resolver finds them.
_WILDCARD = tuple(_BaseLoader.yaml_implicit_resolvers.get(None, []))
_IMPLICIT = {
    first: (*resolvers, *_WILDCARD)
    for first, resolvers in _BaseLoader.yaml_implicit_resolvers.items()
    if first is not None
}


class Loader(_BaseLoader):  # type: ignore[misc,valid-type]
    """SafeLoader, with the resolver's work per node cut down.

    libyaml calls back into Python for every node to resolve its tag and to track the
    path (for path resolvers, which the safe loader has none of). PyYAML's resolver
    builds a list of candidate expressions for each scalar; here the list is built once,
    from the same table, so the tags are the same. This is about a tenth of composing.
    """

    def resolve(self, kind: type[Node], value: Any, implicit: tuple[bool, bool]) -> str:
        if kind is ScalarNode and implicit[0]:
            for tag, expression in _IMPLICIT.get(value[:1], _WILDCARD):
                if expression.match(value):
                    return str(tag)
            return str(self.DEFAULT_SCALAR_TAG)
        return str(super().resolve(kind, value, implicit))

    def descend_resolver(self, current_node: Node | None, current_index: Any) -> None:
        pass

    def ascend_resolver(self) -> None:
        pass


assert not Loader.yaml_path_resolvers, "path resolvers need descend/ascend_resolver"
try:
    from yaml._yaml import CParser as _CParser
except ImportError:  # pragma: no cover - PyYAML built without libyaml
    _CParser = None  # type: ignore[assignment,misc]

_OPEN = re.compile(r"---[ \t]*(?:\n|$)")
# The closing line, found from the newline before it: an expression that starts with a
# literal is searched for far faster than a "^" anchor in multi-line mode.
_CLOSE = re.compile(r"\n(?:---|\.\.\.)[ \t]*$", re.MULTILINE)
# A line at column 0 that is not blank, a comment or a zero-indented list entry ("-"
# alone or "- ..."): in frontmatter written as usual, a top-level key.
_COLUMN_0 = re.compile(r"\n(?![ \t#\n]|-(?:[ \n]|\Z)|\Z)")
_TOP_KEY = re.compile(r"([A-Za-z_][\w.-]*)[ \t]*:(?:[ \t\n]|$)")


@dataclass(frozen=True, slots=True)
class Header:
    data: dict[str, Any]  # the requested top-level keys, constructed
    key_lines: dict[str, int]  # file line of every top-level key
    root: MappingNode | None
    yaml_line: int  # file line of the first YAML line
    body: str
    body_line: int  # file line of the body's first line
    # (line in the composed text, line in the YAML text) at the start of each joined
    # block; empty when the whole document was composed.
    segments: tuple[tuple[int, int], ...] = ()

    def file_line(self, node_line: int) -> int:
        """The file line of a 0-based line in the composed text."""
        return _file_line(self.segments, self.yaml_line, node_line)

    def line_of(self, path: Sequence[str | int]) -> int:
        """The file line of a nested key (or list entry); for a path that does not exist,
        the line of the deepest key that does."""
        node: Node | None = self.root
        line = 1
        for step in path:
            if node is None:
                break
            found = _child(node, step)
            if found is None:
                break
            marker, node = found
            line = self.file_line(marker.start_mark.line)
        return line


def _file_line(segments: tuple[tuple[int, int], ...], yaml_line: int, node_line: int) -> int:
    if not segments:
        return yaml_line + node_line
    position = bisect.bisect_right(segments, (node_line, 1 << 62)) - 1
    composed, original = segments[max(position, 0)]
    return yaml_line + original + (node_line - composed)


def _child(node: Node, step: str | int) -> tuple[Node, Node] | None:
    """(the node that marks the step's line: a key or a list entry, the step's value)."""
    if isinstance(node, MappingNode):
        for key, value in node.value:
            if isinstance(key, ScalarNode) and key.value == step:
                return key, value
    elif isinstance(node, SequenceNode) and isinstance(step, int) and step < len(node.value):
        item: Node = node.value[step]
        return item, item
    return None


def split_frontmatter(text: str) -> tuple[str, int, str, int]:
    """(yaml text, its first file line, body, the body's first file line)."""
    if _OPEN.match(text) is None:
        raise PatternFileError("no frontmatter: the file must start with a '---' line", 1)
    start = text.find("\n") + 1 if "\n" in text else len(text)
    close = _CLOSE.search(text, start - 1)
    if close is None:
        raise PatternFileError("frontmatter is not closed: no '---' line after line 1", 1)
    yaml_text = text[start : close.start() + 1]
    body_start = close.end() + 1
    body_line = text.count("\n", 0, body_start) + 1
    return yaml_text, 2, text[body_start:], body_line


def read_header(text: str, keys: Collection[str] | None = None) -> Header:
    """Parse the frontmatter, constructing only ``keys`` (all keys when None)."""
    yaml_text, yaml_line, body, body_line = split_frontmatter(text)
    if keys is not None and _CParser is not None:
        parser = _CParser(yaml_text)
        try:
            parser.raw_parse()
        except yaml.MarkedYAMLError as error:
            raise _yaml_error(error, yaml_line) from None
        finally:
            parser.dispose()
        selected = _selected_blocks(yaml_text, keys)
        if selected is not None:
            composed, segments, key_lines = selected
            try:
                header = _compose(composed, yaml_line, keys, segments, key_lines=False)
            except (yaml.YAMLError, PatternFileError):
                pass  # e.g. an alias into a skipped block: read the whole document
            else:
                return Header(
                    header.data,
                    {k: yaml_line + line for k, line in key_lines.items()},
                    header.root,
                    yaml_line,
                    body,
                    body_line,
                    segments,
                )
    header = _compose(yaml_text, yaml_line, keys, ())
    return Header(header.data, header.key_lines, header.root, yaml_line, body, body_line)


def _selected_blocks(
    yaml_text: str, keys: Collection[str]
) -> tuple[str, tuple[tuple[int, int], ...], dict[str, int]] | None:
    """The wanted top-level blocks joined, where each started, and every key's line;
    None when the text has a column-0 line that is not a plain top-level key."""
    # Only the few column-0 lines are visited; the indented lines in between, most of
    # the text, are counted and sliced but never looked at one by one.
    text = "\n" + yaml_text  # so that the first line follows a newline too
    starts: list[tuple[str, int, int]] = []  # (key, line index, offset of the line)
    index, counted = -1, 0
    for candidate in _COLUMN_0.finditer(text):
        offset = candidate.end()
        index += text.count("\n", counted, offset)
        counted = offset
        match = _TOP_KEY.match(text, offset)
        if match is None:
            return None
        starts.append((match.group(1), index, offset))
    if not starts:
        return None
    pieces: list[str] = []
    segments: list[tuple[int, int]] = []
    composed_line = 0
    for position, (key, index, offset) in enumerate(starts):
        if key not in keys:
            continue
        if position + 1 < len(starts):
            _, end, end_offset = starts[position + 1]
            pieces.append(text[offset : end_offset - 1])
        else:
            end = text.count("\n")
            pieces.append(text[offset:])
        segments.append((composed_line, index))
        composed_line += end - index
    return "\n".join(pieces), tuple(segments), {key: index for key, index, _ in starts}


@dataclass(frozen=True, slots=True)
class _Composed:
    data: dict[str, Any]
    key_lines: dict[str, int]
    root: MappingNode | None


def _compose(
    yaml_text: str,
    yaml_line: int,
    keys: Collection[str] | None,
    segments: tuple[tuple[int, int], ...],
    *,
    key_lines: bool = True,
) -> _Composed:
    """The document's root node and the values of ``keys``; the file line of every
    top-level key too unless ``key_lines`` is False (the caller found them already)."""

    def file_line(node_line: int) -> int:
        return _file_line(segments, yaml_line, node_line)

    loader = Loader(yaml_text)
    try:
        try:
            root = loader.get_single_node()
        except yaml.MarkedYAMLError as error:
            raise _yaml_error(error, yaml_line) from None
        except yaml.YAMLError as error:  # pragma: no cover - libyaml always marks errors
            raise PatternFileError(f"invalid YAML: {error}", yaml_line) from None
        if root is None:
            return _Composed({}, {}, None)
        if not isinstance(root, MappingNode):
            raise PatternFileError(
                "frontmatter is not a mapping of keys to values",
                file_line(root.start_mark.line),
            )
        data: dict[str, Any] = {}
        lines: dict[str, int] = {}
        for key_node, value_node in root.value:
            if not isinstance(key_node, ScalarNode):
                continue
            key = str(key_node.value)
            if key_lines:
                lines[key] = file_line(key_node.start_mark.line)
            if keys is not None and key not in keys:
                continue
            try:
                data[key] = _construct(loader, value_node, 0)
            except yaml.MarkedYAMLError as error:
                raise _yaml_error(error, yaml_line) from None
    finally:
        loader.dispose()
    return _Composed(data, lines, root)


_STR = "tag:yaml.org,2002:str"
_MAP = "tag:yaml.org,2002:map"
_SEQ = "tag:yaml.org,2002:seq"
_FLOAT = "tag:yaml.org,2002:float"
_INT = "tag:yaml.org,2002:int"
_PLAIN_FLOAT = re.compile(r"[0-9]+\.[0-9]+")
_PLAIN_INT = re.compile(r"0|[1-9][0-9]*")
_MAX_DEPTH = 32


def _construct(loader: yaml.SafeLoader, node: Node, depth: int) -> Any:
    """Python values for a node, as SafeLoader would build them.

    Plain strings, decimal numbers, mappings and lists (nearly all of a frontmatter) are
    built directly, which is several times faster than the generic constructor; everything
    else (other numbers, dates, merge keys, deep or self-referencing structures) goes to
    SafeLoader itself.
    """
    tag = node.tag
    if tag == _STR:
        return node.value
    # Scores and weights ("3.5", "0.82", "4") are the other common scalars; in these
    # plain spellings SafeLoader's own rules come down to float() and int().
    if tag == _FLOAT and isinstance(node, ScalarNode) and _PLAIN_FLOAT.fullmatch(node.value):
        return float(node.value)
    if tag == _INT and isinstance(node, ScalarNode) and _PLAIN_INT.fullmatch(node.value):
        return int(node.value)
    if depth < _MAX_DEPTH:
        deeper = depth + 1
        # A string is taken in place, without a call: most values are strings.
        if tag == _MAP and isinstance(node, MappingNode):
            # Plain string keys only: merge keys ("<<") and unhashable keys need SafeLoader.
            if all(key.tag == _STR for key, _ in node.value):
                return {
                    key.value: value.value
                    if value.tag == _STR
                    else _construct(loader, value, deeper)
                    for key, value in node.value
                }
        elif tag == _SEQ and isinstance(node, SequenceNode):
            return [
                item.value if item.tag == _STR else _construct(loader, item, deeper)
                for item in node.value
            ]
    return loader.construct_object(node, deep=True)


def _yaml_error(error: yaml.MarkedYAMLError, yaml_line: int) -> PatternFileError:
    mark = error.problem_mark or error.context_mark
    line = yaml_line + mark.line if mark is not None else yaml_line - 1
    what = " ".join(part for part in (error.context, error.problem) if part)
    return PatternFileError(f"invalid YAML in the frontmatter: {what}", line)
