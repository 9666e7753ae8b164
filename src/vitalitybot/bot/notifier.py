"""``DiscordNotifier``: the services' ``Notifier`` over discord.py.

How a post is made, and what happens when Discord says no:

* **Where.** A round opens as a message in the community's channel with its persistent
  buttons, and a public thread started from it for the discussion; results,
  suggestions and the harvest go into that thread (or the channel when there is none,
  or the thread has gone). Channels are addressed by id (``PartialMessageable``), so a
  post never waits for, or depends on, discord.py's cache.
* **Refusals.** 403 and 404 are final: they become ``DeliveryError`` (the outbox marks
  the post failed and carries on with the next community), and the coordinator
  hears of it twice, both read from the deliveries table: in a DM to the server owner
  (unless a failure of that community was logged in the hour before, so a broken
  channel brings one DM, whichever process or restart meets it; a closed DM is
  ignored) and in the reply to the next ``/vitality`` command. Other 4xx are bugs in
  the post and also become ``DeliveryError``. A round posted without its thread comes
  back with a ``PostRef.problem``, which the services log the same way.
* **Rate limits and outages.** discord.py waits out 429s and retries 5xx up to five
  times per request; when it still gives up, the notifier tries again after a pause
  (``retry_delays``) rather than drop the post. Only then is it a ``DeliveryError``,
  marked ``transient`` so the outbox tries again later. Every post carries its outbox
  row's nonce: a post sent again after a crash is refused by Discord as a duplicate.
* **At close** the round's post is edited: it says it closed and where the results are,
  and its buttons are removed (``close_round_post``).
* **Concurrency and pace.** At most ``concurrency`` Discord calls run at once, and they
  start no faster than ``requests_per_second`` (``Pacer``), however many communities are
  due in the same minute: a round's post is two requests (the message and its thread),
  and a thousand of them sent at once would starve the gateway's heartbeat and earn a
  storm of global 429s. The pace is this process's: the setting
  ``VITALITYBOT_DISCORD_REQUESTS_PER_SECOND`` is the whole bot's, and a process running
  some of the shards gets its shards' share of it (bot/runner.py ``posting_pace``).
* **Reminders** are DMs with a link to the round; a member whose DMs are closed is
  skipped quietly (that is their choice), other failures count towards a
  ``DeliveryError`` naming how many could not be reminded.
"""

from __future__ import annotations

import asyncio
import logging
import random
from collections.abc import Awaitable, Callable, Sequence
from datetime import timedelta
from typing import Literal, TypeVar

import aiohttp
import discord

from vitalitybot.bot import replies
from vitalitybot.bot.base import VitalityBase
from vitalitybot.bot.convert import NO_MENTIONS, send_kwargs
from vitalitybot.bot.invite import missing_in
from vitalitybot.bot.pacer import Pacer
from vitalitybot.bot.post_args import sent_kwargs, thread_name
from vitalitybot.bot.views.common import jump_url
from vitalitybot.bot.views.rounds import round_view
from vitalitybot.config import DEFAULT_DISCORD_REQUESTS_PER_SECOND
from vitalitybot.domain.posts import PostKind
from vitalitybot.domain.records import Community, Question, Round, Server
from vitalitybot.render.message import Message
from vitalitybot.services import DeliveryError, PostRef, kind_name
from vitalitybot.services.notes import failed_within

logger = logging.getLogger(__name__)

T = TypeVar("T")

DEFAULT_CONCURRENCY = 16
DEFAULT_REQUESTS_PER_SECOND = DEFAULT_DISCORD_REQUESTS_PER_SECOND  # Discord allows 50 a second
DEFAULT_RETRY_DELAYS = (2.0, 10.0, 30.0)
RETRY_JITTER = 0.25  # spread retries so posts refused together are not retried together
THREAD_ARCHIVE_MINUTES: Literal[10080] = 10080  # a week: longer than a round's window
CLOSED_DMS = 50007
OWNER_DM_QUIET = timedelta(hours=1)  # no failure logged this long: the owner hears again
TRANSIENT_ERRORS = (aiohttp.ClientError, asyncio.TimeoutError, OSError)
NO_THREAD = (
    "I could not start a thread under the round's post (I may lack Create Public "
    "Threads): results will be posted in the channel instead."
)


def post_name(kind: PostKind) -> str:
    """How a post is named in a note to the coordinator: "the results", "a suggestion"."""
    if kind.suggestion is not None:
        return "a suggestion"
    return f"the {kind.value}"


