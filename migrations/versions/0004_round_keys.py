"""Each open round gets its own key, sealed under the bot key; community secrets go.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-03

Respondent keys used to be an HMAC under the community's secret, stored in the same
database: a copy of the file and the member list named every anonymous answer. Now
each round has its own key, stored only sealed under the bot key, which lives outside
the database (vitality/anonymity.py, keyfile.py), and dropped when the round ends.

An open round's answers were keyed with its community's secret, so that secret *is*
its round key: it is sealed for the round, and members answering again still match
their earlier answers (same formula, no row re-keyed). Ended rounds get no key. Then
the secrets are dropped. Sealing needs the bot key, so only when open rounds exist
does this revision ask for it: the caller's, or the one the settings name.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import context, op

from vitalitybot.keyfile import BotKeyError
from vitalitybot.vitality.anonymity import RoundKeys

revision: str = "0004"
down_revision: str | Sequence[str] | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Written out rather than imported: a revision states what it relied on when written.
_KEYS_ATTRIBUTE = "round_keys"
_OPEN = "open"
# Anonymous rounds say no more about who answered when than rounds opened from now on:
# answers carry the round's opening (storage/submissions.py), the replies of an ended
# round its end (storage/round_end.py).
_ANSWERS_AT_OPENING = (
    "UPDATE answers SET answered_at = (SELECT r.opened_at FROM rounds r"
    " WHERE r.id = answers.round_id)"
    " WHERE round_id IN (SELECT id FROM rounds WHERE anonymous)"
)
_REPLIES_AT_CLOSE = (
    "UPDATE respondents SET updated_at = (SELECT r.closed_at FROM rounds r"
    " WHERE r.id = respondents.round_id)"
    " WHERE round_id IN (SELECT id FROM rounds WHERE anonymous AND status != 'open'"
    " AND closed_at IS NOT NULL)"
)
_SEAL = sa.text("UPDATE rounds SET key_nonce = :nonce, sealed_key = :sealed WHERE id = :id")


def upgrade() -> None:
    with op.batch_alter_table("rounds") as batch:
        batch.add_column(sa.Column("key_nonce", sa.String(length=64), nullable=True))
        batch.add_column(sa.Column("sealed_key", sa.String(length=128), nullable=True))
    connection = op.get_bind()
    open_rounds = connection.execute(
        sa.text(
            "SELECT r.id, c.secret FROM rounds r JOIN communities c ON c.id = r.community_id"
            " WHERE r.status = :open ORDER BY r.id"
        ),
        {"open": _OPEN},
    ).all()
    if open_rounds:
        keys = _round_keys(len(open_rounds))
        for round_id, secret in open_rounds:
            sealed = keys.seal(bytes.fromhex(secret))
            connection.execute(
                _SEAL, {"nonce": sealed.nonce, "sealed": sealed.sealed, "id": round_id}
            )
    op.execute(_ANSWERS_AT_OPENING)
    op.execute(_REPLIES_AT_CLOSE)
    with op.batch_alter_table("communities") as batch:
        batch.drop_column("secret")


def downgrade() -> None:
    """Back to community secrets: new random ones, so open rounds' earlier answers are no
    longer matched to members (the round keys cannot become one community secret)."""
    with op.batch_alter_table("communities") as batch:
        batch.add_column(sa.Column("secret", sa.String(length=64), nullable=True))
    connection = op.get_bind()
    for (community_id,) in connection.execute(sa.text("SELECT id FROM communities")).all():
        connection.execute(
            sa.text("UPDATE communities SET secret = :secret WHERE id = :id"),
            {"secret": _random_hex(), "id": community_id},
        )
    with op.batch_alter_table("communities") as batch:
        batch.alter_column("secret", existing_type=sa.String(length=64), nullable=False)
    with op.batch_alter_table("rounds") as batch:
        batch.drop_column("sealed_key")
        batch.drop_column("key_nonce")


def _round_keys(open_rounds: int) -> RoundKeys:
    """The caller's keys, else the bot key the settings name (the key file made if new)."""
    given = context.config.attributes.get(_KEYS_ATTRIBUTE)
    if isinstance(given, RoundKeys):
        return given
    from vitalitybot.config import load_settings
    from vitalitybot.keyfile import load_round_keys

    try:
        return load_round_keys(load_settings())
    except (BotKeyError, ValueError) as error:
        raise BotKeyError(
            "VITALITYBOT_SECRET_KEY",
            f"the keys of the database's open rounds ({open_rounds}) must be sealed under "
            f"the bot key, and there is none ({error}): set VITALITYBOT_SECRET_KEY or "
            "VITALITYBOT_STATE_DIR",
        ) from None


def _random_hex() -> str:
    import secrets

    return secrets.token_hex(32)
