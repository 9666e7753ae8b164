"""Commitments: what a community said it would change after a suggestion or a harvest.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-03

A commitment belongs to its community and names the post it answers (a round, and the
suggestion when there was one) and the signs it means to move (``commitment_signs``: one
post can name several signs calling for the same advice); the round whose results
first weighed it is kept, so the same sign is not suggested again while one is being
tried. Suggestions gain ``acknowledged_at``, for a coordinator saying a suggestion is in
hand, and communities ``who_commits`` (coordinators until a community says members may).
Existing rows keep everything: no commitment existed, no suggestion was acknowledged.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | Sequence[str] | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Written out rather than imported: a revision states the schema as it was when written.
SLUG = 200
KIND = 20


def _utc(name: str, nullable: bool = False) -> sa.Column[object]:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


def upgrade() -> None:
    op.create_table(
        "commitments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("community_id", sa.Integer(), nullable=False),
        sa.Column("round_id", sa.Integer(), nullable=True),
        sa.Column("suggestion_id", sa.Integer(), nullable=True),
        sa.Column("pattern_slug", sa.String(length=SLUG), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("owner_role_id", sa.BigInteger(), nullable=True),
        _utc("review_at", nullable=True),
        sa.Column("status", sa.String(length=KIND), nullable=False),
        _utc("created_at"),
        _utc("closed_at", nullable=True),
        sa.Column("reviewed_round_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["community_id"],
            ["communities.id"],
            name="fk_commitments_community_id_communities",
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["round_id"], ["rounds.id"], name="fk_commitments_round_id_rounds", ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["suggestion_id"],
            ["suggestions.id"],
            name="fk_commitments_suggestion_id_suggestions",
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["reviewed_round_id"],
            ["rounds.id"],
            name="fk_commitments_reviewed_round_id_rounds",
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name="pk_commitments"),
    )
    op.create_index("ix_commitments_community_id_status", "commitments", ["community_id", "status"])
    op.create_table(
        "commitment_signs",
        sa.Column("commitment_id", sa.Integer(), nullable=False),
        sa.Column("sign_id", sa.String(length=SLUG), nullable=False),
        sa.ForeignKeyConstraint(
            ["commitment_id"],
            ["commitments.id"],
            name="fk_commitment_signs_commitment_id_commitments",
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("commitment_id", "sign_id", name="pk_commitment_signs"),
    )
    op.create_index("ix_commitment_signs_sign_id", "commitment_signs", ["sign_id"])
    with op.batch_alter_table("suggestions") as batch:
        batch.add_column(_utc("acknowledged_at", nullable=True))
    with op.batch_alter_table("communities") as batch:
        batch.add_column(
            sa.Column(
                "who_commits",
                sa.String(length=KIND),
                nullable=False,
                server_default="coordinators",
            )
        )


def downgrade() -> None:
    with op.batch_alter_table("communities") as batch:
        batch.drop_column("who_commits")
    with op.batch_alter_table("suggestions") as batch:
        batch.drop_column("acknowledged_at")
    op.drop_index("ix_commitment_signs_sign_id", table_name="commitment_signs")
    op.drop_table("commitment_signs")
    op.drop_index("ix_commitments_community_id_status", table_name="commitments")
    op.drop_table("commitments")
