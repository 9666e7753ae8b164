"""Deliveries remember when the coordinator was told of a failed one.

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-03

A failed post is told to the coordinator in the reply to their next ``/vitality``
command, once: ``reported_at`` marks the failures already told, so any process, after any
restart, tells each failure exactly once. Failures logged before this revision are
marked as told at the time they happened: whatever the bot said about them then is
past, and a coordinator should not meet a backlog of old failures after an upgrade.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | Sequence[str] | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("deliveries") as batch:
        batch.add_column(sa.Column("reported_at", sa.DateTime(timezone=True), nullable=True))
    op.execute("UPDATE deliveries SET reported_at = created_at WHERE status = 'failed'")


def downgrade() -> None:
    with op.batch_alter_table("deliveries") as batch:
        batch.drop_column("reported_at")
