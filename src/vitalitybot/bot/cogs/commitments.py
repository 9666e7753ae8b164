"""``/vitality commitments`` and ``/vitality commit``: what the community said it would try.

The commands join the ``/vitality`` group: ``VitalityCog`` lists ``CommitmentCommands``
among its bases (discord.py collects a cog's commands from every class it is built
from), so they share its registration, its guild-only and Manage Server defaults.

* ``/vitality commitments`` lists open commitments and those closed lately, with
  buttons to mark each done or dropped; ``who:`` changes who may commit. The list is
  ephemeral: its buttons are for the coordinator who asked (each click checks again),
  and a public copy would go stale in the channel the moment one is marked. What the
  community tried reaches everyone through the public note made when it is recorded
  and the next round's posts, which are read from the same table.
* ``/vitality commit`` records one not tied to a suggestion. It is not behind
  ``coordinator_only``: a server that opens the command to members lets them use it
  when the community lets members commit, and the services decide that
  (``may_commit``), once for this command and the "We'll try this" button alike. Like
  the button, it answers privately and leaves a public note in the channel.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import discord
from discord import app_commands
from discord.ext import commands

from vitalitybot.bot import commitment_replies
from vitalitybot.bot.checks import (
    any_member,
    community_here,
    community_of,
    coordinator_only,
    is_coordinator,
)
from vitalitybot.bot.convert import send_kwargs
from vitalitybot.bot.replies import with_notes
from vitalitybot.bot.views.commit import announce
from vitalitybot.bot.views.commitments import commitments_view
from vitalitybot.domain.records import WhoCommits
from vitalitybot.render.message import trim
from vitalitybot.services import ServiceError
from vitalitybot.services.commitments import (
    CommitRequest,
    commit,
    described,
    overview,
    parse_review_day,
    parse_sign,
    set_who_commits,
    sign_choices,
)
from vitalitybot.services.notes import take_notes
from vitalitybot.storage.commitment_row import TEXT_MAX

if TYPE_CHECKING:
    from vitalitybot.bot.client import VitalityBot

CHOICES_MAX = 25
CHOICE_MAX = 100  # Discord's limit on a choice's name and value


class CommitmentCommands(commands.Cog):
    """The commitment commands, mixed into ``VitalityCog`` (module docstring); never added
    as a cog of its own."""

    bot: VitalityBot

    @app_commands.command(
        name="commitments", description="What we said we would try; mark it done or dropped"
    )
    @app_commands.describe(who="Who may record what we will try (default: coordinators)")
    @app_commands.choices(
        who=[app_commands.Choice(name=w.value, value=w.value) for w in WhoCommits]
    )
    @coordinator_only()
    async def commitments(
        self,
        interaction: discord.Interaction,
        who: str | None = None,
        community_name: str | None = None,
    ) -> None:
        community = community_of(interaction)
        note = ""
        if who is not None:
            changed = await set_who_commits(self.bot.services, community.id, who)
            note = commitment_replies.who_commits_set(changed)
        found = await overview(self.bot.services, community.id)
        notes = await take_notes(self.bot.services, community.id)
        kwargs: dict[str, Any] = send_kwargs(
            with_notes(commitment_replies.commitments_listed(found, note), notes)
        )
        view = commitments_view(found)
        if view is not None:
            kwargs["view"] = view
        await interaction.response.send_message(**kwargs, ephemeral=True)

    @app_commands.command(name="commit", description="Record something the community will try")
    @app_commands.describe(
        what="What we will change, in a few words",
        sign="The sign of decay it answers (optional)",
        owner="The role that looks after it (optional; named, not pinged)",
        review="When to look back, YYYY-MM-DD (default: the next survey asking the sign)",
    )
    @any_member()
    async def commit_one(
        self,
        interaction: discord.Interaction,
        what: app_commands.Range[str, 1, TEXT_MAX],
        sign: str | None = None,
        owner: discord.Role | None = None,
        review: str | None = None,
        community_name: str | None = None,
    ) -> None:
        community = community_of(interaction)
        pattern_slug, sign_ids = parse_sign(sign) if sign else ("", ())
        request = CommitRequest(
            what,
            pattern_slug=pattern_slug,
            sign_ids=sign_ids,
            owner_role_id=owner.id if owner is not None else None,
            review_on=parse_review_day(review or ""),
        )
        coordinator = is_coordinator(interaction, community)
        made = await commit(self.bot.services, community.id, request, coordinator=coordinator)
        await announce(interaction, await described(self.bot.services, community.id, made))

    @commit_one.autocomplete("sign")
    async def watched_signs(
        self, interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        here = await community_here(interaction)
        if here is None:
            return []
        try:
            found = await sign_choices(self.bot.services, here.id)
        except ServiceError:
            return []
        wanted = current.strip().casefold()
        return [
            app_commands.Choice(
                name=trim(f"{c.sign_title} ({c.pattern_title})", CHOICE_MAX), value=c.key
            )
            for c in found
            if len(c.key) <= CHOICE_MAX
            and (wanted in c.sign_title.casefold() or wanted in c.pattern_title.casefold())
        ][:CHOICES_MAX]
