"""A server holds several communities, each named and scoped to a channel or category.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-03

``communities.guild_id`` stops being unique: a community is now known by its server and
its name (unique together), and may claim a whole category (``category_id``) besides the
channel its rounds are posted in. ``servers`` holds what belongs to a server rather than
to one of its communities: the sponsor role that may read the portfolio, and where and
for which quarter the portfolio digest was last posted. Existing rows need no rewriting:
each server's one community keeps its id, its name and everything stored under it.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | Sequence[str] | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("communities") as batch:
        batch.drop_constraint("uq_communities_guild_id", type_="unique")
        batch.add_column(sa.Column("category_id", sa.BigInteger(), nullable=True))
        batch.create_unique_constraint("uq_communities_guild_id_name", ["guild_id", "name"])
    op.create_table(
        "servers",
        sa.Column("guild_id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("sponsor_role_id", sa.BigInteger(), nullable=True),
        sa.Column("digest_channel_id", sa.BigInteger(), nullable=True),
        sa.Column("digest_period", sa.String(length=16), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("guild_id", name=op.f("pk_servers")),
    )


def downgrade() -> None:
    # The older schema has room for one community per server: refuse rather than pick.
    bind = op.get_bind()
    shared = bind.execute(
        sa.text("SELECT guild_id FROM communities GROUP BY guild_id HAVING COUNT(*) > 1")
    ).first()
    if shared is not None:
        raise RuntimeError(
            f"server {shared[0]} holds several communities; delete all but one of them "
            "before downgrading below revision 0007"
        )
    op.drop_table("servers")
    with op.batch_alter_table("communities") as batch:
        batch.drop_constraint("uq_communities_guild_id_name", type_="unique")
        batch.drop_column("category_id")
        batch.create_unique_constraint("uq_communities_guild_id", ["guild_id"])
