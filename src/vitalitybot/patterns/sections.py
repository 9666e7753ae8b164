"""A pattern body as an outline of sections, with file line numbers.

Real pattern files mark their parts in several ways: ATX headings at any level
(``#`` to ``######``), numbered or not (``### 5. Implementation (400-600 words)``,
``## Section 8: Vitality``), a bare ``Section 8 — Vitality`` line, setext headings, and
bold labels alone on a line (``**Signs of decay:**``), which act as sub-headings below
the nearest heading. Every one of them becomes a :class:`Section` with a cleaned title
and a matching key, so callers ask for "the implementation section" without caring how a
given file spelled it.

This is a line scanner rather than a markdown-it token stream on purpose: markdown-it's
block parser costs more over a large library than reading all of its YAML, while the
constructs that delimit sections are line-level (headings, fences, bold-label lines).
The block rules that matter are followed as CommonMark states them (at most three spaces
of indentation, closing ``#`` sequences, fenced code hides headings), and the tests check
the result against markdown-it's own tokens.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

LABEL_LEVEL = 7  # bold labels sit below every heading level

_ATX = re.compile(r"^ {0,3}(#{1,6})(?:[ \t]+(.*?))?(?:[ \t]+#+)?[ \t]*$")
_FENCE_OPEN = re.compile(r"^ {0,3}(`{3,}|~{3,})")
# A newline, then what may open a section or a fence. Searching for a literal first
# character is several times faster than a "^" anchor in multi-line mode.
_CANDIDATE = re.compile(
    r"\n {0,3}(?:#|\*\*|__|=+[ \t]*$|-+[ \t]*$|`{3}|~{3}|(?:[Ss]ection|[Pp]art)\s"
    r"|[Ss]igns\s+of\s|[Ww]hen\s+to\s+replant)",
    re.MULTILINE,
)
_SETEXT = re.compile(r"^ {0,3}(=+|-+)[ \t]*$")
_BARE_SECTION = re.compile(r"^(?:section|part)\s+\d+\s*[:.—–-]\s*\S", re.IGNORECASE)
_LABEL = re.compile(r"^ {0,3}(\*\*|__)(?P<label>(?:(?!\1).)+?)\1(?P<after>.*)$")
# A plain line that opens a part of a pattern's vitality with a colon, as other pattern
# libraries write them: "Signs of decay:" or "Signs of decay emerge when:" before a list,
# or "Signs of life: neighbours ... . Children ..." with the signs on the same line.
_PLAIN_LABEL = re.compile(
    r" {0,3}(?P<label>(?:signs\s+of\s+(?:life|decay)|when\s+to\s+replant)\b[^:\n]{0,40}):"
    r"[ \t]*(?P<rest>.*)$",
    re.IGNORECASE,
)
_LABEL_NOTE = re.compile(r"^\s*(?:\((?P<note>[^)]*)\))?\s*(?P<colon>:)?\s*(?P<rest>.*)$")
_LIST_START = re.compile(r"^ {0,3}(?:[-*+•]|\d+[.)])\s")
_NUMBERING = re.compile(
    r"^(?:(?:section|part|chapter|step)\s+)?(?:\d+(?:\.\d+)*|[ivxlc]+|[a-z])\s*[.):—–-]\s+"
    r"|^(?:section|part|chapter|step)\s+\d+\s+",
    re.IGNORECASE,
)
_NUMBER_MARKS = frozenset(".):—–-")
_LEADING_NUMBER = re.compile(r"^[\s*_]*(?:step\s+)?(\d{1,3})\s*[.):—–-]", re.IGNORECASE)
_TRAILING_NOTE = re.compile(r"\s*\([^()]*\)\s*$")
_KEY_DROP = re.compile(r"[^\w]+")

# Bold labels that may carry their text on the same line ("**When to replant:** Restart
# when..."). Any other bold lead followed by text is an ordinary bold-led paragraph, which
# is how steps and signs are written, so only these few are promoted to sub-headings.
INLINE_LABEL_KEYS = (
    "signs of life",
    "signs of decay",
    "when to replant",
    "getting started",
    "common challenges",
    "prerequisites",
    "success factors",
)


_LABEL_ENDINGS = ("**", "__", ":", ")")
_INLINE_LABEL_START = re.compile(
    r" {0,3}(?:\*\*|__)\s*(?:" + "|".join(k.replace(" ", r"\s+") for k in INLINE_LABEL_KEYS) + ")",
    re.IGNORECASE,
)


def named(*keys: str, labels: bool = True) -> Callable[[Section], bool]:
    """A test for sections whose key starts with one of ``keys`` (bold labels included
    unless ``labels`` is False)."""
    return _Named(keys, labels)


class _Named:
    """:func:`named`'s test; :meth:`Outline.find` runs it inline, without a call per
    section (a pattern's parts are looked up a dozen times over a few dozen sections)."""

    __slots__ = ("keys", "labels")

    def __init__(self, keys: tuple[str, ...], labels: bool) -> None:
        self.keys = keys
        self.labels = labels

    def __call__(self, section: Section) -> bool:
        return section.key.startswith(self.keys) and (self.labels or not section.is_label)


def leading_number(raw: str) -> int | None:
    """The step or item number a title starts with ("1. Map", "Step 2: Name"), if any."""
    match = _LEADING_NUMBER.match(raw)
    return int(match.group(1)) if match else None


def heading_key(title: str) -> str:
    """A spelling-independent key: lower case, '&' read as 'and', punctuation dropped."""
    if "&" in title:
        title = title.replace("&", " and ")
    return " ".join(_KEY_DROP.sub(" ", title.lower()).split())


def clean_title(raw: str) -> str:
    """The words of a heading without numbering, word-count notes, emphasis or colons."""
    title = raw.strip(" \t*_")
    if "**" in title or "__" in title:
        title = title.replace("**", "").replace("__", "")
    # Numbering starts with a digit, a roman numeral or a single letter and a mark, or
    # a word such as "Section"; most titles have none and skip the expression.
    if title[:1].isdigit() or title[1:2] in _NUMBER_MARKS or title[:1] in "SsPpCcIiVvXxLl":
        for _ in range(2):  # "Section 8: 8. Vitality" happens
            stripped = _NUMBERING.sub("", title, count=1)
            if stripped == title or not stripped.strip():
                break
            title = stripped
    title = title.rstrip(" \t:")
    while title.endswith(")"):
        stripped = _TRAILING_NOTE.sub("", title).rstrip(" \t:")
        if stripped == title or not stripped:
            break
        title = stripped
    return title.strip(" \t*_:")


@dataclass(slots=True, eq=False)
class Section:
    """One heading or bold label and the lines it governs.

    ``start:end`` is the section's own text (up to the next heading or label of any
    level); ``start:stop`` also covers its sub-sections. Indexes are into
    :attr:`Outline.lines`; ``line`` is the 1-based line in the file.
    """

    title: str
    key: str
    level: int
    line: int
    index: int  # index of the heading line in Outline.lines (-1 for the root)
    start: int
    end: int = -1
    stop: int = -1
    inline: str = ""  # text after a bold label on its own line
    number: int | None = None  # "Step 2: ..." / "2. ..." -> 2
    parent: Section | None = None
    children: list[Section] = field(default_factory=list)

    @property
    def is_label(self) -> bool:
        return self.level == LABEL_LEVEL

    def walk(self) -> Iterator[Section]:
        """This section and all its sub-sections, in document order."""
        yield self
        for child in self.children:
            yield from child.walk()


@dataclass(slots=True, eq=False)
class Outline:
    text: str  # the body as given
    lines: list[str]
    first_line: int  # file line number of lines[0]
    root: Section
    sections: list[Section]  # document order, root excluded

    def file_line(self, index: int) -> int:
        return self.first_line + index

    def find(
        self, predicate: Callable[[Section], bool], within: Section | None = None
    ) -> Section | None:
        """The first section (document order) matching ``predicate``, below ``within``."""
        if within is None or within is self.root:
            scope = self.sections
        else:
            # A section's sub-sections are the sections after it up to its stop line.
            first = bisect.bisect_left(self.sections, within.index, key=_heading_index)
            if first == len(self.sections) or self.sections[first] is not within:
                scope = list(within.walk())[1:]  # pragma: no cover - another outline's
            else:
                last = bisect.bisect_left(self.sections, within.stop, key=_heading_index)
                scope = self.sections[first + 1 : last]
        if type(predicate) is _Named:
            keys, labels = predicate.keys, predicate.labels
            for section in scope:
                if section.key.startswith(keys) and (labels or section.level != LABEL_LEVEL):
                    return section
            return None
        for section in scope:
            if predicate(section):
                return section
        return None

    def own_lines(self, section: Section) -> tuple[int, list[str]]:
        """The section's own text lines and the index of the first; a label's inline text
        comes first, on the label's own line."""
        if section.inline:
            return section.index, [section.inline, *self.lines[section.start : section.end]]
        return section.start, self.lines[section.start : section.end]

    def all_lines(self, section: Section) -> tuple[int, list[str]]:
        """The section's text including its sub-sections (headings included)."""
        if section.inline:
            return section.index, [section.inline, *self.lines[section.start : section.stop]]
        return section.start, self.lines[section.start : section.stop]

    def section_at(self, index: int) -> Section:
        """The innermost section whose own text holds line ``index``."""
        position = bisect.bisect_right(self.sections, index, key=_heading_index) - 1
        return self.root if position < 0 else self.sections[position]


def _heading_index(section: Section) -> int:
    return section.index


def parse_outline(body: str, first_line: int = 1) -> Outline:
    """Split a Markdown body into sections; ``first_line`` is the file line of the body's
    first line, so every section knows where it is in the file."""
    lines = body.split("\n")
    root = Section(title="", key="", level=0, line=first_line, index=-1, start=0)
    sections: list[Section] = []
    stack: list[Section] = [root]

    def open_section(section: Section) -> None:
        if sections:
            sections[-1].end = section.index
        elif root.end < 0:
            root.end = section.index
        while stack[-1].level >= section.level:
            stack.pop().stop = section.index
        section.parent = stack[-1]
        stack[-1].children.append(section)
        stack.append(section)
        sections.append(section)

    fence: str | None = None
    index, position = -1, 0
    text = "\n" + body  # so that the first line is preceded by a newline too
    # Only lines that could open a section or a fence are looked at; counting newlines
    # between them is far cheaper than visiting every line in Python.
    for candidate in _CANDIDATE.finditer(text):
        start = candidate.start() + 1
        index += text.count("\n", position, start)
        position = start
        line = lines[index]
        stripped = line.lstrip(" ")
        first = stripped[:1]
        if fence is not None:
            if stripped.startswith(fence) and not stripped.strip(fence[0]).strip():
                fence = None
            continue
        found: Section | None = None
        if first in "`~":
            opened = _FENCE_OPEN.match(line)
            fence = opened.group(1) if opened else None
        elif first == "#":
            found = _atx(line, index, first_line)
        elif first in "*_":
            found = _label(line, index, first_line, lines)
        elif first in "=-":
            if index > 0 and lines[index - 1].strip():  # underlines a paragraph line
                found = _setext(line, index, first_line, lines, sections)
        elif index == 0 or not lines[index - 1].strip():
            found = _bare_section(line, index, first_line, lines) or _plain_label(
                line, index, first_line
            )
        if found is not None:
            open_section(found)

    end = len(lines)
    if sections:
        sections[-1].end = end
    if root.end < 0:
        root.end = end
    for section in stack:
        section.stop = end
    return Outline(text=body, lines=lines, first_line=first_line, root=root, sections=sections)


def _make(raw: str, level: int, index: int, first_line: int, inline: str = "") -> Section:
    """A section from its raw heading; ``inline`` text after a label starts a sentence
    ("Signs of decay: the founder stops ..."), so its first letter is made a capital."""
    title, key, number = _names(raw)
    return Section(
        title=title,
        key=key,
        level=level,
        line=first_line + index,
        index=index,
        start=index + 1,
        inline=inline[:1].upper() + inline[1:],
        number=number,
    )


# The same headings recur across a library ("### Section 4: Implementation", "**Signs of
# decay:**"), so their cleaned forms are remembered; the bound keeps memory flat.
_NAMES: dict[str, tuple[str, str, int | None]] = {}
_NAMES_MAX = 20_000


def _names(raw: str) -> tuple[str, str, int | None]:
    """(title, key, number) for a raw heading."""
    names = _NAMES.get(raw)
    if names is None:
        title = clean_title(raw)
        number = leading_number(raw) if raw[:1].isdigit() or raw[:1] in "*_Ss" else None
        names = (title, heading_key(title), number)
        if len(_NAMES) >= _NAMES_MAX:
            _NAMES.clear()
        _NAMES[raw] = names
    return names


def _atx(line: str, index: int, first_line: int) -> Section | None:
    match = _ATX.match(line)
    if match is None:
        return None
    return _make(match.group(2) or "", len(match.group(1)), index, first_line)


def _label(line: str, index: int, first_line: int, lines: list[str]) -> Section | None:
    if not line.rstrip().endswith(_LABEL_ENDINGS) and _INLINE_LABEL_START.match(line) is None:
        return None  # a bold-led paragraph ("**1. Map it.** Then..."): the common case
    match = _LABEL.match(line)
    if match is None:
        return None
    label = match.group("label").strip()
    after = _LABEL_NOTE.match(match.group("after"))
    if after is None or not label:  # pragma: no cover - the pattern always matches
        return None
    colon = label.endswith(":") or after.group("colon") is not None
    rest = after.group("rest").strip()
    if rest:
        if colon and heading_key(clean_title(label)) in INLINE_LABEL_KEYS:
            return _make(label, LABEL_LEVEL, index, first_line, inline=rest)
        return None
    if not colon:
        # A bold line without a colon is a label only when it reads like a heading:
        # short, unnumbered, not a sentence ("**Signs of Decay**", not "**1. Map it.**").
        if label[:1].isdigit() or label[-1:] in ".!?" or len(label.split()) > 8:
            return None
        if index + 1 < len(lines) and _LIST_START.match(lines[index + 1]) is None:
            nxt = lines[index + 1].strip()
            if nxt and not nxt.startswith(("**", "__", "#")):
                # Bold first line of a paragraph that goes on: a bold-led item.
                return None
    return _make(label, LABEL_LEVEL, index, first_line)


def _plain_label(line: str, index: int, first_line: int) -> Section | None:
    """A paragraph that starts with a plain vitality label (:data:`_PLAIN_LABEL`); what
    follows the colon on the same line is the label's own text, as for a bold label."""
    match = _PLAIN_LABEL.match(line)
    if match is None:
        return None
    return _make(match.group("label"), LABEL_LEVEL, index, first_line, match.group("rest").strip())


def _setext(
    line: str, index: int, first_line: int, lines: list[str], sections: list[Section]
) -> Section | None:
    match = _SETEXT.match(line)
    text_line = lines[index - 1]
    if match is None or (sections and sections[-1].index == index - 1):
        return None
    text = text_line.strip()
    if (
        not text
        or len(text_line) - len(text_line.lstrip(" ")) > 3
        or text.startswith((">", "|", "#", "```", "~~~"))
        or _LIST_START.match(text_line)
        or (index >= 2 and lines[index - 2].strip())  # only single-line paragraphs
    ):
        return None
    level = 1 if match.group(1)[0] == "=" else 2
    section = _make(text, level, index - 1, first_line)
    section.start = index + 1
    return section


def _bare_section(line: str, index: int, first_line: int, lines: list[str]) -> Section | None:
    if _BARE_SECTION.match(line) is None or len(line.split()) > 10:
        return None
    if index + 1 < len(lines) and lines[index + 1].strip():
        return None  # first line of a running paragraph, not a heading
    return _make(line, 2, index, first_line)