class DiscordNotifier:
    def __init__(
        self,
        bot: VitalityBase | None = None,
        *,
        concurrency: int = DEFAULT_CONCURRENCY,
        requests_per_second: float = DEFAULT_REQUESTS_PER_SECOND,
        retry_delays: Sequence[float] = DEFAULT_RETRY_DELAYS,
    ) -> None:
        self._bot = bot
        self._gate = asyncio.Semaphore(concurrency)
        self._pacer = Pacer(requests_per_second)
        self.retry_delays = tuple(retry_delays)

    def bind(self, bot: VitalityBase) -> None:
        """Post through ``bot`` from now on, and read its services' deliveries log (the
        runner binds the bot it built around those services)."""
        self._bot = bot

    @property
    def client(self) -> VitalityBase:
        if self._bot is None:
            raise RuntimeError("the notifier is not bound to a bot yet")
        return self._bot

    # -- the Notifier protocol -------------------------------------------------------------

    async def open_round(
        self,
        community: Community,
        round: Round,
        questions: Sequence[Question],
        message: Message,
        *,
        nonce: str | None = None,
    ) -> PostRef | None:
        channel_id = _channel_of(community)
        channel = self._channel(community, channel_id)
        what = f"the {kind_name(round.kind)}"
        sent = await self._deliver(
            community,
            what,
            channel_id,
            lambda: channel.send(**sent_kwargs(message, nonce), view=round_view(round)),
        )
        thread_id = await self._open_thread(community, round, sent)
        return PostRef(
            channel_id=channel_id,
            message_id=sent.id,
            thread_id=thread_id,
            problem=NO_THREAD if thread_id is None else None,
        )

    async def post(
        self,
        community: Community,
        message: Message,
        *,
        round: Round | None,
        kind: PostKind,
        nonce: str | None = None,
    ) -> int | None:
        channel_id = _channel_of(community)
        what = post_name(kind)
        if round is not None and round.thread_id is not None:
            thread = self._channel(community, round.thread_id, thread=True)
            try:
                made = await self._deliver(
                    community,
                    what,
                    round.thread_id,
                    lambda: thread.send(**sent_kwargs(message, nonce)),
                    report=False,
                )
                return made.id
            except DeliveryError as error:
                logger.info(
                    "community %s: the round's thread refused the %s (%s); using the channel",
                    community.id,
                    kind,
                    error,
                )
        channel = self._channel(community, channel_id)
        made = await self._deliver(
            community,
            what,
            channel_id,
            lambda: channel.send(**sent_kwargs(message, nonce)),
        )
        return made.id

    async def close_round_post(self, community: Community, round: Round, message: Message) -> None:
        """Edit the round's post into ``message``; ``view=None`` takes its buttons off."""
        if round.channel_id is None or round.message_id is None:
            return
        post = self._channel(community, round.channel_id).get_partial_message(round.message_id)
        fitted = send_kwargs(message)
        await self._deliver(
            community,
            f"the closed {kind_name(round.kind)}",
            round.channel_id,
            lambda: post.edit(
                content=fitted.get("content"),
                embeds=fitted.get("embeds", []),
                view=None,
                allowed_mentions=NO_MENTIONS,
            ),
            report=False,
        )

    async def remind(
        self, community: Community, round: Round, member_ids: Sequence[int], message: Message
    ) -> None:
        link = jump_url(community.guild_id, round.channel_id, round.message_id)
        failures = await asyncio.gather(
            *(self._remind_one(community, member_id, message, link) for member_id in member_ids)
        )
        failed = sum(1 for f in failures if f)
        if failed:
            raise DeliveryError(f"{failed} of {len(member_ids)} reminders could not be sent")

    async def post_digest(
        self, server: Server, message: Message, *, nonce: str | None = None
    ) -> int | None:
        """The portfolio digest, in the server's digest channel; a server-wide post, so a
        refusal is only logged by the digest step, never reported as one community's."""
        channel_id = server.digest_channel_id
        if channel_id is None:
            raise DeliveryError("no digest channel is set: run /vitality sponsors")
        channel = self.client.get_partial_messageable(
            channel_id, guild_id=server.guild_id, type=discord.ChannelType.text
        )
        what = f"server {server.guild_id}: the portfolio digest"
        try:
            made = await self._with_retries(
                lambda: channel.send(**sent_kwargs(message, nonce)), what
            )
        except discord.HTTPException as error:
            outage = error.status == 429 or error.status >= 500
            text = f"Discord refused the portfolio digest in <#{channel_id}> ({error.status})."
            raise DeliveryError(text, transient=outage) from error
        except TRANSIENT_ERRORS as error:
            text = f"Discord could not be reached for the digest ({type(error).__name__})."
            raise DeliveryError(text, transient=True) from error
        return made.id

    # -- posting ---------------------------------------------------------------------------

    def _channel(
        self, community: Community, channel_id: int, *, thread: bool = False
    ) -> discord.PartialMessageable:
        kind = discord.ChannelType.public_thread if thread else discord.ChannelType.text
        return self.client.get_partial_messageable(
            channel_id, guild_id=community.guild_id, type=kind
        )

    async def _deliver(
        self,
        community: Community,
        what: str,
        channel_id: int,
        send: Callable[[], Awaitable[T]],
        *,
        report: bool = True,
    ) -> T:
        """Send with retries; a refusal becomes ``DeliveryError`` (reported unless told not)."""
        try:
            return await self._with_retries(send, f"community {community.id}: {what}")
        except discord.Forbidden as error:
            text = replies.not_allowed(what, channel_id, self._lacking(community, channel_id))
            if report:
                await self._report(community, text)
            raise DeliveryError(text) from error
        except discord.NotFound as error:
            text = replies.channel_gone(what, channel_id)
            if report:
                await self._report(community, text)
            raise DeliveryError(text) from error
        except discord.HTTPException as error:
            text = f"Discord refused {what} in <#{channel_id}> ({error.status}: {error.text})."
            outage = error.status == 429 or error.status >= 500
            raise DeliveryError(text, transient=outage) from error
        except TRANSIENT_ERRORS as error:
            text = f"Discord could not be reached to post {what} ({type(error).__name__})."
            raise DeliveryError(text, transient=True) from error

    async def _with_retries(
        self, send: Callable[[], Awaitable[T]], what: str, *, cost: int = 1
    ) -> T:
        """Run ``send`` (``cost`` requests) under the concurrency gate, paced; after 429s or
        5xx discord.py gave up on, and after network errors, pause and try again.

        The pace is taken inside the gate, just before the requests go out: paced
        requests that then queued at a full gate would leave together as slots free up,
        bunching more than the pace allows into one second."""
        for delay in (*self.retry_delays, None):
            try:
                async with self._gate:
                    await self._pacer.wait(cost)
                    return await send()
            except discord.HTTPException as error:
                if delay is None or not (error.status == 429 or error.status >= 500):
                    raise
                logger.warning("%s: Discord answered %s; again in %gs", what, error.status, delay)
            except TRANSIENT_ERRORS as error:
                if delay is None:
                    raise
                logger.warning("%s: %s; again in %gs", what, type(error).__name__, delay)
            await asyncio.sleep(delay * random.uniform(1.0, 1.0 + RETRY_JITTER))
        raise AssertionError("unreachable")  # pragma: no cover - the loop returns or raises

    async def _open_thread(
        self, community: Community, round: Round, sent: discord.Message
    ) -> int | None:
        """The round's discussion thread; without one, later posts go to the channel."""
        name = thread_name(community, round)
        try:
            thread = await self._with_retries(
                lambda: sent.create_thread(name=name, auto_archive_duration=THREAD_ARCHIVE_MINUTES),
                f"community {community.id}: thread for round {round.id}",
            )
        except (discord.HTTPException, *TRANSIENT_ERRORS) as error:
            logger.warning(
                "community %s: no thread for round %s (%s); posts go to the channel",
                community.id,
                round.id,
                error,
            )
            return None
        return thread.id

    async def _remind_one(
        self, community: Community, member_id: int, message: Message, link: str | None
    ) -> bool:
        """DM one member; True when it failed for a reason other than closed DMs."""
        view = discord.ui.View(timeout=None)
        if link is not None:
            view.add_item(discord.ui.Button(label="Open the round", url=link))
        view.stop()

        async def send() -> discord.Message:
            dm = await self.client.create_dm(discord.Object(member_id))
            return await dm.send(**send_kwargs(message), view=view)

        try:
            await self._with_retries(send, f"community {community.id}: reminder", cost=2)
        except discord.Forbidden as error:
            if error.code != CLOSED_DMS:
                logger.warning("community %s: reminder refused: %s", community.id, error)
                return True
            logger.debug("community %s: a member has closed DMs", community.id)
        except (discord.HTTPException, *TRANSIENT_ERRORS) as error:
            logger.warning("community %s: reminder failed: %s", community.id, error)
            return True
        return False

    # -- telling the coordinator -----------------------------------------------------------

    def _lacking(self, community: Community, channel_id: int) -> list[str]:
        """The permissions the bot lacks in the channel, as far as the cache knows."""
        guild = self.client.get_guild(community.guild_id)
        channel = guild.get_channel_or_thread(channel_id) if guild is not None else None
        return replies.permission_names(missing_in(channel)) if channel is not None else []

    async def _report(self, community: Community, text: str) -> None:
        """DM the server owner about a refused post, unless it is not the first failure.

        Runs before the services log this failure, so the log holds the earlier ones
        only: any in the last ``OWNER_DM_QUIET`` means the owner was told already.
        """
        guild = self.client.get_guild(community.guild_id)
        if guild is None or guild.owner_id is None:
            return
        try:
            if await failed_within(self.client.services, community.id, OWNER_DM_QUIET):
                return
        except Exception:  # the database may be down: tell the owner rather than not
            logger.warning("community %s: could not read the deliveries log", community.id)
        note = replies.owner_note(discord.utils.escape_markdown(guild.name), text)
        try:
            dm = await self.client.create_dm(discord.Object(guild.owner_id))
            async with self._gate:
                await dm.send(note, allowed_mentions=NO_MENTIONS)
        except (discord.HTTPException, *TRANSIENT_ERRORS) as error:
            logger.info("community %s: could not DM the owner about it: %s", community.id, error)


def _channel_of(community: Community) -> int:
    if community.channel_id is None:
        raise DeliveryError("no channel is set for this community: run /vitality setup")
    return community.channel_id
