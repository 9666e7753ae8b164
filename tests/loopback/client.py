"""Run a real discord.py client against the loopback server for the length of a block."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from typing import TypeVar

import discord

from vitalitybot.bot.endpoints import discord_endpoints

from .server import LoopbackDiscord
from .waiting import LoopbackTimeout

ClientT = TypeVar("ClientT", bound=discord.Client)

FAST_GUILD_READY = 0.05
"""discord.py fires on_ready only after ``guild_ready_timeout`` (2 s) without a GUILD_CREATE."""


@contextlib.asynccontextmanager
async def connected_client(
    server: LoopbackDiscord,
    client: ClientT,
    *,
    timeout: float | None = None,  # noqa: ASYNC109
) -> AsyncIterator[ClientT]:
    """Start ``client`` against ``server``, yield once it is ready, close it afterwards.

    A login or connection failure is raised here instead of hanging; a crash of the client
    while the block runs is raised when the block ends.
    """
    limit = server.timeout if timeout is None else timeout
    # Private, but it is the only knob: otherwise every connect costs two idle seconds.
    client._connection.guild_ready_timeout = min(
        client._connection.guild_ready_timeout, FAST_GUILD_READY
    )
    with discord_endpoints(server.api_url, server.gateway_url):
        runner = asyncio.create_task(client.start(server.token), name="loopback-client")
        ready = asyncio.create_task(client.wait_until_ready(), name="loopback-client-ready")
        await asyncio.wait({runner, ready}, timeout=limit, return_when=asyncio.FIRST_COMPLETED)
        failed_early = not ready.done()
        body_failed = False
        try:
            if failed_early:
                ready.cancel()
                if runner.done():
                    runner.result()
                raise LoopbackTimeout(
                    f"the client was not ready within {limit}s\n{server.describe()}"
                )
            yield client
        except BaseException:
            body_failed = True
            raise
        finally:
            await client.close()
            await asyncio.wait({runner}, timeout=limit)
            if not runner.done():
                runner.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await runner
            elif not runner.cancelled():
                error = runner.exception()
                if error is not None and not body_failed:
                    raise error
