"""Find a pattern by what a person types: slug, title or alias, typos and all.

Discord autocomplete asks on every keystroke and waits at most three seconds for the
whole round trip, so a query must cost well under a couple of milliseconds over the
full corpus (3,600 patterns, ~5,700 keys). Everything that does not depend on the query
is prepared once in ``PatternIndex.__init__``; a query then runs in tiers whose score
ranges do not overlap, and stops as soon as a higher tier has filled the result list:

==========  ====================================================  ==============
tier        the normalised query ...                              score
==========  ====================================================  ==============
exact       equals a key (slug, title or alias)                   100
prefix      starts a key                                          90 – 99
word        starts a word inside a key ("feedb" -> "… feedback")  80 – 89
fuzzy       resembles a key, or its words resemble a key's words  below 80
==========  ====================================================  ==============

Within the prefix and word tiers the query covering more of the key scores higher, so
"open" puts "Open Space" before "Open Source Governance Models"; at equal scores a slug
or title beats another pattern's alias, then titles go alphabetically. The fuzzy tier
takes the better of two cheap scorers: Indel similarity of the whole strings (typos in
a full name) and a word-by-word match against the vocabulary of every key (typos in a
few of the words, in any order). The expensive rapidfuzz scorers (WRatio,
partial_ratio) are deliberately not used: either alone costs more than the whole query
budget over a large library. Cheap pruning keeps the rest well inside it: strings
whose length alone rules out the cutoff are never compared, a query word that exists as
typed gets no typo search, and only the word still being typed (the last) matches as a
prefix.
"""

from __future__ import annotations

import bisect
import logging
import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from rapidfuzz import fuzz, process

from vitalitybot.patterns.model import Pattern

log = logging.getLogger(__name__)

MAX_RESULTS = 25  # Discord's limit on autocomplete choices
EXACT_SCORE = 100.0
PREFIX_BASE = 90.0
WORD_BASE = 80.0
FUZZY_CEILING = 79.0
# Subtracted from an alias's score: "Hybrid Governance Models" is one pattern's title and
# another's alias, and the title should come first. Too small to show in Match.score.
ALIAS_TIEBREAK = 0.001
# Raw fuzzy similarity (0-100) a key needs to appear in results at all ...
SEARCH_CUTOFF = 60.0
# ... and to be taken as what the person meant when only one answer is wanted.
BEST_CUTOFF = 75.0
# Word-level typo tolerance: "comons" ~ "commons" is 92, "practise" ~ "practice" 87.5.
WORD_CUTOFF = 80.0
WORD_PREFIX_SIMILARITY = 90.0
MIN_FUZZY_WORD = 4  # shorter words only match exactly (or as a prefix, when last)
MIN_PREFIX_WORD = 3  # "co" would be a prefix of a thousand words

_LENGTH_SLACK = 1e-9  # see _ByLength.similar
_NON_WORD = re.compile(r"[\W_]+")  # any script's letters and digits are kept


