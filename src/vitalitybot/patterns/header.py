"""The YAML frontmatter of a pattern file: its values and the file line of every key.

python-frontmatter finds the ``---`` lines; libyaml's safe loader (``CSafeLoader`` when
PyYAML was built with libyaml, the pure-Python ``SafeLoader`` otherwise) composes the
YAML into nodes, which remember their lines, so a mistake deep in a ``vitalitybot:``
block is reported where it is written.

YAML anchors and aliases are refused. An alias stands for a whole value written
elsewhere, so a few nested aliases stand for exponentially many values: any code that
walks them (building them, pickling them, rendering them) runs for hours. Composing
shares one node per anchor, so the composed document is as small as its text; the check
below visits each node once and stops at the first one reached twice, before any value
is built. Pattern files have no use for aliases, so refusing them costs an author
nothing.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import yaml
from frontmatter.default_handlers import YAMLHandler
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from vitalitybot.patterns.errors import PatternFileError

# Which values to build: a top-level key maps to None when its whole value is read, or to
# the keys read inside its mapping.
Wanted = Mapping[str, Collection[str] | None]

_Loader: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_SPLITTER = YAMLHandler()
_BOUNDARY = _SPLITTER.FM_BOUNDARY  # the "---" line, as python-frontmatter splits on it
assert _BOUNDARY is not None
_MERGE_KEY = "<<"  # "<<: {...}" merges a mapping into its parent, so it may bring a read key


@dataclass(frozen=True, slots=True)
class Header:
    data: dict[str, Any]  # the wanted values, built
    key_lines: dict[str, int]  # file line of every top-level key
    root: MappingNode | None
    yaml_line: int  # file line of the YAML text's first (0th) line
    body: str
    body_line: int  # file line of the body's first line

    def line_of(self, path: Sequence[str | int]) -> int:
        """The file line of a nested key (or list entry); for a path that does not exist,
        the line of the deepest key that does."""
        node: Node | None = self.root
        line = 1
        for step in path:
            found = _child(node, step) if node is not None else None
            if found is None:
                break
            marker, node = found
            line = self.yaml_line + marker.start_mark.line
        return line


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


def read_header(text: str, wanted: Wanted | None = None) -> Header:
    """Parse the frontmatter of ``text``, building the ``wanted`` values only (every
    value when None); the rest is still checked for syntax and aliases."""
    opening = _BOUNDARY.match(text)
    if opening is None:
        raise PatternFileError("no frontmatter: the file must start with a '---' line", 1)
    try:
        yaml_text, body = _SPLITTER.split(text)
    except ValueError:
        raise PatternFileError("frontmatter is not closed: no '---' line after line 1", 1) from None
    yaml_line = text.count("\n", 0, opening.end()) + 1
    body_line = text.count("\n", 0, len(text) - len(body)) + 1
    loader = _Loader(yaml_text)
    try:
        root = loader.get_single_node()
        if root is None:
            return Header({}, {}, None, yaml_line, body, body_line)
        if not isinstance(root, MappingNode):
            raise PatternFileError(
                "frontmatter is not a mapping of keys to values", yaml_line + root.start_mark.line
            )
        if "*" in yaml_text:  # an alias is always written "*name": without one, none
            _refuse_aliases(root, yaml_text, yaml_line)
        data: dict[str, Any] = {}
        key_lines: dict[str, int] = {}
        for key_node, value_node in root.value:
            if not isinstance(key_node, ScalarNode):
                continue
            key = str(key_node.value)
            key_lines[key] = yaml_line + key_node.start_mark.line
            if wanted is None:
                data[key] = loader.construct_object(value_node, deep=True)
            elif key in wanted:
                data[key] = loader.construct_object(_part(value_node, wanted[key]), deep=True)
    except yaml.MarkedYAMLError as error:
        raise _yaml_error(error, yaml_line) from None
    except yaml.YAMLError as error:  # pragma: no cover - libyaml always marks its errors
        raise PatternFileError(f"invalid YAML in the frontmatter: {error}", yaml_line) from None
    finally:
        loader.dispose()
    return Header(data, key_lines, root, yaml_line, body, body_line)


def _part(node: Node, keys: Collection[str] | None) -> Node:
    """``node``, or when only some ``keys`` of its mapping are read, a mapping of those
    (and of any merge key): building a value costs far more than composing it."""
    if keys is None or not isinstance(node, MappingNode):
        return node
    pairs = [
        (key, value)
        for key, value in node.value
        if isinstance(key, ScalarNode) and (key.value in keys or key.value == _MERGE_KEY)
    ]
    return MappingNode(node.tag, pairs, node.start_mark, node.end_mark, node.flow_style)


def _refuse_aliases(root: Node, yaml_text: str, yaml_line: int) -> None:
    """Raise PatternFileError when the document uses an alias.

    Only an alias makes one node appear twice in the composed document, so each node is
    visited at most once: the check takes time in proportion to the text, whatever the
    aliases would expand to.
    """
    seen: set[int] = set()
    waiting: list[Node] = [root]
    while waiting:
        node = waiting.pop()
        if id(node) in seen:
            raise PatternFileError(
                "YAML aliases ('*name') are not supported in pattern frontmatter; "
                "write the value out",
                _first_alias_line(yaml_text, yaml_line),
            )
        seen.add(id(node))
        if isinstance(node, MappingNode):
            for key, value in node.value:
                waiting += (key, value)
        elif isinstance(node, SequenceNode):
            waiting += node.value


def _first_alias_line(yaml_text: str, yaml_line: int) -> int:
    """The file line of the first alias, read from the parser's events (which never
    expand an alias) rather than from the composed nodes (which point at the anchor)."""
    for event in yaml.parse(yaml_text, Loader=_Loader):
        if isinstance(event, yaml.AliasEvent) and event.start_mark is not None:
            return yaml_line + event.start_mark.line
    return yaml_line  # pragma: no cover - a repeated node always comes from an alias


# Errors about something left open (a quote, a bracket, a key without its colon) are
# noticed where the reader gives up, often lines later or at the closing "---"; the
# mistake is where the thing was opened, which is the error's context mark.
_OPENED = ("quoted scalar", "simple key", "flow sequence", "flow mapping")


def _yaml_error(error: yaml.MarkedYAMLError, yaml_line: int) -> PatternFileError:
    what = " ".join(part for part in (error.context, error.problem) if part)
    problem, context = error.problem_mark, error.context_mark
    opened = error.context is not None and error.context.endswith(_OPENED)
    mark = (context if opened else problem) or problem or context
    line = yaml_line + mark.line if mark is not None else yaml_line
    if opened and problem is not None and yaml_line + problem.line != line:
        what += f" (the reader stopped at line {yaml_line + problem.line})"
    return PatternFileError(f"invalid YAML in the frontmatter: {what}", line)
