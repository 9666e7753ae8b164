"""Cadences and durations written in a pattern's prose.

A pattern that says "monthly or quarterly" or "each quarter" proposes the community's
default schedule; "after 6–9 months" in its replanting advice says how long decay may
last before starting again. Both are found with regular expressions over the text, with
these deliberate choices:

- Adjectives count as cadences ("a quarterly review", "an annual retreat"), as do
  "every/each/once a <unit>" and their numeric forms ("every three months").
- "bi-weekly"/"biweekly" mean every two weeks; "biannual" and "semi-annual" mean twice a
  year; "bimonthly" is ambiguous (twice a month or every two months) and is skipped, as
  are cadences the model has no name for (daily, every two years).
- "per month" / "per year" are usually rates ("$50 per month"), not rhythms: skipped.
- Durations are "<number> <unit>" with digits or number words, ranges ("6–9 months",
  "three to six months", "12-18 months"), "a/an <unit>" and "half a year". Quarters
  become months, decades years, days weeks (or months for multiples of 30).
  "a year" right after "once", "twice", "times", "per", "each" or "every" is a cadence,
  not a duration. Vague amounts ("a few months", "several years") are skipped.
- Words inside longer words do not count ("weekly" in "biweekly"), but a hyphenated
  compound does ("a 6-month pilot" is six months).

Which ritual a cadence times is read from its clause (the text between sentence or
clause breaks: ". ", "; ", "! ", "? " or a line break), so "a light articulation check-in
monthly is plenty; a decay survey each quarter is usually enough" gives a monthly
check-in and a quarterly survey:

- survey words: survey, assess..., review..., vitality, check/checks/checking (but not
  "check-in");
- articulation words: articulat..., reflect..., retrospective, harvest..., check-in, and
  "what we/they/you/members learned";
- only words within 80 characters of the cadence count, and when both kinds are
  there the nearest wins;
- a clause with neither times the survey when it sits under a section about signs of
  life or decay, vitality or feedback, and nothing otherwise ("a monthly gathering" is
  the community's meeting, not one of the bot's rituals).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import TypeVar

from vitalitybot.patterns.model import Cadence, Duration, Rhythm, Ritual
from vitalitybot.patterns.sections import Outline, Section

_EVERY = r"(?:every|each|once\s+(?:a|an|per|every|each))"
_CADENCES: dict[Cadence, str] = {
    Cadence.WEEKLY: rf"(?<![\w-])weekly\b|\b{_EVERY}\s+week\b",
    Cadence.FORTNIGHTLY: (
        r"\bfortnightly\b|\bbi-?weekly\b|\b(?:every|once\s+a)\s+fortnight\b"
        r"|\bevery\s+(?:two|2|other|second)\s+weeks?\b|\btwice\s+(?:a|per|each|every)\s+month\b"
        r"|\bsemi-?monthly\b"
    ),
    Cadence.MONTHLY: rf"(?<![\w-])monthly\b|\b{_EVERY}\s+month\b|\bevery\s+(?:four|4)\s+weeks\b",
    Cadence.QUARTERLY: (
        rf"(?<![\w-])quarterly\b|\b{_EVERY}\s+quarter\b|\bevery\s+(?:three|3)\s+months\b"
    ),
    Cadence.TWICE_A_YEAR: (
        r"\btwice\s+(?:a|per|each|every)\s+year\b|\btwice[- ]yearly\b|\bsemi-?annual(?:ly)?\b"
        r"|\bbi-?annual(?:ly)?\b|\bevery\s+(?:six|6)\s+months\b|\bhalf[- ]yearly\b"
        r"|\bevery\s+half[- ]year\b"
    ),
    Cadence.YEARLY: (
        rf"(?<![\w-])yearly\b|(?<![\w-])annual(?:ly)?\b|\b{_EVERY}\s+year\b"
        r"|\bevery\s+(?:twelve|12)\s+months\b"
    ),
}
_CADENCE_RE = re.compile(
    "|".join(f"(?P<{c.name}>{pattern})" for c, pattern in _CADENCES.items()), re.IGNORECASE
)
_QUALIFIER = re.compile(
    r"(?:\b(?:at\s+least|at\s+most|roughly|about|approximately|typically|usually|ideally)\s+)$",
    re.IGNORECASE,
)
_JOINER = re.compile(r"^\s*(?:,\s*(?:or\s+|and\s+)?|or|and|to|/|-|–|—)\s*$", re.IGNORECASE)
# Every cadence expression contains one of these words, at most _WORDS_BEFORE words
# (and _BEFORE characters) after its start: "once every three months".
_UNIT_WORDS = ("week", "fortnight", "month", "quarter", "year", "annual")
_UNIT_LENGTHS = {word[0]: len(word) for word in _UNIT_WORDS}
_OPENING_WORDS = ("every", "each", "once", "twice")
_UNIT_WORDS_UTF8 = tuple(word.encode() for word in _UNIT_WORDS)
_NOT_CONTINUATION = bytes(b for b in range(256) if not 0x80 <= b < 0xC0)
_Text = TypeVar("_Text", str, bytes)
_WORDS_BEFORE, _BEFORE = 4, 40
_WORD = re.compile(r"\w+")

_SMALL_TEXT = """
    zero one two three four five six seven eight nine ten eleven twelve thirteen
    fourteen fifteen sixteen seventeen eighteen nineteen