def normalise(text: str) -> str:
    """Fold case, accents and punctuation so "CoP–Commons" and "cop-commons" meet."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(_NON_WORD.sub(" ", plain).split())


@dataclass(frozen=True, slots=True)
class Match:
    slug: str
    title: str
    score: float  # 0-100; results are ordered by it (see the module docstring)


class PatternIndex:
    """Search structures over one library, built once and then only read."""

    def __init__(self, patterns: Iterable[Pattern] | Mapping[str, Pattern]) -> None:
        items = patterns.values() if isinstance(patterns, Mapping) else patterns
        self._patterns: tuple[Pattern, ...] = tuple(
            sorted(items, key=lambda p: (p.title.casefold(), p.slug))
        )
        self._by_slug = {p.slug: p for p in self._patterns}
        self._keys: list[str] = []  # normalised slug / title / alias strings
        self._key_owner: list[int] = []  # index into self._patterns
        self._key_penalty: list[float] = []  # aliases lose ties to slugs and titles
        self._exact: dict[str, list[int]] = {}
        for owner, pattern in enumerate(self._patterns):
            own = {normalise(pattern.slug): 0.0, normalise(pattern.title): 0.0}
            for alias in pattern.aliases:
                own.setdefault(normalise(alias), ALIAS_TIEBREAK)
            for key, penalty in own.items():
                if key:
                    self._exact.setdefault(key, []).append(len(self._keys))
                    self._keys.append(key)
                    self._key_owner.append(owner)
                    self._key_penalty.append(penalty)
        self._key_words = [len(k.split()) for k in self._keys]

        starts = sorted((key, kid) for kid, key in enumerate(self._keys))
        self._prefix_strings = [s for s, _ in starts]
        self._prefix_keys = [kid for _, kid in starts]

        inner = sorted(
            (key[m.end() :], kid)
            for kid, key in enumerate(self._keys)
            for m in re.finditer(" ", key)
        )
        self._word_strings = [s for s, _ in inner]
        self._word_keys = [kid for _, kid in inner]

        postings: dict[str, list[int]] = {}
        for kid, key in enumerate(self._keys):
            for word in set(key.split()):
                postings.setdefault(word, []).append(kid)
        self._vocab = sorted(postings)
        self._postings = [tuple(postings[w]) for w in self._vocab]
        self._vocab_index = {w: i for i, w in enumerate(self._vocab)}
        self._keys_by_length = _ByLength(self._keys)
        self._vocab_by_length = _ByLength(self._vocab)
        self._first = [self._match(i, 0.0) for i in range(min(MAX_RESULTS, len(self._patterns)))]
        log.debug("indexed %d patterns, %d keys", len(self._patterns), len(self._keys))

    def __len__(self) -> int:
        return len(self._patterns)

    def get(self, slug: str) -> Pattern | None:
        return self._by_slug.get(slug)

    def search(self, query: str, limit: int = MAX_RESULTS) -> list[Match]:
        """Best matches first, at most ``min(limit, 25)``; an empty query lists by title."""
        limit = max(0, min(limit, MAX_RESULTS))
        q = normalise(query)
        if not q:
            return self._first[:limit]
        scores = self._ranked(q, limit, SEARCH_CUTOFF)
        return self._top(scores, limit)

    def best(self, query: str) -> Pattern | None:
        """The one pattern the query most plausibly names, or None when nothing is close."""
        q = normalise(query)
        if not q:
            return None
        top = self._top(self._ranked(q, 1, BEST_CUTOFF), 1)
        return self._by_slug[top[0].slug] if top else None

    # -- tiers -------------------------------------------------------------------------

    def _ranked(self, q: str, limit: int, cutoff: float) -> dict[int, float]:
        """Best score per pattern index, tier by tier until ``limit`` patterns are found."""
        scores: dict[int, float] = {}
        for kid in self._exact.get(q, ()):
            self._offer(scores, kid, EXACT_SCORE)
        self._scan(q, self._prefix_strings, self._prefix_keys, PREFIX_BASE, scores)
        if len(scores) >= limit:
            return scores
        self._scan(q, self._word_strings, self._word_keys, WORD_BASE, scores)
        if len(scores) >= limit:
            return scores
        for kid, raw in self._fuzzy(q, cutoff).items():
            self._offer(scores, kid, FUZZY_CEILING * raw / 100.0)
        return scores

    def _offer(self, scores: dict[int, float], kid: int, score: float) -> None:
        """Keep the best score per pattern over all its keys."""
        owner = self._key_owner[kid]
        score -= self._key_penalty[kid]
        if score > scores.get(owner, -1.0):
            scores[owner] = score

    def _scan(
        self, q: str, strings: list[str], keys: list[int], base: float, scores: dict[int, float]
    ) -> None:
        """Score every entry of a sorted list that starts with ``q`` (a contiguous run)."""
        i = bisect.bisect_left(strings, q)
        while i < len(strings) and strings[i].startswith(q):
            kid = keys[i]
            key_len = len(self._keys[kid])
            if key_len > len(q):  # equal length is the exact tier
                self._offer(scores, kid, base + 9.0 * len(q) / key_len)
            i += 1

    def _fuzzy(self, q: str, cutoff: float) -> dict[int, float]:
        """Raw 0-100 similarity per key id: whole-string Indel, or word-by-word."""
        found = self._keys_by_length.similar(q, cutoff)
        for kid, score in self._word_scores(q.split()).items():
            if score >= cutoff and score > found.get(kid, -1.0):
                found[kid] = score
        return found

    def _word_scores(self, tokens: list[str]) -> dict[int, float]:
        """Average, over the query's words, of each word's best match in the key.

        Longer query words weigh more (a typo in "alignment" matters more than a missing
        "of"), and keys with many words the query does not mention are marked down a little
        so that "Feedback Loops" outranks "Feedback Loops in Distributed Governance".
        """
        totals: dict[int, float] = {}
        matched: dict[int, int] = {}
        for position, token in enumerate(tokens):
            last = position == len(tokens) - 1
            weight = len(token)
            for kid, sim in self._token_hits(token, typing=last).items():
                totals[kid] = totals.get(kid, 0.0) + weight * sim
                matched[kid] = matched.get(kid, 0) + 1
        total_weight = float(sum(len(t) for t in tokens))
        key_words = self._key_words
        return {
            kid: total / total_weight * (0.9 + 0.1 * min(1.0, matched[kid] / key_words[kid]))
            for kid, total in totals.items()
        }

    def _token_hits(self, token: str, *, typing: bool) -> dict[int, float]:
        """Similarity of one query word to the key words it resembles, per key id.

        A word found as it is in the vocabulary is taken as meant (no typo search), and
        only the last word, the one still being typed, also matches as a prefix, from
        three letters on: "in" or "co" would otherwise pull in a thousand keys for nothing.
        """
        hits: dict[int, float] = {}

        def credit(word_index: int, sim: float) -> None:
            for kid in self._postings[word_index]:
                if sim > hits.get(kid, -1.0):
                    hits[kid] = sim

        exact = self._vocab_index.get(token)
        if exact is not None:
            credit(exact, 100.0)
        if typing and len(token) >= MIN_PREFIX_WORD:
            i = bisect.bisect_right(self._vocab, token)
            while i < len(self._vocab) and self._vocab[i].startswith(token):
                credit(i, WORD_PREFIX_SIMILARITY)
                i += 1
        if exact is None and len(token) >= MIN_FUZZY_WORD:
            for index, sim in self._vocab_by_length.similar(token, WORD_CUTOFF).items():
                credit(index, min(sim, 99.0))
        return hits

    # -- results -----------------------------------------------------------------------

    def _top(self, scores: dict[int, float], limit: int) -> list[Match]:
        ranked = sorted(scores.items(), key=lambda item: (-item[1], item[0]))[:limit]
        return [self._match(owner, score) for owner, score in ranked]

    def _match(self, owner: int, score: float) -> Match:
        pattern = self._patterns[owner]
        return Match(pattern.slug, pattern.title, round(score, 2))


@dataclass(frozen=True, slots=True)
class Resolution:
    """What a typed pattern name resolved to: the pattern, or else the closest names."""

    pattern: Pattern | None
    close: tuple[Match, ...] = ()  # best first; empty when a pattern was found


def resolve(index: PatternIndex, name: str, *, typos: bool = False, close: int = 3) -> Resolution:
    """The pattern ``name`` names: its slug, else exactly its title or an alias, else (with
    ``typos``) the one pattern the name most plausibly means (:meth:`PatternIndex.best`).

    Every place that turns a typed name into a pattern (commands, the terminal, the
    simulator) comes here, so a name finds the same pattern everywhere. Reading a pattern
    tolerates typos; adopting or dropping one does not, since a near miss there would
    change what a community watches. When nothing resolves, ``close`` names that come
    nearest are returned for the refusal to offer.
    """
    found = index.get(name.strip())
    if found is not None:
        return Resolution(found)
    matches = index.search(name, limit=max(close, 1))
    if matches and matches[0].score >= EXACT_SCORE:
        return Resolution(index.get(matches[0].slug))
    found = index.best(name) if typos else None
    return Resolution(found) if found is not None else Resolution(None, tuple(matches[:close]))


class _ByLength:
    """Strings sorted by length, so a similarity search skips hopeless lengths.

    Indel similarity is at most ``1 - |a - b| / (a + b)`` for lengths a and b, so for a
    cutoff c (0 < c <= 1) only lengths within ``[a c / (2 - c), a (2 - c) / c]`` can
    reach it; the rest is never handed to rapidfuzz.
    """

    def __init__(self, strings: list[str]) -> None:
        order = sorted(range(len(strings)), key=lambda i: len(strings[i]))
        self._strings = [strings[i] for i in order]
        self._ids = order
        self._lengths = [len(s) for s in self._strings]

    def similar(self, text: str, cutoff: float) -> dict[int, float]:
        """Original index -> similarity (0-100) of every string scoring at least ``cutoff``."""
        c = cutoff / 100.0
        n = len(text)
        if c > 0:
            # The slack keeps a length whose bound equals the cutoff despite rounding.
            lo = bisect.bisect_left(self._lengths, n * c / (2 - c) - _LENGTH_SLACK)
            hi = bisect.bisect_right(self._lengths, n * (2 - c) / c + _LENGTH_SLACK)
        else:
            lo, hi = 0, len(self._lengths)
        window = self._strings[lo:hi]
        return {
            self._ids[lo + i]: score
            for _, score, i in process.extract(
                text, window, scorer=fuzz.ratio, processor=None, limit=None, score_cutoff=cutoff
            )
        }
