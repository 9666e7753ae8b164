"""The vitality loop's use-cases: what the Discord adapter, the CLI and the simulator call.

Every entry point takes guild and member ids (ints) and returns records, views or
rendered ``Message``s; refusals are ``ServiceError``s whose text can be shown as is.
Build a ``Services`` (database, pattern library, clock, notifier, member directory,
template environment), attach a ``ScheduleKeeper`` over a runner, and ``start`` it.
"""

from __future__ import annotations

from vitalitybot.services.answers import (
    ANSWER_TEXT_MAX,
    AnswerForm,
    AnswerReceipt,
    answer_form,
    current_scores,
    my_answers,
    record_answers,
    skip_round,
)
from vitalitybot.services.app import DEFAULT_GRACE, Services
from vitalitybot.services.closing import CloseResult, close_now, close_round
from vitalitybot.services.communities import (
    AdoptedView,
    AdoptResult,
    DropResult,
    ScheduleView,
    adopt_pattern,
    drop_pattern,
    list_adopted,
    resolve_pattern,
    set_options,
    set_schedule,
    set_threshold,
)
from vitalitybot.services.errors import (
    InvalidAnswer,
    InvalidSetting,
    NotAllowed,
    NotConfigured,
    PatternNotAdopted,
    RoundAlreadyOpen,
    RoundClosed,
    RoundNotFound,
    ServiceError,
    UnknownCommunity,
    UnknownPattern,
    WhichCommunity,
)
from vitalitybot.services.harvest import (
    export_harvest_markdown,
    harvest_message,
    latest_harvest,
)
from vitalitybot.services.keeper import ScheduleKeeper, StartReport
from vitalitybot.services.member_export import export_member, export_member_in
from vitalitybot.services.members import (
    ForgetReport,
    forget_member,
    forget_member_in,
    member_prefs,
    member_scope,
    pause_member,
    pause_member_in,
    resume_member,
    resume_member_in,
    set_reminders,
    set_reminders_in,
)
from vitalitybot.services.messages import kind_name, prompt_for
from vitalitybot.services.places import Place, find_community
from vitalitybot.services.portfolio import (
    CommunityPortfolio,
    Portfolio,
    check_sponsor,
    may_read_portfolio,
    portfolio,
    portfolio_message,
    set_sponsors,
)
from vitalitybot.services.ports import (
    DeliveryError,
    DiscardingNotifier,
    MemberDirectory,
    Notifier,
    PostRef,
)
from vitalitybot.services.privacy import PrivacySettings, privacy_settings, set_privacy
from vitalitybot.services.reminders import remind
from vitalitybot.services.rounds import open_now, open_round
from vitalitybot.services.setup import check_coordinator, setup_community
from vitalitybot.services.status import CommunityStatus, RoundView, status, status_message
from vitalitybot.services.views import ParticipationView, SignScoreView

__all__ = [
    "ANSWER_TEXT_MAX",
    "DEFAULT_GRACE",
    "AdoptResult",
    "AdoptedView",
    "AnswerForm",
    "AnswerReceipt",
    "CloseResult",
    "CommunityPortfolio",
    "CommunityStatus",
    "DeliveryError",
    "DiscardingNotifier",
    "DropResult",
    "ForgetReport",
    "InvalidAnswer",
    "InvalidSetting",
    "MemberDirectory",
    "NotAllowed",
    "NotConfigured",
    "Notifier",
    "ParticipationView",
    "PatternNotAdopted",
    "Place",
    "Portfolio",
    "PostRef",
    "PrivacySettings",
    "RoundAlreadyOpen",
    "RoundClosed",
    "RoundNotFound",
    "RoundView",
    "ScheduleKeeper",
    "ScheduleView",
    "ServiceError",
    "Services",
    "SignScoreView",
    "StartReport",
    "UnknownCommunity",
    "UnknownPattern",
    "WhichCommunity",
    "adopt_pattern",
    "answer_form",
    "check_coordinator",
    "check_sponsor",
    "close_now",
    "close_round",
    "current_scores",
    "drop_pattern",
    "export_harvest_markdown",
    "export_member",
    "export_member_in",
    "find_community",
    "forget_member",
    "forget_member_in",
    "harvest_message",
    "kind_name",
    "latest_harvest",
    "list_adopted",
    "may_read_portfolio",
    "member_prefs",
    "member_scope",
    "my_answers",
    "open_now",
    "open_round",
    "pause_member",
    "pause_member_in",
    "portfolio",
    "portfolio_message",
    "privacy_settings",
    "prompt_for",
    "record_answers",
    "remind",
    "resolve_pattern",
    "resume_member",
    "resume_member_in",
    "set_options",
    "set_privacy",
    "set_reminders",
    "set_reminders_in",
    "set_schedule",
    "set_sponsors",
    "set_threshold",
    "setup_community",
    "skip_round",
    "status",
    "status_message",
]
