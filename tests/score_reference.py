"""The plain-Python score of a list of ratings: what the SQL aggregate must agree with.

Production scores come from the database (``AnswerRepository.aggregate``); this is the
obvious definition written out once, so the storage tests can check the query against it
and the rule tests can build scores from ratings.
"""

from __future__ import annotations

from collections.abc import Iterable

from vitalitybot.domain import scale
from vitalitybot.vitality.scores import SignScore


def reference_score(values: Iterable[int]) -> SignScore:
    answers = list(values)
    for value in answers:
        if not scale.is_valid(value):
            raise ValueError(f"answer {value!r} is not on the {scale.LOW}–{scale.MAX} scale")
    if not answers:
        return SignScore(0, 0.0, 0.0)
    high = sum(1 for value in answers if value >= scale.HIGH)
    return SignScore(len(answers), sum(answers) / len(answers), high / len(answers))
