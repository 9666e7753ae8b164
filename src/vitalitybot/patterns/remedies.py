"""Which implementation step answers which sign of decay.

A pattern names its decay signs and its implementation steps but rarely links them. The
link is inferred from shared vocabulary (docs/remedy-mapping.md explains it for
coordinators): each step and each sign becomes a TF-IDF vector over stemmed words, stop
words removed, titles counted several times so that "Establish a feedback mechanism"
speaks louder than a passing mention of feedback in another step's body. A sign is
answered by the step whose vector points the same way (cosine similarity), plus the
runner-up when it is nearly as close. IDF is computed over the pattern's own steps, so a
word every step uses ("community") weighs little and the mapping never depends on other
files in the library.

Mappings written in the pattern's ``vitalitybot.signs.<id>.remedy`` block always win.
The parser keeps only those; the others are inferred when a remedy is asked for
(:meth:`Pattern.remedies_in_effect`), by the same code whoever asks.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from itertools import chain

import snowballstemmer

from vitalitybot.patterns.feedback import is_about_feedback
from vitalitybot.patterns.model import Remedy, RemedySource, Sign, Step

STEP_TITLE_WEIGHT = 3  # a step's title words count this many times
SIGN_TITLE_WEIGHT = 2  # a sign's title words count this many times
SECOND_STEP_RATIO = 0.8  # the runner-up is offered when this close to the best
MIN_SIMILARITY = 0.05  # below this the sign and the step share only incidental words

_WORD = re.compile(r"[a-z]+")  # "don't" -> "don", "t": both dropped as stop words
_STOP_WORDS_TEXT = """
    a about above after again against all also am an and any are as at be because been
    can cannot couldn d didn doesn don hadn hasn haven isn ll m re s shouldn t ve wasn
    weren won wouldn before being below between both but by can could did do does doing
    done down during each either even ever every few for from further had has have
    having he her here hers herself him himself his how i if in into is it its itself
    just let like made make makes many may me might more most much must my myself no nor
    not now of off often on once one only or other others our ours ourselves out over
    own per rather really same say says she should since so some still such than that
    the their theirs them themselves then there these they this those through thus to
    too under until up upon us use used very via was we well were what when where
    whether which while who whom whose why will with within without would yet you your
    yours yourself yourselves
"""
# Words that say nothing about a subject; the contractions' leftovers ("don", "t") too.
STOP_WORDS = frozenset(_STOP_WORDS_TEXT.split())

_stemmer = snowballstemmer.stemmer("english")
# Lower-case ASCII letters stay, every other byte becomes a space.
_LETTERS = bytes(b if 0x61 <= b <= 0x7A else 0x20 for b in range(256))
# The only characters that str.lower() turns into ASCII letters: "İ" -> "i̇", "K" -> "k".
_DOTTED_I, _KELVIN = "\u0130", "\u212a"


class _Stems(dict[bytes, str]):
    """Stems by word (ASCII bytes), each worked out when the word is first met; "" for a
    stop word or a one-letter stem, which are dropped."""

    def __missing__(self, word: bytes) -> str:
        text = word.decode()
        stem: str = _stemmer.stemWord(text)
        found = "" if text in STOP_WORDS or len(stem) < 2 else stem
        self[word] = found
        return found


_stems = _Stems()


def _words(text: str) -> list[bytes]:
    """The words of ``text`` lower-cased, ``_WORD.findall(text.lower())`` as bytes."""
    if not text.isascii() and (_DOTTED_I in text or _KELVIN in text):
        return [word.encode() for word in _WORD.findall(text.lower())]
    # Twice as fast as the expression: in UTF-8 a non-ASCII character is bytes above
    # 0x7F, which separate words just as the character does.
    return text.encode().lower().translate(_LETTERS).split()


def tokens(text: str) -> list[str]:
    """Stemmed content words of ``text``: the terms both vectors are built from."""
    return list(filter(None, map(_stems.__getitem__, _words(text))))


def _weighted(title: str, body: str, title_weight: int) -> Counter[str]:
    counts = Counter(filter(None, map(_stems.__getitem__, _words(body))))
    for term in tokens(title):
        counts[term] += title_weight
    return counts


_SUBLINEAR = [0.0] + [1.0 + math.log(n) for n in range(1, 64)]


def _vector(counts: Counter[str], idf: Mapping[str, float]) -> tuple[dict[str, float], float]:
    """Sublinear TF (1 + ln n) times IDF, and the vector's length."""
    sublinear = _SUBLINEAR
    vector = {
        t: (sublinear[n] if n < 64 else 1.0 + math.log(n)) * idf[t] for t, n in counts.items()
    }
    return vector, math.hypot(*vector.values())


