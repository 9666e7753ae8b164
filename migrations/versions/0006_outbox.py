"""The deliveries log becomes the outbox: a post is stored before it is sent.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-03

A use-case stores each post it decides on as a ``pending`` delivery in the transaction
that decides it, with the rendered message (``payload``, JSON) and a random ``nonce``
Discord uses to refuse a second copy; a drain sends it and marks it ``sent`` (with the
``message_id`` Discord gave it) or ``failed``. ``attempts`` and ``next_attempt_at`` pace
the retries after an outage. One table keeps both the queue and the log the coordinator
notes read, so a failure is recorded once. Rows logged before this revision were sent or
failed already: they keep their status, with one attempt and no payload.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | Sequence[str] | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

NONCE = 25  # Discord's longest nonce


def upgrade() -> None:
    with op.batch_alter_table("deliveries") as batch:
        batch.add_column(sa.Column("payload", sa.Text(), nullable=True))
        batch.add_column(sa.Column("nonce", sa.String(length=NONCE), nullable=True))
        batch.add_column(sa.Column("attempts", sa.Integer(), nullable=False, server_default="0"))
        batch.add_column(sa.Column("next_attempt_at", sa.DateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column("message_id", sa.BigInteger(), nullable=True))
        batch.create_index("ix_deliveries_status_next_attempt_at", ["status", "next_attempt_at"])
    op.execute("UPDATE deliveries SET attempts = 1")


def downgrade() -> None:
    # Posts still waiting would be lost silently by the older code: say they failed.
    op.execute("UPDATE deliveries SET status = 'failed' WHERE status = 'pending'")
    with op.batch_alter_table("deliveries") as batch:
        batch.drop_index("ix_deliveries_status_next_attempt_at")
        batch.drop_column("message_id")
        batch.drop_column("next_attempt_at")
        batch.drop_column("attempts")
        batch.drop_column("nonce")
        batch.drop_column("payload")
