"""The ``commitments`` table: what a community said it would change, and what came of it.

Beside ``models.py`` rather than in it only to keep that file to the core tables; it is
imported there, so the metadata Alembic compares always holds it.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from vitalitybot.domain import records as r
from vitalitybot.storage.model_base import KIND, SLUG, Base, community_fk

TEXT_MAX = 300  # what we will change, in a line or two: the form's limit too


class CommitmentRow(Base):
    __tablename__ = "commitments"
    __table_args__ = (Index("ix_commitments_community_id_status", "community_id", "status"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    community_id: Mapped[int] = community_fk()
    # The post it answers: a round's suggestion or harvest; None for one added on its own.
    round_id: Mapped[int | None] = mapped_column(ForeignKey("rounds.id", ondelete="SET NULL"))
    suggestion_id: Mapped[int | None] = mapped_column(
        ForeignKey("suggestions.id", ondelete="SET NULL")
    )
    pattern_slug: Mapped[str] = mapped_column(String(SLUG), default="")
    text: Mapped[str] = mapped_column(Text)
    owner_role_id: Mapped[int | None] = mapped_column(BigInteger)
    review_at: Mapped[datetime | None]
    status: Mapped[str] = mapped_column(String(KIND), default=r.CommitmentStatus.OPEN.value)
    created_at: Mapped[datetime]
    closed_at: Mapped[datetime | None]
    reviewed_round_id: Mapped[int | None] = mapped_column(
        ForeignKey("rounds.id", ondelete="SET NULL")
    )
    # Read with every commitment (one extra SELECT per query, not one per row).
    signs: Mapped[list[CommitmentSignRow]] = relationship(
        lazy="selectin", cascade="all, delete-orphan", order_by="CommitmentSignRow.sign_id"
    )

    def to_record(self) -> r.Commitment:
        return r.Commitment(
            id=self.id,
            community_id=self.community_id,
            text=self.text,
            status=r.CommitmentStatus(self.status),
            created_at=self.created_at,
            pattern_slug=self.pattern_slug,
            sign_ids=tuple(sign.sign_id for sign in self.signs),
            round_id=self.round_id,
            suggestion_id=self.suggestion_id,
            owner_role_id=self.owner_role_id,
            review_at=self.review_at,
            closed_at=self.closed_at,
            reviewed_round_id=self.reviewed_round_id,
        )


class CommitmentSignRow(Base):
    """A sign of decay a commitment means to move (of the commitment's pattern).

    A post can name several signs that call for the same advice, and one commitment
    answers all of them.
    """

    __tablename__ = "commitment_signs"
    __table_args__ = (Index("ix_commitment_signs_sign_id", "sign_id"),)

    commitment_id: Mapped[int] = mapped_column(
        ForeignKey("commitments.id", ondelete="CASCADE"), primary_key=True
    )
    sign_id: Mapped[str] = mapped_column(String(SLUG), primary_key=True)