"""
_SMALL = _SMALL_TEXT.split()
_TENS = {"twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70}
NUMBER_WORDS: dict[str, int] = {word: value for value, word in enumerate(_SMALL)}
NUMBER_WORDS.update(_TENS)
NUMBER_WORDS.update(
    {
        f"{tens}-{unit}": value + NUMBER_WORDS[unit]
        for tens, value in _TENS.items()
        for unit in _SMALL[1:10]
    }
)
NUMBER_WORDS.update({"a couple of": 2, "a dozen": 12, "half a dozen": 6})
_NUMBER = "|".join(sorted((re.escape(w) for w in NUMBER_WORDS), key=len, reverse=True))
_NUM = rf"(?:\d{{1,3}}|{_NUMBER})"
_UNIT = r"(?P<unit>weeks?|months?|quarters?|years?|decades?|days?)\b"
_DURATION_RE = re.compile(
    rf"(?<![\w.,])(?P<a>{_NUM})(?:(?:\s*[–—-]\s*|\s+(?:to|or)\s+|-(?:to|or)-)(?P<b>{_NUM}))?"
    r"\+?(?:[\s-]+|-?)"
    rf"(?:(?:more|consecutive|full|further|additional|long|short)\s+)?{_UNIT}"
    r"|(?P<half>\bhalf\s+a\s+year\b)"
    r"|(?<![\w-])(?P<article>a|an|one)\s+(?P<unit1>week|month|year|decade)\b",
    re.IGNORECASE,
)
_DURATION_UNIT = re.compile(r"week|month|quarter|year|decade|day")
_CADENCE_BEFORE = re.compile(r"\b(?:once|twice|times|per|each|every|a)\s*$", re.IGNORECASE)
_UNIT_NAMES = {
    "week": "week",
    "month": "month",
    "quarter": "month",
    "year": "year",
    "decade": "year",
}
_UNIT_FACTOR = {"week": 1, "month": 1, "quarter": 3, "year": 1, "decade": 10}
_CLAUSE_BREAK = re.compile(r"[.;!?](?=\s)|\n")
_RITUAL_WORDS = {
    Ritual.SURVEY: re.compile(
        r"\b(?:surveys?|assess\w*|review\w*|vitality|check(?!-?\s?ins?\b)(?:s|ing)?)\b",
        re.IGNORECASE,
    ),
    Ritual.CHECKIN: re.compile(
        r"\b(?:articulat\w*|reflect\w*|retrospectives?|harvest\w*|check-?\s?ins?"
        r"|what\s+(?:we|they|you|members|people)\s+(?:have\s+)?learn(?:ed|t))\b",
        re.IGNORECASE,
    ),
}
_SURVEY_SECTIONS = re.compile(r"\b(?:signs?|decay|vitality|feedback)\b")
_NEAR = 80  # characters between a ritual word and the cadence it times, at most
_REACH = _NEAR + 40  # far enough either side to see every word that close, whole
_SKIPPED_SECTIONS = ("references", "resources", "sources", "bibliography", "further reading")


def find_cadences(text: str) -> list[tuple[Cadence, str, int]]:
    """Every cadence in ``text`` as (cadence, phrase as written, offset).

    Cadences joined by "or", "and", "to", "/" or "," share one phrase ("monthly or
    quarterly"), together with a leading qualifier such as "at least".
    """
    matches = _cadence_matches(text)
    found: list[tuple[Cadence, str, int]] = []
    group_start = 0
    while group_start < len(matches):
        group_end = group_start + 1
        while group_end < len(matches) and _JOINER.match(
            text[matches[group_end - 1].end() : matches[group_end].start()]
        ):
            group_end += 1
        group = matches[group_start:group_end]
        begin = group[0].start()
        qualifier = _QUALIFIER.search(text, max(0, begin - 20), begin)
        if qualifier is not None:
            begin = qualifier.start()
        phrase = " ".join(text[begin : group[-1].end()].split())
        for match in group:
            assert match.lastgroup is not None
            found.append((Cadence[match.lastgroup], phrase, match.start()))
        group_start = group_end
    return found


def _cadence_matches(text: str) -> list[re.Match[str]]:
    """Cadence expressions in ``text``, in order.

    Running the expression over a whole body tries it at every position; finding the
    unit words with ``str.find`` and trying the expression only at the starts of the few
    words before each one gives the same result for far less work.
    """
    hits = _unit_words(text)
    if hits is None:
        return list(_CADENCE_RE.finditer(text))
    matches: list[re.Match[str]] = []
    covered = 0
    for hit in hits:
        if hit < covered:
            continue
        begin = max(covered, hit - _BEFORE)
        if not _may_be_cadence(text, begin, hit):
            continue
        # Lowering changes no character's being a word character, so the word starts
        # are those of the text itself.
        starts = [w.start() for w in _WORD.finditer(text, begin, hit)]
        for start in (*starts[-_WORDS_BEFORE:], hit):
            match = _CADENCE_RE.match(text, start)
            if match is not None and match.end() > hit:
                matches.append(match)
                covered = match.end()
                break
    return matches


def _may_be_cadence(text: str, begin: int, hit: int) -> bool:
    """Whether a cadence expression can take in the unit word at ``hit``.

    Each one is the word followed by "ly" ("monthly", "bi-weekly"), or "annual", or
    opens with "every", "each", "once" or "twice" at a word start after ``begin``; most
    unit words ("six months", "this year") are none of these and are not tried.
    """
    first = text[hit].lower()
    if first == "a":
        return True
    end = hit + _UNIT_LENGTHS[first]
    if text[end : end + 2].lower() == "ly":
        return True
    before = text[begin:hit]
    if not before.isascii():  # IGNORECASE also reads "ı" and "İ" as "i"
        return True
    before = before.lower()
    return any(keyword in before for keyword in _OPENING_WORDS)


def _unit_words(text: str) -> list[int] | None:
    """Where the unit words start in ``text.lower()``, in order; None when lowering
    changes the text's length ("İ" becomes two characters), so offsets would not match.

    Lowering a long non-ASCII text costs more than all the searching, so such a text is
    searched in its UTF-8 bytes, which lower (ASCII letters only) many times faster: the
    unit words are ASCII, and the only non-ASCII character that lowers to an ASCII letter
    is the Kelvin sign, whose texts take the slow way.
    """
    if text.isascii():
        return _find_all(text.lower(), _UNIT_WORDS)
    if "\u0130" in text:
        return None
    if "\u212a" in text:
        return _find_all(text.lower(), _UNIT_WORDS)
    data = text.encode()
    offsets = _find_all(data.lower(), _UNIT_WORDS_UTF8)
    # Byte offsets -> character offsets: every byte but a UTF-8 continuation byte
    # starts a character.
    found: list[int] = []
    continuations, counted = 0, 0
    for offset in offsets:
        continuations += len(data[counted:offset].translate(None, _NOT_CONTINUATION))
        counted = offset
        found.append(offset - continuations)
    return found


def _find_all(text: _Text, words: tuple[_Text, ...]) -> list[int]:
    """Every offset where one of ``words`` starts, in order (they cannot overlap)."""
    hits: list[int] = []
    for word in words:
        found = text.find(word)
        while found >= 0:
            hits.append(found)
            found = text.find(word, found + 1)
    hits.sort()
    return hits


def find_durations(text: str) -> tuple[Duration, ...]:
    """Every distinct duration in ``text``, in order of first appearance."""
    durations: list[Duration] = []
    for match in _duration_matches(text):
        for duration in _durations_of(match, text):
            if duration not in durations:
                durations.append(duration)
    return tuple(durations)


def _duration_matches(text: str) -> list[re.Match[str]]:
    """Duration expressions in ``text``: the expression is tried only at the starts of
    the few words before each unit word (its alternation of number words is slow to
    run at every position)."""
    lowered = text.lower()
    if len(lowered) != len(text):
        return list(_DURATION_RE.finditer(text))
    hits = sorted(m.start() for m in _DURATION_UNIT.finditer(lowered))
    matches: list[re.Match[str]] = []
    covered = 0
    for hit in hits:
        if hit < covered:
            continue
        starts = [w.start() for w in _WORD.finditer(lowered, max(covered, hit - 48), hit)]
        for start in (*starts[-_WORDS_BEFORE:], hit):
            match = _DURATION_RE.match(text, start)
            if match is not None and match.end() > hit:
                matches.append(match)
                covered = match.end()
                break
    return matches


def _durations_of(match: re.Match[str], text: str) -> Iterator[Duration]:
    if match.group("half"):
        yield Duration(6, "month")
        return
    if match.group("article"):
        if _CADENCE_BEFORE.search(text, max(0, match.start() - 12), match.start()):
            return
        unit = match.group("unit1").lower()
        yield Duration(_UNIT_FACTOR[unit], _UNIT_NAMES[unit])
        return
    unit = match.group("unit").lower().removesuffix("s")
    for amount_text in (match.group("a"), match.group("b")):
        if amount_text is None:
            continue
        amount = _number(amount_text)
        if amount is None or amount <= 0:
            continue
        if unit == "day":
            if amount % 30 == 0:
                yield Duration(amount // 30, "month")
            elif amount >= 7:
                yield Duration(max(1, round(amount / 7)), "week")
            continue
        yield Duration(amount * _UNIT_FACTOR[unit], _UNIT_NAMES[unit])


def _number(text: str) -> int | None:
    if text.isdigit():
        return int(text)
    return NUMBER_WORDS.get(" ".join(text.lower().split()))


def rhythms_in(outline: Outline) -> tuple[Rhythm, ...]:
    """Cadences in the whole body, each with the heading of the section it was found in
    and the ritual its clause names (module docstring).

    Reference lists are skipped: a cited "Annual Review of ..." is not a rhythm.
    """
    text = outline.text
    rhythms: list[Rhythm] = []
    seen: set[tuple[Cadence, str, str, Ritual | None]] = set()
    index, counted = 0, 0
    for cadence, phrase, offset in find_cadences(text):  # offsets only grow
        index += text.count("\n", counted, offset)
        counted = offset
        section = outline.section_at(index)
        if _skipped(section):
            continue
        ritual = ritual_at(text, offset, section)
        key = (cadence, phrase.lower(), section.title, ritual)
        if key not in seen:
            seen.add(key)
            rhythms.append(Rhythm(cadence, phrase, section.title, ritual))
    return tuple(rhythms)


def ritual_at(text: str, offset: int, section: Section) -> Ritual | None:
    """The ritual timed by the cadence at ``offset``: the nearest ritual word in its
    clause, else the survey under a signs/vitality/feedback section, else None."""
    # Only words within _NEAR characters count, so the clause is looked for no further.
    begin = max(0, offset - _REACH)
    start = max((m.end() for m in _CLAUSE_BREAK.finditer(text, begin, offset)), default=begin)
    found = _CLAUSE_BREAK.search(text, offset, offset + _REACH)
    end = found.start() if found else offset + _REACH
    nearest: tuple[int, Ritual] | None = None
    for ritual, words in _RITUAL_WORDS.items():
        for word in words.finditer(text, start, end):
            distance = min(abs(word.start() - offset), abs(word.end() - offset))
            if distance <= _NEAR and (nearest is None or distance < nearest[0]):
                nearest = (distance, ritual)
    if nearest is not None:
        return nearest[1]
    surveyed = any(_SURVEY_SECTIONS.search(node.key) for node in _ancestry(section))
    return Ritual.SURVEY if surveyed else None


def _skipped(section: Section) -> bool:
    return any(node.key.startswith(_SKIPPED_SECTIONS) for node in _ancestry(section))


def _ancestry(section: Section) -> Iterator[Section]:
    node: Section | None = section
    while node is not None:
        yield node
        node = node.parent
