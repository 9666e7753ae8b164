"""Steps the bot tests share: start the real bot, read its replies, answer rounds as members."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from loopback import (
    Channel,
    Guild,
    InteractionHandle,
    LoopbackDiscord,
    Member,
    MessageRecord,
    connected_client,
)
from loopback.permissions import MANAGE_GUILD
from vitalitybot.bot.notifier import DiscordNotifier
from vitalitybot.bot.runner import App, build_app
from vitalitybot.config import Settings
from vitalitybot.domain.records import Community, Question, QuestionKind
from vitalitybot.services import (
    CommunityStatus,
    Place,
    Services,
    answer_form,
    find_community,
    status,
)

COP = "cop-commons-alignment"
TIMEZONE = "Europe/Berlin"
DEFERRED, MESSAGE, UPDATE = 5, 4, 7
FAST_RETRIES = (0.05, 0.1, 0.2)


def bot_settings(
    server: LoopbackDiscord, tmp_path: Path, patterns_dir: Path, **overrides: Any
) -> Settings:
    values: dict[str, Any] = {
        "token": server.token,
        "database_url": f"sqlite+aiosqlite:///{tmp_path / 'vitalitybot.sqlite3'}",
        "patterns_dir": patterns_dir,
        "discord_api_url": server.api_url,
        "discord_gateway_url": server.gateway_url,
        "migrate_on_start": True,
        "state_dir": tmp_path,  # the key file, made on first start
    }
    values.update(overrides)
    return Settings(_env_file=None, **values)  # type: ignore[call-arg]


@asynccontextmanager
async def running_bot(
    server: LoopbackDiscord, settings: Settings, **options: Any
) -> AsyncIterator[App]:
    """Build the app as ``vitalitybot run`` does, connect it, and release it all after."""
    options.setdefault("notifier", DiscordNotifier(retry_delays=FAST_RETRIES))
    app = await build_app(settings, **options)
    try:
        async with connected_client(server, app.bot):
            yield app
    finally:
        await app.aclose()


# -- replies ---------------------------------------------------------------------------


async def reply(handle: InteractionHandle) -> MessageRecord:
    """The message a member sees in answer: the reply, the filled "thinking" message, or
    the clicked message as the bot updated it."""
    callback = await handle.response()
    if callback.type == DEFERRED:
        return (await handle.followups(1))[0]
    if callback.type in (MESSAGE, UPDATE):
        return await handle.wait_original()
    raise AssertionError(f"{handle.record.label} answered with callback type {callback.type}")


def text_of(message: MessageRecord) -> str:
    """Everything a member reads in a message: content, embed titles, texts and footers."""
    parts = [message.content]
    for embed in message.embeds:
        parts += [embed.get("title") or "", embed.get("description") or ""]
        for field in embed.get("fields") or []:
            parts += [field["name"], field["value"]]
        parts.append((embed.get("footer") or {}).get("text") or "")
    return "\n".join(p for p in parts if p)


# -- a community -----------------------------------------------------------------------


def coordinator_of(guild: Guild) -> Member:
    """A member who may manage the server (and so coordinate), but is not its owner."""
    return guild.add_member("coordinator", permissions=MANAGE_GUILD)


COMMUNITY = "Protocol nurses"

# A community as the replies get it, for testing their copy without a bot.
COMMUNITY_RECORD = Community(
    id=1,
    guild_id=111,
    name=COMMUNITY,
    timezone="Europe/Berlin",
    coordinator_role_id=None,
    steward_role_id=None,
    channel_id=42,
    threshold=0.5,
    min_respondents=1,
    max_items=1,
    anonymous=False,
    created_at=datetime(2026, 1, 5, tzinfo=UTC),
)


async def set_up(coordinator: Member, channel: Channel | None = None, **options: Any) -> str:
    """``/vitality setup``: by default the community called ``COMMUNITY`` in #general."""
    options.setdefault("name", COMMUNITY)
    handle = await coordinator.invoke(
        "vitality setup", channel=channel or coordinator.guild.general, timezone=TIMEZONE, **options
    )
    return text_of(await reply(handle))


async def only_community(svc: Services, guild: Guild) -> Community:
    """The server's community, for tests whose server holds one."""
    return await find_community(svc, Place(guild.id))


async def status_of(svc: Services, guild: Guild) -> CommunityStatus:
    """``status`` of the server's only community."""
    return await status(svc, (await only_community(svc, guild)).id)


async def adopt(coordinator: Member, pattern: str = COP) -> str:
    return text_of(await reply(await coordinator.invoke("vitality adopt", pattern=pattern)))


async def open_round(
    coordinator: Member, kind: str, channel: Channel | None = None
) -> MessageRecord:
    """Open a round now and return its post in the channel."""
    answer = await reply(await coordinator.invoke(f"vitality {kind}"))
    assert "Opened the" in answer.content, answer.content
    where = channel or coordinator.guild.general
    prefix = "vb:answer:" if kind == "survey" else "vb:reflect:"
    return await where.wait_for_message(lambda m: any(c.startswith(prefix) for c in m.custom_ids()))


def round_id_of(post: MessageRecord) -> int:
    for custom_id in post.custom_ids():
        found = re.fullmatch(r"vb:(?:answer|reflect):(\d+)", custom_id)
        if found:
            return int(found.group(1))
    raise AssertionError(f"no round button on {post.custom_ids()}")


async def survey_questions(app: App, guild: Guild, round_id: int) -> list[Question]:
    """The round's rating questions in the order the survey pages show them."""
    form = await answer_form(app.services, guild.id, round_id, 1)
    return sorted(
        (q for q in form.questions if q.kind is not QuestionKind.PROMPT), key=lambda q: q.position
    )


def custom_id(message: MessageRecord, prefix: str) -> str:
    found = [c for c in message.custom_ids() if c.startswith(prefix)]
    assert len(found) == 1, f"{prefix!r} in {message.custom_ids()}"
    return found[0]


async def answer_survey(
    member: Member,
    post: MessageRecord,
    rating: Callable[[int], int],
    *,
    submit: bool = True,
) -> MessageRecord:
    """Click Answer, pick ``rating(index)`` in every select page by page, then Submit.

    Returns the private page as the member last saw it.
    """
    page = await reply(await member.click(post, custom_id(post, "vb:answer:")))
    assert page.ephemeral
    while True:
        for select in [c for c in page.custom_ids() if c.startswith("vb:pick:")]:
            index = int(select.split(":")[3])
            fresh = custom_id(page, f"vb:pick:{round_id_of(post)}:{index}:")
            await reply(await member.select(page, fresh, [str(rating(index))]))
        following = [c for c in page.custom_ids() if c.startswith("vb:page:") and is_next(page, c)]
        if not following:
            break
        await reply(await member.click(page, following[0]))
    if submit:
        await reply(await member.click(page, custom_id(page, "vb:submit:")))
    return page


def is_next(page: MessageRecord, custom: str) -> bool:
    component = page.component(custom)
    return component is not None and component.get("label") == "Next"
