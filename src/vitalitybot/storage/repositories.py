"""All repositories over one session, so a use-case reads and writes in one transaction.

    async with db.transaction() as session:
        repos = Repositories(session)
        round_, created = await repos.rounds.open_round(...)
        if created:
            await repos.rounds.add_questions(...)

The repositories never commit: the caller's transaction decides.
"""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from vitalitybot.storage.answers import AnswerRepository
from vitalitybot.storage.commitments import CommitmentRepository
from vitalitybot.storage.communities import CommunityRepository
from vitalitybot.storage.deliveries import DeliveryRepository
from vitalitybot.storage.members import MemberRepository
from vitalitybot.storage.outbox import OutboxRepository
from vitalitybot.storage.outcomes import OutcomeRepository
from vitalitybot.storage.rounds import RoundRepository
from vitalitybot.storage.schedules import ScheduleRepository
from vitalitybot.storage.servers import ServerRepository

__all__ = [
    "AnswerRepository",
    "CommitmentRepository",
    "CommunityRepository",
    "DeliveryRepository",
    "MemberRepository",
    "OutboxRepository",
    "OutcomeRepository",
    "Repositories",
    "RoundRepository",
    "ScheduleRepository",
]


class Repositories:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session
        self.communities = CommunityRepository(session)
        self.schedules = ScheduleRepository(session)
        self.rounds = RoundRepository(session)
        self.answers = AnswerRepository(session)
        self.outcomes = OutcomeRepository(session)
        self.members = MemberRepository(session)
        self.deliveries = DeliveryRepository(session)
        self.commitments = CommitmentRepository(session)
        self.outbox = OutboxRepository(session)
        self.servers = ServerRepository(session)
