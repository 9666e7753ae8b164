"""The tables, as SQLAlchemy 2 ``Mapped[]`` models.

Only ``storage/`` sees these classes; each has ``to_record()`` turning a row into the
frozen record the rest of the bot uses. The Alembic revisions, applied in order, build
exactly these tables (a test compares them), so a change here needs a new revision.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from vitalitybot.domain import records as r
from vitalitybot.domain.privacy import DEFAULT_MIN_RESPONDENTS
from vitalitybot.storage.commitment_row import CommitmentRow as CommitmentRow
from vitalitybot.storage.model_base import (
    KIND,
    SLUG,
    Base,
    community_fk,
    round_fk,
)
from vitalitybot.storage.schedule_row import ScheduleRow as ScheduleRow
from vitalitybot.storage.schedule_row import schedule_record as schedule_record
from vitalitybot.storage.servers import ServerRow as ServerRow


class CommunityRow(Base):
    __tablename__ = "communities"
    # A server holds several communities; within it, each is known by its name.
    __table_args__ = (UniqueConstraint("guild_id", "name"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    guild_id: Mapped[int] = mapped_column(BigInteger)
    name: Mapped[str] = mapped_column(String(200))
    timezone: Mapped[str] = mapped_column(String(64), default="UTC")
    coordinator_role_id: Mapped[int | None] = mapped_column(BigInteger)
    steward_role_id: Mapped[int | None] = mapped_column(BigInteger)
    channel_id: Mapped[int | None] = mapped_column(BigInteger)
    category_id: Mapped[int | None] = mapped_column(BigInteger)
    threshold: Mapped[float] = mapped_column(Float, default=0.5)
    min_respondents: Mapped[int] = mapped_column(Integer, default=DEFAULT_MIN_RESPONDENTS)
    max_items: Mapped[int] = mapped_column(Integer, default=8)
    anonymous: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime]
    # A server default too: rows written by hand (a backup script, an operator's SQL)
    # get the same safe setting as rows the bot writes.
    who_commits: Mapped[str] = mapped_column(
        String(KIND),
        default=r.WhoCommits.COORDINATORS.value,
        server_default=r.WhoCommits.COORDINATORS.value,
    )

    def to_record(self) -> r.Community:
        return r.Community(
            id=self.id,
            guild_id=self.guild_id,
            name=self.name,
            timezone=self.timezone,
            coordinator_role_id=self.coordinator_role_id,
            steward_role_id=self.steward_role_id,
            channel_id=self.channel_id,
            category_id=self.category_id,
            threshold=self.threshold,
            min_respondents=self.min_respondents,
            max_items=self.max_items,
            anonymous=self.anonymous,
            created_at=self.created_at,
            who_commits=r.WhoCommits(self.who_commits),
        )


class AdoptedPatternRow(Base):
    __tablename__ = "adopted_patterns"
    __table_args__ = (UniqueConstraint("community_id", "pattern_slug"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    community_id: Mapped[int] = community_fk()
    pattern_slug: Mapped[str] = mapped_column(String(SLUG))
    adopted_at: Mapped[datetime]

    def to_record(self) -> r.AdoptedPattern:
        return r.AdoptedPattern(
            community_id=self.community_id,
            pattern_slug=self.pattern_slug,
            adopted_at=self.adopted_at,
        )


class RoundRow(Base):
    __tablename__ = "rounds"
    __table_args__ = (
        # The guard against a double fire: a second open of the same period conflicts.
        UniqueConstraint("community_id", "kind", "pattern_slug", "period"),
        Index("ix_rounds_community_id_status", "community_id", "status"),
        Index("ix_rounds_community_id_opened_at", "community_id", "opened_at"),
        Index("ix_rounds_status_closes_at", "status", "closes_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    community_id: Mapped[int] = community_fk()
    kind: Mapped[str] = mapped_column(String(KIND))
    pattern_slug: Mapped[str] = mapped_column(String(SLUG), default="")
    period: Mapped[str] = mapped_column(String(32))
    status: Mapped[str] = mapped_column(String(KIND), default=r.RoundStatus.OPEN.value)
    anonymous: Mapped[bool] = mapped_column(Boolean, default=True)
    min_respondents: Mapped[int] = mapped_column(Integer)
    opened_at: Mapped[datetime]
    closes_at: Mapped[datetime]
    closed_at: Mapped[datetime | None]
    reminded_at: Mapped[datetime | None]
    eligible_members: Mapped[int | None] = mapped_column(Integer)
    channel_id: Mapped[int | None] = mapped_column(BigInteger)
    message_id: Mapped[int | None] = mapped_column(BigInteger)
    thread_id: Mapped[int | None] = mapped_column(BigInteger)
    # The round key sealed under the bot key (vitality/anonymity.py), both hex; set while
    # the round is open and NULL once it has ended, so its answers can no longer be linked.
    key_nonce: Mapped[str | None] = mapped_column(String(64))
    sealed_key: Mapped[str | None] = mapped_column(String(128))

    def to_record(self) -> r.Round:
        return r.Round(
            id=self.id,
            community_id=self.community_id,
            kind=r.RoundKind(self.kind),
            pattern_slug=self.pattern_slug,
            period=self.period,
            status=r.RoundStatus(self.status),
            anonymous=self.anonymous,
            min_respondents=self.min_respondents,
            opened_at=self.opened_at,
            closes_at=self.closes_at,
            closed_at=self.closed_at,
            reminded_at=self.reminded_at,
            eligible_members=self.eligible_members,
            channel_id=self.channel_id,
            message_id=self.message_id,
            thread_id=self.thread_id,
        )


class QuestionRow(Base):
    __tablename__ = "questions"
    __table_args__ = (UniqueConstraint("round_id", "position"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    round_id: Mapped[int] = round_fk()
    position: Mapped[int] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(KIND))
    pattern_slug: Mapped[str] = mapped_column(String(SLUG), default="")
    sign_id: Mapped[str | None] = mapped_column(String(SLUG))
    text: Mapped[str] = mapped_column(Text)

    def to_record(self) -> r.Question:
        return r.Question(
            id=self.id,
            round_id=self.round_id,
            position=self.position,
            kind=r.QuestionKind(self.kind),
            pattern_slug=self.pattern_slug,
            sign_id=self.sign_id,
            text=self.text,
        )


class RespondentRow(Base):
    __tablename__ = "respondents"
    __table_args__ = (
        UniqueConstraint("round_id", "respondent_key"),
        Index("ix_respondents_respondent_key", "respondent_key"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    round_id: Mapped[int] = round_fk()
    respondent_key: Mapped[str] = mapped_column(String(128))
    status: Mapped[str] = mapped_column(String(KIND))
    updated_at: Mapped[datetime]

    def to_record(self) -> r.Respondent:
        return r.Respondent(
            round_id=self.round_id,
            respondent_key=self.respondent_key,
            status=r.RespondentStatus(self.status),
            updated_at=self.updated_at,
        )


class AnswerRow(Base):
    __tablename__ = "answers"
    __table_args__ = (
        # Also the index the per-question aggregate walks (round_id, question_id, ...).
        UniqueConstraint("round_id", "question_id", "respondent_key"),
        Index("ix_answers_question_id", "question_id"),
        Index("ix_answers_respondent_key", "respondent_key"),
        Index("ix_answers_member_id", "member_id"),
        CheckConstraint("value IS NULL OR (value >= 1 AND value <= 5)", name="value_range"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    round_id: Mapped[int] = round_fk()
    question_id: Mapped[int] = mapped_column(
        ForeignKey("questions.id", ondelete="CASCADE"), nullable=False
    )
    respondent_key: Mapped[str] = mapped_column(String(128))
    member_id: Mapped[int | None] = mapped_column(BigInteger)
    value: Mapped[int | None] = mapped_column(Integer)
    text: Mapped[str | None] = mapped_column(Text)
    shared: Mapped[bool] = mapped_column(Boolean, default=False)
    answered_at: Mapped[datetime]

    def to_record(self) -> r.Answer:
        return r.Answer(
            id=self.id,
            round_id=self.round_id,
            question_id=self.question_id,
            respondent_key=self.respondent_key,
            member_id=self.member_id,
            value=self.value,
            text=self.text,
            shared=self.shared,
            answered_at=self.answered_at,
        )


class ScoreRow(Base):
    __tablename__ = "scores"
    __table_args__ = (UniqueConstraint("round_id", "pattern_slug", "sign_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    round_id: Mapped[int] = round_fk()
    pattern_slug: Mapped[str] = mapped_column(String(SLUG))
    sign_id: Mapped[str] = mapped_column(String(SLUG))
    n: Mapped[int] = mapped_column(Integer)
    mean: Mapped[float | None] = mapped_column(Float)
    share_high: Mapped[float | None] = mapped_column(Float)
    crossed: Mapped[bool] = mapped_column(Boolean, default=False)

    def to_record(self) -> r.ScoreRecord:
        return r.ScoreRecord(
            round_id=self.round_id,
            pattern_slug=self.pattern_slug,
            sign_id=self.sign_id,
            n=self.n,
            mean=self.mean,
            share_high=self.share_high,
            crossed=self.crossed,
        )


class SuggestionRow(Base):
    __tablename__ = "suggestions"
    __table_args__ = (
        UniqueConstraint("round_id", "pattern_slug", "sign_id", "kind"),
        Index("ix_suggestions_community_id_posted_at", "community_id", "posted_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    community_id: Mapped[int] = community_fk()
    round_id: Mapped[int] = round_fk()
    pattern_slug: Mapped[str] = mapped_column(String(SLUG))
    sign_id: Mapped[str] = mapped_column(String(SLUG))
    kind: Mapped[str] = mapped_column(String(KIND))
    posted_at: Mapped[datetime]
    acknowledged_at: Mapped[datetime | None]

    def to_record(self) -> r.SuggestionRecord:
        return r.SuggestionRecord(
            id=self.id,
            community_id=self.community_id,
            round_id=self.round_id,
            pattern_slug=self.pattern_slug,
            sign_id=self.sign_id,
            kind=r.SuggestionKind(self.kind),
            posted_at=self.posted_at,
            acknowledged_at=self.acknowledged_at,
        )


class MemberPrefsRow(Base):
    __tablename__ = "member_prefs"
    __table_args__ = (
        UniqueConstraint("community_id", "member_id"),
        Index("ix_member_prefs_member_id", "member_id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    community_id: Mapped[int] = community_fk()
    member_id: Mapped[int] = mapped_column(BigInteger)
    paused: Mapped[bool] = mapped_column(Boolean, default=False)
    reminders_off: Mapped[bool] = mapped_column(Boolean, default=False)
    updated_at: Mapped[datetime]

    def to_record(self) -> r.MemberPrefs:
        return r.MemberPrefs(
            community_id=self.community_id,
            member_id=self.member_id,
            paused=self.paused,
            reminders_off=self.reminders_off,
            updated_at=self.updated_at,
        )


class HarvestRow(Base):
    __tablename__ = "harvests"
    __table_args__ = (Index("ix_harvests_community_id_created_at", "community_id", "created_at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    round_id: Mapped[int] = mapped_column(
        ForeignKey("rounds.id", ondelete="CASCADE"), nullable=False, unique=True
    )
    community_id: Mapped[int] = community_fk()
    created_at: Mapped[datetime]
    participants: Mapped[int] = mapped_column(Integer)
    markdown: Mapped[str] = mapped_column(Text)

    def to_record(self) -> r.Harvest:
        return r.Harvest(
            id=self.id,
            round_id=self.round_id,
            community_id=self.community_id,
            created_at=self.created_at,
            participants=self.participants,
            markdown=self.markdown,
        )


class DeliveryRow(Base):
    """A post: waiting in the outbox (``pending``), then ``sent`` or ``failed``."""

    __tablename__ = "deliveries"
    __table_args__ = (
        Index("ix_deliveries_community_id_created_at", "community_id", "created_at"),
        Index("ix_deliveries_status_next_attempt_at", "status", "next_attempt_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    community_id: Mapped[int] = community_fk()
    round_id: Mapped[int | None] = mapped_column(ForeignKey("rounds.id", ondelete="SET NULL"))
    kind: Mapped[str] = mapped_column(String(64))
    status: Mapped[str] = mapped_column(String(KIND))
    error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime]
    reported_at: Mapped[datetime | None]  # when the coordinator was told of this failure
    payload: Mapped[str | None] = mapped_column(Text)  # the message to send, as JSON
    nonce: Mapped[str | None] = mapped_column(String(25))  # Discord refuses a second copy
    attempts: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    next_attempt_at: Mapped[datetime | None]
    message_id: Mapped[int | None] = mapped_column(BigInteger)  # where Discord put it

    def to_record(self) -> r.Delivery:
        return r.Delivery(
            id=self.id,
            community_id=self.community_id,
            round_id=self.round_id,
            kind=self.kind,
            status=r.DeliveryStatus(self.status),
            error=self.error,
            created_at=self.created_at,
        )
