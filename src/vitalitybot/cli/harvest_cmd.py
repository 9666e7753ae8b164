"""``vitalitybot harvest export``: a check-in's digest as Markdown, for the wiki.

The harvest is stored when a check-in closes; this prints it (or writes it to a file)
as the file Discord attaches, through the same service the Discord command uses. Exit 1 when
there is nothing to export (no community for the guild, no harvest yet, no such round);
the service's refusals speak to a member in Discord, so those about the server are
reworded here for someone at a terminal.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from collections.abc import Sequence
from pathlib import Path

from vitalitybot.cli.database_url import add_url_option, missing_sqlite_file, usable_url
from vitalitybot.cli.errors import CliError, DatabaseError
from vitalitybot.domain.records import Community, Question, Round, Server
from vitalitybot.render.environment import build_environment
from vitalitybot.render.message import Message
from vitalitybot.scheduling.clock import SystemClock
from vitalitybot.services import (
    DeliveryError,
    NotConfigured,
    Place,
    PostRef,
    RoundNotFound,
    ServiceError,
    Services,
    UnknownCommunity,
    WhichCommunity,
)
from vitalitybot.services.harvest import HarvestFile, harvest_file
from vitalitybot.services.places import choose, listing, server_communities
from vitalitybot.storage import open_database
from vitalitybot.vitality.anonymity import RoundKeys

EXIT_OK = 0


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    harvest = subparsers.add_parser("harvest", help="check-in harvests")
    actions = harvest.add_subparsers(dest="harvest_command", metavar="ACTION", required=True)
    export = actions.add_parser(
        "export",
        help="print a check-in's harvest as Markdown",
        description="Print the latest check-in's harvest (or the given round's) as "
        "Markdown. Exit 1 when there is none.",
    )
    export.add_argument("--guild", type=int, required=True, metavar="ID", help="Discord guild id")
    export.add_argument(
        "--community",
        metavar="NAME",
        help="the community's name, when the server holds several",
    )
    export.add_argument(
        "--round", type=int, metavar="ID", help="a check-in's round id (default: the latest)"
    )
    add_url_option(export)
    export.add_argument(
        "-o",
        "--output",
        type=Path,
        metavar="PATH",
        help="write to PATH instead of printing; a folder gets the file under the name "
        "Discord attaches it with (harvest-DATE.md)",
    )
    export.set_defaults(handler=run_export)


def run_export(args: argparse.Namespace) -> int:
    url = usable_url(args)
    path = missing_sqlite_file(url)
    if path is not None:
        raise DatabaseError(f"no database file at {path}: nothing to export")
    try:
        found = asyncio.run(_export(url, args.guild, args.community, args.round))
    except NotConfigured:
        raise CliError(
            f"no community for guild {args.guild} in this database: the bot was never set "
            "up in that server, or the id is another server's"
        ) from None
    except ServiceError as error:
        raise CliError(str(error)) from None
    if args.output is None:
        sys.stdout.write(found.text)
        return EXIT_OK
    target = args.output / found.file.filename if args.output.is_dir() else args.output
    target.write_bytes(found.file.data)
    print(f"wrote the harvest to {target}")
    return EXIT_OK


async def _export(
    url: str, guild_id: int, community_name: str | None, round_id: int | None
) -> HarvestFile:
    db = open_database(url)
    try:
        svc = Services(
            db=db,
            patterns={},  # a stored harvest needs no pattern
            clock=SystemClock(),
            notifier=_NoPosts(),
            members=_NoMembers(),
            env=build_environment(),
            keys=RoundKeys.throwaway(),  # a stored harvest needs no round key
        )
        community = _chosen(await server_communities(svc, guild_id), guild_id, community_name)
        try:
            return await harvest_file(svc, community.id, round_id)
        except RoundNotFound:
            raise CliError(
                f"the community {community.name!r} of guild {guild_id} has no round {round_id}"
            ) from None
    finally:
        await db.dispose()


def _chosen(communities: Sequence[Community], guild_id: int, name: str | None) -> Community:
    """The community ``--community`` names, or the guild's only one (``places.choose``
    with no channel: a terminal is in none), its refusals said in the options' terms."""
    try:
        return choose(communities, Place(guild_id), name)
    except WhichCommunity:
        raise CliError(
            f"guild {guild_id} has {len(communities)} communities: {listing(communities)}; "
            "name one with --community NAME"
        ) from None
    except UnknownCommunity:
        raise CliError(
            f"guild {guild_id} has no community called {name!r}: it has {listing(communities)}"
        ) from None


class _NoPosts:
    """Exporting posts nothing; a call here would be a bug, and says so."""

    async def open_round(
        self,
        community: Community,
        round: Round,
        questions: Sequence[Question],
        message: Message,
        *,
        nonce: str | None = None,
    ) -> PostRef | None:
        raise DeliveryError("the harvest export posts nothing")

    async def post(
        self,
        community: Community,
        message: Message,
        *,
        round: Round | None,
        kind: str,
        nonce: str | None = None,
    ) -> int | None:
        raise DeliveryError("the harvest export posts nothing")

    async def close_round_post(self, community: Community, round: Round, message: Message) -> None:
        raise DeliveryError("the harvest export posts nothing")

    async def remind(
        self, community: Community, round: Round, member_ids: Sequence[int], message: Message
    ) -> None:
        raise DeliveryError("the harvest export posts nothing")

    async def post_digest(
        self, server: Server, message: Message, *, nonce: str | None = None
    ) -> int | None:
        raise DeliveryError("the harvest export posts nothing")


class _NoMembers:
    async def eligible_members(self, community: Community) -> list[int]:
        return []
