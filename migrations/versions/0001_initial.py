"""The initial schema: communities, schedules, rounds, answers and what rounds leave.

Revision ID: 0001
Revises:
Create Date: 2026-11-21

Drafted with autogenerate against an empty SQLite database, then tidied by hand.
It must keep matching src/vitalitybot/storage/models.py as of this revision
(tests/storage/test_migrate.py compares them). Timestamps are plain
DateTime(timezone=True) here; the models' UTCDateTime only adds Python-side
conversion, not a different column type.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0001"
down_revision: str | Sequence[str] | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SLUG = 200
KIND = 20


def _utc(name: str, nullable: bool = False) -> sa.Column[object]:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


def _id() -> sa.Column[object]:
    return sa.Column("id", sa.Integer(), nullable=False)


def _fk(table: str, column: str, target: str, ondelete: str = "CASCADE") -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        [column],
        [f"{target}.id"],
        name=op.f(f"fk_{table}_{column}_{target}"),
        ondelete=ondelete,
    )


def upgrade() -> None:
    op.create_table(
        "communities",
        _id(),
        sa.Column("guild_id", sa.BigInteger(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("timezone", sa.String(length=64), nullable=False),
        sa.Column("coordinator_role_id", sa.BigInteger(), nullable=True),
        sa.Column("steward_role_id", sa.BigInteger(), nullable=True),
        sa.Column("channel_id", sa.BigInteger(), nullable=True),
        sa.Column("threshold", sa.Float(), nullable=False),
        sa.Column("min_respondents", sa.Integer(), nullable=False),
        sa.Column("max_items", sa.Integer(), nullable=False),
        sa.Column("anonymous", sa.Boolean(), nullable=False),
        sa.Column("secret", sa.String(length=64), nullable=False),
        _utc("created_at"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_communities")),
        sa.UniqueConstraint("guild_id", name=op.f("uq_communities_guild_id")),
    )

    op.create_table(
        "adopted_patterns",
        _id(),
        sa.Column("community_id", sa.Integer(), nullable=False),
        sa.Column("pattern_slug", sa.String(length=SLUG), nullable=False),
        _utc("adopted_at"),
        _fk("adopted_patterns", "community_id", "communities"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_adopted_patterns")),
        sa.UniqueConstraint(
            "community_id",
            "pattern_slug",
            name=op.f("uq_adopted_patterns_community_id_pattern_slug"),
        ),
    )

    op.create_table(
        "schedules",
        _id(),
        sa.Column("community_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=KIND), nullable=False),
        sa.Column("pattern_slug", sa.String(length=SLUG), nullable=False),
        sa.Column("cadence", sa.String(length=KIND), nullable=False),
        sa.Column("weekday", sa.Integer(), nullable=True),
        sa.Column("day_of_month", sa.Integer(), nullable=True),
        sa.Column("nth", sa.Integer(), nullable=True),
        sa.Column("time_of_day", sa.String(length=5), nullable=False),
        sa.Column("window_days", sa.Integer(), nullable=False),
        sa.Column("enabled", sa.Boolean(), nullable=False),
        _fk("schedules", "community_id", "communities"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_schedules")),
        sa.UniqueConstraint(
            "community_id",
            "kind",
            "pattern_slug",
            name=op.f("uq_schedules_community_id_kind_pattern_slug"),
        ),
    )
    op.create_index("ix_schedules_enabled", "schedules", ["enabled"])

    op.create_table(
        "rounds",
        _id(),
        sa.Column("community_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=KIND), nullable=False),
        sa.Column("pattern_slug", sa.String(length=SLUG), nullable=False),
        sa.Column("period", sa.String(length=32), nullable=False),
        sa.Column("status", sa.String(length=KIND), nullable=False),
        sa.Column("anonymous", sa.Boolean(), nullable=False),
        _utc("opened_at"),
        _utc("closes_at"),
        _utc("closed_at", nullable=True),
        _utc("reminded_at", nullable=True),
        sa.Column("eligible_members", sa.Integer(), nullable=True),
        sa.Column("channel_id", sa.BigInteger(), nullable=True),
        sa.Column("message_id", sa.BigInteger(), nullable=True),
        sa.Column("thread_id", sa.BigInteger(), nullable=True),
        _fk("rounds", "community_id", "communities"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_rounds")),
        sa.UniqueConstraint(
            "community_id",
            "kind",
            "pattern_slug",
            "period",
            name=op.f("uq_rounds_community_id_kind_pattern_slug_period"),
        ),
    )
    op.create_index("ix_rounds_community_id_status", "rounds", ["community_id", "status"])
    op.create_index("ix_rounds_community_id_opened_at", "rounds", ["community_id", "opened_at"])
    op.create_index("ix_rounds_status_closes_at", "rounds", ["status", "closes_at"])

    op.create_table(
        "questions",
        _id(),
        sa.Column("round_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=KIND), nullable=False),
        sa.Column("pattern_slug", sa.String(length=SLUG), nullable=False),
        sa.Column("sign_id", sa.String(length=SLUG), nullable=True),
        sa.Column("text", sa.Text(), nullable=False),
        _fk("questions", "round_id", "rounds"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_questions")),
        sa.UniqueConstraint("round_id", "position", name=op.f("uq_questions_round_id_position")),
    )

    op.create_table(
        "respondents",
        _id(),
        sa.Column("round_id", sa.Integer(), nullable=False),
        sa.Column("respondent_key", sa.String(length=128), nullable=False),
        sa.Column("status", sa.String(length=KIND), nullable=False),
        _utc("updated_at"),
        _fk("respondents", "round_id", "rounds"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_respondents")),
        sa.UniqueConstraint(
            "round_id", "respondent_key", name=op.f("uq_respondents_round_id_respondent_key")
        ),
    )
    op.create_index("ix_respondents_respondent_key", "respondents", ["respondent_key"])

    op.create_table(
        "answers",
        _id(),
        sa.Column("round_id", sa.Integer(), nullable=False),
        sa.Column("question_id", sa.Integer(), nullable=False),
        sa.Column("respondent_key", sa.String(length=128), nullable=False),
        sa.Column("member_id", sa.BigInteger(), nullable=True),
        sa.Column("value", sa.Integer(), nullable=True),
        sa.Column("text", sa.Text(), nullable=True),
        sa.Column("shared", sa.Boolean(), nullable=False),
        _utc("answered_at"),
        sa.CheckConstraint(
            "value IS NULL OR (value >= 1 AND value <= 5)", name=op.f("ck_answers_value_range")
        ),
        _fk("answers", "round_id", "rounds"),
        _fk("answers", "question_id", "questions"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_answers")),
        sa.UniqueConstraint(
            "round_id",
            "question_id",
            "respondent_key",
            name=op.f("uq_answers_round_id_question_id_respondent_key"),
        ),
    )
    op.create_index("ix_answers_question_id", "answers", ["question_id"])
    op.create_index("ix_answers_respondent_key", "answers", ["respondent_key"])
    op.create_index("ix_answers_member_id", "answers", ["member_id"])

    op.create_table(
        "scores",
        _id(),
        sa.Column("round_id", sa.Integer(), nullable=False),
        sa.Column("pattern_slug", sa.String(length=SLUG), nullable=False),
        sa.Column("sign_id", sa.String(length=SLUG), nullable=False),
        sa.Column("n", sa.Integer(), nullable=False),
        sa.Column("mean", sa.Float(), nullable=True),
        sa.Column("share_high", sa.Float(), nullable=True),
        sa.Column("crossed", sa.Boolean(), nullable=False),
        _fk("scores", "round_id", "rounds"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_scores")),
        sa.UniqueConstraint(
            "round_id",
            "pattern_slug",
            "sign_id",
            name=op.f("uq_scores_round_id_pattern_slug_sign_id"),
        ),
    )

    op.create_table(
        "suggestions",
        _id(),
        sa.Column("community_id", sa.Integer(), nullable=False),
        sa.Column("round_id", sa.Integer(), nullable=False),
        sa.Column("pattern_slug", sa.String(length=SLUG), nullable=False),
        sa.Column("sign_id", sa.String(length=SLUG), nullable=False),
        sa.Column("kind", sa.String(length=KIND), nullable=False),
        _utc("posted_at"),
        _fk("suggestions", "community_id", "communities"),
        _fk("suggestions", "round_id", "rounds"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_suggestions")),
        sa.UniqueConstraint(
            "round_id",
            "pattern_slug",
            "sign_id",
            "kind",
            name=op.f("uq_suggestions_round_id_pattern_slug_sign_id_kind"),
        ),
    )
    op.create_index(
        "ix_suggestions_community_id_posted_at", "suggestions", ["community_id", "posted_at"]
    )

    op.create_table(
        "member_prefs",
        _id(),
        sa.Column("community_id", sa.Integer(), nullable=False),
        sa.Column("member_id", sa.BigInteger(), nullable=False),
        sa.Column("paused", sa.Boolean(), nullable=False),
        sa.Column("reminders_off", sa.Boolean(), nullable=False),
        _utc("updated_at"),
        _fk("member_prefs", "community_id", "communities"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_member_prefs")),
        sa.UniqueConstraint(
            "community_id", "member_id", name=op.f("uq_member_prefs_community_id_member_id")
        ),
    )
    op.create_index("ix_member_prefs_member_id", "member_prefs", ["member_id"])

    op.create_table(
        "harvests",
        _id(),
        sa.Column("round_id", sa.Integer(), nullable=False),
        sa.Column("community_id", sa.Integer(), nullable=False),
        _utc("created_at"),
        sa.Column("participants", sa.Integer(), nullable=False),
        sa.Column("markdown", sa.Text(), nullable=False),
        _fk("harvests", "round_id", "rounds"),
        _fk("harvests", "community_id", "communities"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_harvests")),
        sa.UniqueConstraint("round_id", name=op.f("uq_harvests_round_id")),
    )
    op.create_index(
        "ix_harvests_community_id_created_at", "harvests", ["community_id", "created_at"]
    )

    op.create_table(
        "deliveries",
        _id(),
        sa.Column("community_id", sa.Integer(), nullable=False),
        sa.Column("round_id", sa.Integer(), nullable=True),
        sa.Column("kind", sa.String(length=64), nullable=False),
        sa.Column("status", sa.String(length=KIND), nullable=False),
        sa.Column("error", sa.Text(), nullable=True),
        _utc("created_at"),
        _fk("deliveries", "community_id", "communities"),
        _fk("deliveries", "round_id", "rounds", ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_deliveries")),
    )
    op.create_index(
        "ix_deliveries_community_id_created_at", "deliveries", ["community_id", "created_at"]
    )


def downgrade() -> None:
    # Children before parents; dropping a table drops its indexes with it.
    for table in (
        "deliveries",
        "harvests",
        "member_prefs",
        "suggestions",
        "scores",
        "answers",
        "respondents",
        "questions",
        "rounds",
        "schedules",
        "adopted_patterns",
        "communities",
    ):
        op.drop_table(table)
