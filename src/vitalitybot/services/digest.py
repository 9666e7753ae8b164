"""The quarterly portfolio digest: a server's portfolio posted to the channel it chose.

What is due is read from the ``servers`` table alone: a server with a digest channel
whose ``digest_period`` is older than the quarter now due (``vitality/quarters.py``) gets
the portfolio posted, and then the quarter recorded. So a bot that was down on the first
day of a quarter posts it when it comes back, and one restarted after posting does not
post it again. A crash between the post and the record would post it again; the post's
nonce is made from the server and the quarter, so Discord refuses that second copy when
it comes within its few minutes of memory.

A refused post (a deleted channel, a missing permission) is final for that quarter: it is
logged and the quarter recorded, so the next poll does not try again every minute. An
outage (``DeliveryError.transient``) is tried again at the next poll.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable
from datetime import datetime

from vitalitybot.domain.records import Server
from vitalitybot.services.app import Services, write_turn
from vitalitybot.services.portfolio import portfolio, portfolio_message
from vitalitybot.services.ports import DeliveryError
from vitalitybot.vitality.quarters import due_quarter, next_digest_at

logger = logging.getLogger(__name__)

NONCE_LENGTH = 25  # the most Discord keeps


async def post_due_digests(
    svc: Services, owns: Callable[[int], bool] = lambda guild_id: True
) -> datetime:
    """Post the digest of every server ``owns`` says is this process's and whose quarter
    is due; returns when the next quarter's digests are."""
    now = svc.now()
    period = due_quarter(now)
    async with svc.repos() as repos:
        servers = await repos.servers.list_with_digest()
    for server in servers:
        if owns(server.guild_id) and (server.digest_period or "") < period:
            try:
                await post_digest(svc, server, period)
            except Exception:
                logger.exception("server %s: the %s digest failed", server.guild_id, period)
    return next_digest_at(now)


async def post_digest(svc: Services, server: Server, period: str) -> bool:
    """Post ``period``'s digest for ``server`` and record it; False when it waits for a
    retry. A server whose communities are all gone has its quarter recorded unposted."""
    found = await portfolio(svc, server.guild_id)
    if found.communities:
        message = portfolio_message(svc, found, digest_period=period)
        try:
            await svc.notifier.post_digest(server, message, nonce=digest_nonce(server, period))
        except DeliveryError as error:
            if error.transient:
                logger.info("server %s: the %s digest waits: %s", server.guild_id, period, error)
                return False
            logger.warning("server %s: the %s digest failed: %s", server.guild_id, period, error)
    async with write_turn(svc), svc.repos() as repos:
        await repos.servers.update(server.guild_id, at=svc.now(), digest_period=period)
    return True


def digest_nonce(server: Server, period: str) -> str:
    """The same for every try of one server's digest of one quarter."""
    digest = hashlib.sha256(f"digest:{server.guild_id}:{period}".encode()).hexdigest()
    return digest[:NONCE_LENGTH]
