"""``/vitality trend | export | harvest | harvests`` end to end, as a coordinator sees them."""

from __future__ import annotations

import csv
import io

from loopback import Guild, LoopbackDiscord
from vitalitybot.bot.runner import App
from vitalitybot.domain.records import AnswerInput
from vitalitybot.services import record_answers
from vitalitybot.services.commitments import CommitRequest, commit

from ..support import (
    COP,
    adopt,
    answer_survey,
    coordinator_of,
    only_community,
    open_round,
    reply,
    round_id_of,
    set_up,
    text_of,
)

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
SIGN = f"{COP}/writing-nobody-reads"


async def closed_survey(app: App, guild: Guild) -> None:
    """A survey three members answered (every sign seen constantly), closed by the coordinator."""
    manager = coordinator_of(guild)
    await set_up(manager)
    await adopt(manager)
    await reply(await manager.invoke("vitality threshold", value=0.5, min_respondents=3))
    post = await open_round(manager, "survey")
    for name in ("ada", "bea", "cy"):
        await answer_survey(guild.add_member(name), post, lambda _: 5)
    closed = await reply(await manager.invoke("vitality close"))
    assert closed.content.startswith("Closed the survey"), closed.content


async def test_trend_sends_the_chart_with_its_words_as_alt_text(
    app: App, loopback_server: LoopbackDiscord, loopback_guild: Guild
) -> None:
    await closed_survey(app, loopback_guild)
    manager = loopback_guild.member("coordinator")
    await commit(
        app.services,
        (await only_community(app.services, loopback_guild)).id,
        CommitRequest(
            "Pin one guide a month", pattern_slug=COP, sign_ids=("writing-nobody-reads",)
        ),
        coordinator=True,
    )

    offered = await manager.autocomplete("vitality trend", "sign", "nobody reads")
    answer = await reply(await manager.invoke("vitality trend", sign=SIGN))

    assert {"name": "CoP–Commons Alignment: Writing nobody reads", "value": SIGN} in offered
    assert answer.ephemeral
    (chart,) = answer.attachments
    assert chart.filename.endswith(".png") and chart.data.startswith(PNG_SIGNATURE)
    assert chart.description is not None
    assert chart.description.startswith("Writing nobody reads: 100% on ")
    assert 'commitment "Pin one guide a month" made on' in chart.description
    assert "Writing nobody reads: 100% on" in text_of(answer)


async def test_export_sends_a_csv_row_per_closed_round(app: App, loopback_guild: Guild) -> None:
    await closed_survey(app, loopback_guild)
    manager = loopback_guild.member("coordinator")

    answer = await reply(await manager.invoke("vitality export"))

    assert answer.ephemeral and "1 closed round" in answer.content
    (document,) = answer.attachments
    [row] = list(csv.DictReader(io.StringIO(document.data.decode("utf-8"))))
    assert (row["kind"], row["answered"], row[f"{SIGN} share_high"]) == ("survey", "3", "1.000")


async def test_a_harvest_by_its_date_and_a_search_of_shared_words(
    app: App, loopback_guild: Guild
) -> None:
    manager = coordinator_of(loopback_guild)
    await set_up(manager)
    await adopt(manager)
    none_yet = await reply(await manager.invoke("vitality harvest"))
    round_id = round_id_of(await open_round(manager, "checkin"))
    ada = loopback_guild.add_member("ada")
    community = await only_community(app.services, loopback_guild)
    async with app.services.repos() as repos:
        prompt = (await repos.rounds.list_questions(community.id, round_id))[0]
    await record_answers(
        app.services,
        loopback_guild.id,
        round_id,
        ada.id,
        [AnswerInput(prompt.id, None, "Handover checklists @everyone", True)],
    )
    await reply(await manager.invoke("vitality close"))

    [offered] = await manager.autocomplete("vitality harvest", "date", "")
    harvest = await reply(await manager.invoke("vitality harvest", date=offered["value"]))
    found = await reply(await manager.invoke("vitality harvests", query="CHECKLISTS"))

    assert none_yet.ephemeral and "no harvest yet" in none_yet.content
    assert harvest.ephemeral and "Handover checklists" in text_of(harvest)
    (document,) = harvest.attachments
    assert document.filename.endswith(".md") and b"Handover checklists" in document.data
    assert found.ephemeral
    assert f"**{offered['value']}**: Handover checklists @\u200beveryone" in found.content
