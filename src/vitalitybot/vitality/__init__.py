"""Pure vitality functions: survey plans, scores, thresholds, participation, suggestions.

No I/O, no database, no Discord: services feed these plain values and store the results.
"""

from __future__ import annotations

from vitalitybot.domain.scale import HIGH, SCALE, ScalePoint
from vitalitybot.vitality.anonymity import RoundKeys, respondent_key
from vitalitybot.vitality.follow_up import ReplantReason, SignHistory
from vitalitybot.vitality.months import months_between
from vitalitybot.vitality.participation import (
    participation_drop,
    participation_rate,
    trailing_mean,
)
from vitalitybot.vitality.prompts import DEFAULT_PROMPTS, Prompt, checkin_prompts
from vitalitybot.vitality.scores import SignScore, Threshold, crosses, display, visible
from vitalitybot.vitality.suggestions import (
    Crossing,
    SuggestedStep,
    Suggestion,
    advice_key,
    participation_suggestion,
    suggest,
)
from vitalitybot.vitality.survey import SignKind, SurveyItem, item_text, plan_survey

__all__ = [
    "DEFAULT_PROMPTS",
    "HIGH",
    "SCALE",
    "Crossing",
    "Prompt",
    "ReplantReason",
    "RoundKeys",
    "ScalePoint",
    "SignHistory",
    "SignKind",
    "SignScore",
    "SuggestedStep",
    "Suggestion",
    "SurveyItem",
    "Threshold",
    "advice_key",
    "checkin_prompts",
    "crosses",
    "display",
    "item_text",
    "months_between",
    "participation_drop",
    "participation_rate",
    "participation_suggestion",
    "plan_survey",
    "respondent_key",
    "suggest",
    "trailing_mean",
    "visible",
]
