"""Several communities in one server, end to end on Discord: each set up in its own
channel (or category) with its own coordinators, each running its own survey into its own
channel and thread, and every command finding the community it is about."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from loopback import Channel, Guild, LoopbackDiscord, Member, MessageRecord
from vitalitybot.bot.runner import App
from vitalitybot.domain.records import Community
from vitalitybot.services import adopt_pattern
from vitalitybot.services.places import server_communities

from .support import (
    COP,
    answer_survey,
    coordinator_of,
    reply,
    round_id_of,
    set_up,
    survey_questions,
    text_of,
)

SECURITY, DESIGN = "Security", "Design"
ENERGIZING = "energizing-participation"
WATCHED = {SECURITY: (COP, "CoP–Commons Alignment"), DESIGN: (ENERGIZING, "Energizing")}
ROUND_POST = "vb:answer:"


@dataclass(frozen=True)
class TwoCommunities:
    guild: Guild
    security: Channel
    design: Channel
    manager: Member  # can manage the server, so coordinates both
    sam: Member  # holds Security's coordinator role only
    dana: Member  # holds Design's coordinator role only
    set_up_replies: tuple[str, str]


@pytest.fixture
async def two(app: App, loopback_guild: Guild) -> TwoCommunities:
    """#cop-security and #cop-design, each a community with its own coordinator role."""
    guild = loopback_guild
    security, design = guild.add_channel("cop-security"), guild.add_channel("cop-design")
    security_role = guild.add_role("security-coordinators")
    design_role = guild.add_role("design-coordinators")
    manager = coordinator_of(guild)
    first = await set_up(manager, security, name=SECURITY, coordinator_role=security_role)
    second = await set_up(manager, design, name=DESIGN, coordinator_role=design_role)
    sam = guild.add_member("sam", roles=[security_role])
    dana = guild.add_member("dana", roles=[design_role])
    return TwoCommunities(guild, security, design, manager, sam, dana, (first, second))


async def community_named(app: App, guild: Guild, name: str) -> Community:
    (found,) = [c for c in await server_communities(app.services, guild.id) if c.name == name]
    return found


def round_post(message: MessageRecord) -> bool:
    return any(c.startswith(ROUND_POST) for c in message.custom_ids())


def thread_of(channel: Channel, post: MessageRecord) -> Channel:
    """The discussion thread of a round's post, found among the channel's own threads."""
    (thread,) = [t for t in channel.threads() if t.id == post.thread_id]
    return thread


def commit_buttons(message: MessageRecord) -> list[str]:
    """The "We'll try this" buttons of a suggestion: ``vb:commit:<round id>:<ids>``."""
    return [c for c in message.custom_ids() if c.startswith("vb:commit:")]


def bot_posts(server: LoopbackDiscord, guild: Guild) -> dict[int, list[MessageRecord]]:
    """Every message in the server's channels and threads that members can see, by place."""
    places = [c.id for c in server.state.channels.values() if c.guild_id == guild.id]
    found = {place: server.messages_in(place) for place in places}
    return {place: messages for place, messages in found.items() if messages}


async def test_two_communities_each_run_their_survey_into_their_own_channel_and_thread(
    app: App, loopback_server: LoopbackDiscord, two: TwoCommunities
) -> None:
    guild, sam, dana = two.guild, two.sam, two.dana
    in_design = dana.at(two.design)
    members = [guild.add_member(name) for name in ("ana", "ben", "cai")]

    # Security's coordinator names it from #general; Design's runs in its channel.
    adopted = {
        SECURITY: await reply(await sam.invoke("vitality adopt", pattern=COP, community=SECURITY)),
        DESIGN: await reply(await in_design.invoke("vitality adopt", pattern=ENERGIZING)),
    }
    await reply(
        await sam.invoke("vitality threshold", value=0.5, min_respondents=3, community=SECURITY)
    )
    await reply(await in_design.invoke("vitality threshold", value=0.5, min_respondents=3))
    opened = {
        SECURITY: await reply(await sam.invoke("vitality survey", community=SECURITY)),
        DESIGN: await reply(await in_design.invoke("vitality survey")),
    }
    posts = {
        SECURITY: await two.security.wait_for_message(round_post),
        DESIGN: await two.design.wait_for_message(round_post),
    }
    round_ids = {name: round_id_of(post) for name, post in posts.items()}
    asked = {name: await survey_questions(app, guild, round_ids[name]) for name in posts}
    for member in members:
        for post in posts.values():
            await answer_survey(member, post, lambda _: 5)  # every sign seen constantly
    channels = {SECURITY: two.security, DESIGN: two.design}
    threads = {name: thread_of(channels[name], post) for name, post in posts.items()}
    closed = {  # Security's from its round's thread, which counts as its channel
        SECURITY: await reply(await sam.at(threads[SECURITY]).invoke("vitality close")),
        DESIGN: await reply(await in_design.invoke("vitality close")),
    }

    for name, (slug, title) in WATCHED.items():
        assert adopted[name].content.startswith(f"Now watching **{title}"), adopted[name]
        assert f"for **{name}**" in adopted[name].content
        assert opened[name].content.startswith(f"Opened the survey for **{name}**")
        assert closed[name].content.startswith(f"Closed the survey for **{name}**")
        assert (
            "3 members answered" in closed[name].content
            and "in the round's thread" in closed[name].content
        )
        assert {q.pattern_slug for q in asked[name]} == {slug}
    assert f"/{guild.id}/{two.security.id}/{posts[SECURITY].id}" in opened[SECURITY].content
    posted = bot_posts(loopback_server, guild)
    # Each channel holds its round's post alone; each thread its results and suggestions.
    assert set(posted) == {c.id for c in (*channels.values(), *threads.values())}
    for name, channel in channels.items():
        assert [m.id for m in posted[channel.id]] == [posts[name].id]
        in_thread = posted[threads[name].id]
        results = [m for m in in_thread if "Results of the survey" in text_of(m)]
        suggestions = [m for m in in_thread if commit_buttons(m)]
        assert len(results) == 1 and suggestions, [text_of(m)[:80] for m in in_thread]
        # Each suggestion's "We'll try this" button is for this community's round.
        assert {c.split(":")[2] for m in suggestions for c in commit_buttons(m)} == {
            str(round_ids[name])
        }


