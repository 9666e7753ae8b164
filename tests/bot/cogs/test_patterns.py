"""``/pattern``: autocomplete from the library, a summary for the channel or for one member."""

from __future__ import annotations

from loopback import Guild, LoopbackDiscord
from vitalitybot.bot.runner import App

from ..support import COP, reply, text_of


async def test_autocomplete_offers_at_most_25_names_and_forgives_typos(
    app: App, loopback_guild: Guild
) -> None:
    ana = loopback_guild.add_member("ana")

    everything = await ana.autocomplete("pattern", "name", "")
    misspelt = await ana.autocomplete("pattern", "name", "comons alignmnet")

    assert 0 < len(everything) <= 25
    assert {c["value"] for c in everything} <= set(app.services.patterns)
    assert misspelt[0] == {"name": app.services.patterns[COP].title, "value": COP}


async def test_a_summary_goes_to_the_channel_unless_asked_for_privately(
    app: App, loopback_server: LoopbackDiscord, loopback_guild: Guild
) -> None:
    ana = loopback_guild.add_member("ana")
    title = app.services.patterns[COP].title

    public = await reply(await ana.invoke("pattern", name=COP))
    private = await reply(await ana.invoke("pattern", name="comons alignment", private=True))

    assert not public.ephemeral and title in text_of(public)
    assert private.ephemeral and title in text_of(private)
    assert loopback_server.messages_in(loopback_guild.general.id) == [public]


async def test_a_name_nothing_resembles_gets_a_private_explanation(
    app: App, loopback_guild: Guild
) -> None:
    ana = loopback_guild.add_member("ana")

    answer = await reply(await ana.invoke("pattern", name="zzqx"))

    assert answer.ephemeral and "no pattern called 'zzqx'" in answer.content
