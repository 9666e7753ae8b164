"""Each round keeps the minimum number of respondents it promised when it opened.

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-03

Scores, results, status and exports of a round read its own minimum, so lowering the
community's setting later cannot reveal answers given under a higher one. Rounds
already stored take the community's present minimum, raised to 3 when the round is
anonymous; an anonymous community set below 3 is raised to 3, the least an anonymous
round may promise.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | Sequence[str] | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Written out rather than imported: a revision states the rule as it was when written.
_ANONYMOUS_FLOOR = 3


def upgrade() -> None:
    op.execute(
        f"UPDATE communities SET min_respondents = {_ANONYMOUS_FLOOR}"
        f" WHERE anonymous AND min_respondents < {_ANONYMOUS_FLOOR}"
    )
    with op.batch_alter_table("rounds") as batch:
        batch.add_column(sa.Column("min_respondents", sa.Integer(), nullable=True))
    op.execute(
        "UPDATE rounds SET min_respondents = (SELECT c.min_respondents FROM communities c"
        " WHERE c.id = rounds.community_id)"
    )
    op.execute(
        f"UPDATE rounds SET min_respondents = {_ANONYMOUS_FLOOR}"
        f" WHERE anonymous AND min_respondents < {_ANONYMOUS_FLOOR}"
    )
    with op.batch_alter_table("rounds") as batch:
        batch.alter_column("min_respondents", existing_type=sa.Integer(), nullable=False)


def downgrade() -> None:
    with op.batch_alter_table("rounds") as batch:
        batch.drop_column("min_respondents")