async def test_a_coordinator_of_one_community_is_refused_on_the_other_privately(
    app: App, two: TwoCommunities
) -> None:
    sam, dana = two.sam, two.dana
    before = await community_named(app, two.guild, DESIGN)

    by_name = await reply(await sam.invoke("vitality threshold", value=0.2, community=DESIGN))
    in_its_channel = await reply(await sam.at(two.design).invoke("vitality threshold", value=0.2))
    other_way = await reply(await dana.invoke("vitality survey", community=SECURITY))
    own = await reply(await sam.at(two.security).invoke("vitality threshold", value=0.2))

    for refused, name in ((by_name, DESIGN), (in_its_channel, DESIGN), (other_way, SECURITY)):
        assert (
            refused.ephemeral and refused.content == f"Only the coordinators of {name} can do this."
        )
    assert own.ephemeral and own.content.startswith(f"For **{SECURITY}**, a sign now crosses")
    assert await community_named(app, two.guild, DESIGN) == before
    assert (await community_named(app, two.guild, SECURITY)).threshold == 0.2
    assert two.design.messages == [] and two.security.messages == []


async def test_set_up_tells_a_second_community_apart_and_elsewhere_a_command_asks_which(
    app: App, two: TwoCommunities
) -> None:
    first, second = two.set_up_replies

    asked = await reply(await two.manager.invoke("vitality status"))  # in #general
    renamed = await set_up(two.manager, two.design, name=DESIGN)  # the same name again

    assert first.startswith(f"Set up **{SECURITY}** as a new community")
    assert "This server has" not in first  # it was the only one
    assert second.startswith(f"Set up **{DESIGN}** as a new community")
    assert f"in {two.design.mention}" in second
    assert f"This server has 2 communities: {DESIGN}, {SECURITY}." in second
    assert "`community` option" in second
    assert asked.ephemeral and asked.content == (
        f"This server has 2 communities: {DESIGN}, {SECURITY}. Name one with the community "
        "option, or run the command in its channel or category."
    )
    assert renamed.startswith(f"Updated **{DESIGN}**")


async def test_a_command_run_in_any_channel_of_a_community_s_category_acts_on_it(
    app: App, two: TwoCommunities
) -> None:
    guild, manager = two.guild, two.manager
    research = guild.add_category("Research")
    rounds = guild.add_channel("research-rounds", category=research)
    chat = guild.add_channel("research-chat", category=research)
    in_chat = manager.at(chat)

    said = await set_up(manager, rounds, name="Research", category=research)
    adopted = await reply(await in_chat.invoke("vitality adopt", pattern=COP))
    threshold = await reply(await in_chat.invoke("vitality threshold", value=0.3))
    opened = await reply(await in_chat.invoke("vitality survey"))
    post = await rounds.wait_for_message(round_post)

    assert f"Commands run in any channel of {research.mention} are about it." in said
    assert "for **Research**" in adopted.content
    assert threshold.content.startswith("For **Research**, a sign now crosses when at least 30%")
    assert opened.content.startswith("Opened the survey for **Research**")
    assert chat.messages == [] and [m.id for m in rounds.messages] == [post.id]
    assert (await community_named(app, guild, "Research")).threshold == 0.3
    assert {(await community_named(app, guild, n)).threshold for n in (SECURITY, DESIGN)} != {0.3}


async def test_the_community_option_offers_the_server_s_communities_by_name(
    app: App, loopback_server: LoopbackDiscord, two: TwoCommunities
) -> None:
    elsewhere = loopback_server.add_guild("Elsewhere")
    await set_up(coordinator_of(elsewhere), name="Elsewhere circle")
    security = await community_named(app, two.guild, SECURITY)
    design = await community_named(app, two.guild, DESIGN)
    await adopt_pattern(app.services, security.id, COP)
    await adopt_pattern(app.services, design.id, ENERGIZING)

    every = await two.manager.autocomplete("vitality adopt", "community", "")
    typed = await two.manager.autocomplete("vitality status", "community", "DES")
    named_patterns = await two.manager.autocomplete(
        "vitality drop", "pattern", "", community=SECURITY
    )
    here_patterns = await two.manager.at(two.design).autocomplete("vitality drop", "pattern", "")

    assert every == [{"name": n, "value": n} for n in (DESIGN, SECURITY)]
    assert typed == [{"name": DESIGN, "value": DESIGN}]
    assert [c["value"] for c in named_patterns] == [COP]
    assert [c["value"] for c in here_patterns] == [ENERGIZING]


async def test_a_coordinator_may_rename_their_community_but_not_set_up_or_change_another(
    app: App, two: TwoCommunities
) -> None:
    renamed = await set_up(two.sam, two.security, name="Security team", community=SECURITY)
    other = await set_up(two.sam, two.design, name=DESIGN)
    new = await set_up(two.sam, two.guild.add_channel("ops"), name="Ops")

    assert renamed.startswith("Updated **Security team**: its rounds are posted in")
    assert other == f"Only the coordinators of {DESIGN} can do this."
    assert new.startswith("Only members who can manage this server can set up a new community")
    names = [c.name for c in await server_communities(app.services, two.guild.id)]
    assert names == [DESIGN, "Security team"]
