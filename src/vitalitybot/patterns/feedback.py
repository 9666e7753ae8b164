"""What counts as being about feedback: a step that closes the loop, a sign that nothing
comes back.

One vocabulary decides both, so a sign the bot reads as "about feedback" is answered by
the steps it reads as closing the loop (:mod:`vitalitybot.vitality.suggestions`), and the
simulator's community suffers most on exactly those signs. A step's title says what the
step does, so it counts when it names feedback itself. A sign describes a symptom, so it
also counts when it names how feedback fails: loops, flows, silence, answers that vanish.
Words are compared as English Snowball stems, so "loops", "flowing" and "silence" count,
while whole-word matching keeps "workflow" out.
"""

from __future__ import annotations

import re

import snowballstemmer

from vitalitybot.patterns.model import Sign

# A text names feedback with the word itself, with "close the loop" ...
FEEDBACK_STEMS = frozenset({"feedback"})
# ... or with one of these verbs followed by "back": "signals back", "hear(s) back",
# "heard back", "report back", "feed back", "comes back", "came back".
BACK_VERBS = frozenset({"signal", "hear", "heard", "report", "feed", "come", "came"})
# A sign also speaks of feedback failing with: loop(s), flow(s/ing), silence, silent,
# unheard, unanswered, vanish(es).
FAILING_STEMS = frozenset({"loop", "flow", "silenc", "silent", "unheard", "unansw", "vanish"})

_WORD = re.compile(r"[a-z]+")
_ARTICLES = frozenset({"the", "a", "our", "each"})
_stemmer = snowballstemmer.stemmer("english")


class _Stems(dict[str, str]):
    """Stems by word, each worked out when the word is first met: step titles across a
    library share most of their words, so each is stemmed once rather than per title."""

    def __missing__(self, word: str) -> str:
        stem = self[word] = str(_stemmer.stemWord(word))
        return stem


_stems = _Stems()


# Each way of naming feedback above puts one of these in the casefolded text: the word
# "feedback", a verb and "back", or a word that stems to "loop" (English Snowball only
# rewrites endings that cannot make "loop", so such a word has "loop" in it). A text
# without them is settled without stemming its words, as most step titles are.
_NAMING_FEEDBACK_NEEDS = ("back", "loop")


def is_about_feedback(text: str) -> bool:
    """Whether ``text`` (a step's title, say) names feedback or closing the loop."""
    folded = text.casefold()
    if not any(part in folded for part in _NAMING_FEEDBACK_NEEDS):
        return False
    return _names_feedback(*_words_and_stems(folded))


def is_feedback_sign(sign: Sign) -> bool:
    """Whether a sign is about missing feedback or flow, from all the words it has."""
    text = " ".join((sign.title, sign.text, sign.survey_wording or ""))
    words, stems = _words_and_stems(text.casefold())
    return _names_feedback(words, stems) or not FAILING_STEMS.isdisjoint(stems)


def _words_and_stems(folded: str) -> tuple[list[str], list[str]]:
    """The words of a casefolded text and their stems."""
    words = _WORD.findall(folded)
    return words, list(map(_stems.__getitem__, words))


def _names_feedback(words: list[str], stems: list[str]) -> bool:
    if not FEEDBACK_STEMS.isdisjoint(stems):
        return True
    for position, stem in enumerate(stems):
        following = words[position + 1 : position + 3]
        if stem in BACK_VERBS and following[:1] == ["back"]:
            return True
        if stem == "close":  # "close the loop", "closing loops"
            nouns = [word for word in following if word not in _ARTICLES]
            if nouns[:1] and _stems[nouns[0]] == "loop":
                return True
    return False
