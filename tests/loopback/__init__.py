"""A loopback Discord for tests: REST + gateway on 127.0.0.1 that the real discord.py talks to.

Start a LoopbackDiscord, add guilds and members, run a client inside ``connected_client``, then
act as members (invoke, click, select, submit a modal, say) and assert what the bot sent::

    async def test_setup(loopback_server, loopback_guild):
        alice = loopback_guild.add_member("alice", permissions=MANAGE_GUILD)
        async with connected_client(loopback_server, make_bot()):
            handle = await alice.invoke("vitality setup", channel=loopback_guild.general)
            assert (await handle.response()).content.startswith("Check-ins")
            posted = await loopback_server.wait_for_message(loopback_guild.general.id)

Things discord.py needs that are easy to miss (each is handled here, and explained where):
JSON only with Content-Type exactly ``application/json``; 429s only retried with a ``Via``
header; a plain Client connects to ``DiscordWebSocket.DEFAULT_GATEWAY`` and resumes at READY's
``resume_gateway_url``; on_ready waits ``guild_ready_timeout`` (2 s) after the last GUILD_CREATE;
every IDENTIFY after the first waits 5 s in ``before_identify_hook`` unless a bot overrides it.
"""

from __future__ import annotations

from .client import FAST_GUILD_READY, connected_client
from .guilds import Channel, Guild, Role
from .handles import InteractionHandle
from .interactions import Callback, InteractionRecord, Modal
from .records import Attachment, MessageRecord
from .requests import RequestRecord
from .sample_bot import SampleBot
from .server import LoopbackDiscord
from .users import Member
from .waiting import LoopbackTimeout

__all__ = [
    "FAST_GUILD_READY",
    "Attachment",
    "Callback",
    "Channel",
    "Guild",
    "InteractionHandle",
    "InteractionRecord",
    "LoopbackDiscord",
    "LoopbackTimeout",
    "Member",
    "MessageRecord",
    "Modal",
    "RequestRecord",
    "Role",
    "SampleBot",
    "connected_client",
]