def similarities(signs: Sequence[Sign], steps: Sequence[Step]) -> list[list[float]]:
    """Cosine similarity of every sign (rows) to every step (columns).

    Document frequencies count the steps and the signs together, so the pattern's own
    subject ("CoP", "commons"), which runs through all of them, weighs little, and the
    words that single out one step or one sign weigh most.
    """
    step_counts = [_weighted(s.title, s.text, STEP_TITLE_WEIGHT) for s in steps]
    sign_counts = [_weighted(s.title, s.text, SIGN_TITLE_WEIGHT) for s in signs]
    # In how many documents each term occurs (iterating a Counter gives its terms).
    frequency = Counter(chain.from_iterable((*step_counts, *sign_counts)))
    documents = len(step_counts) + len(sign_counts)
    by_frequency = [math.log((1 + documents) / (1 + df)) + 1.0 for df in range(documents + 1)]
    idf = {t: by_frequency[df] for t, df in frequency.items()}
    step_vectors = [_vector(counts, idf) for counts in step_counts]
    rows: list[list[float]] = []
    for counts in sign_counts:
        query, query_length = _vector(counts, idf)
        rows.append(
            [
                _dot(query, vector) / (query_length * length) if query_length and length else 0.0
                for vector, length in step_vectors
            ]
        )
    return rows


def _dot(a: Mapping[str, float], b: Mapping[str, float]) -> float:
    return sum([a[t] * b[t] for t in a.keys() & b.keys()])


def infer_remedies(signs: Sequence[Sign], steps: Sequence[Step]) -> tuple[Remedy, ...]:
    """The closest step (and a close runner-up) for each sign; signs sharing no real
    vocabulary with any step get no remedy rather than a guess."""
    if not signs or not steps:
        return ()
    remedies: list[Remedy] = []
    for sign, row in zip(signs, similarities(signs, steps), strict=True):
        # Most similar first; a stable sort keeps equally similar steps in step order.
        ranked = sorted(range(len(steps)), key=row.__getitem__, reverse=True)
        best = ranked[0]
        if row[best] < MIN_SIMILARITY:
            continue
        chosen = [best]
        if len(ranked) > 1 and row[ranked[1]] >= SECOND_STEP_RATIO * row[best]:
            chosen.append(ranked[1])
        remedies.append(
            Remedy(
                sign_id=sign.id,
                step_numbers=tuple(steps[i].number for i in chosen),
                source=RemedySource.SIMILARITY,
                confidence=round(row[best], 3),
            )
        )
    return tuple(remedies)


def with_inferred(
    signs: Sequence[Sign], steps: Sequence[Step], stated: Iterable[Remedy]
) -> tuple[Remedy, ...]:
    """Stated remedies where the pattern gives them, inferred ones for the other signs,
    in the order of the signs."""
    by_sign = {r.sign_id: r for r in stated}
    if all(sign.id in by_sign for sign in signs):
        inferred = {}
    else:
        inferred = {r.sign_id: r for r in infer_remedies(signs, steps)}
    return tuple(
        remedy for sign in signs if (remedy := by_sign.get(sign.id) or inferred.get(sign.id))
    )


def feedback_steps_for(steps: Iterable[Step], explicit: Sequence[int] | None) -> tuple[int, ...]:
    """The pattern's stated feedback steps, else the steps whose title is about feedback."""
    if explicit is not None:
        return tuple(explicit)
    return tuple(step.number for step in steps if is_about_feedback(step.title))
