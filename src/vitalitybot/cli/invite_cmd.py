"""``vitalitybot invite-url``: print the link that adds the bot to a server.

The application id comes from ``--client-id`` or, failing that, from the token in the
settings (a bot token begins with its id); the token itself is never printed.
"""

from __future__ import annotations

import argparse
import sys

from vitalitybot.config import load_settings

EXIT_USAGE = 2
NO_CLIENT_ID = (
    "error: no application id. Pass --client-id (Developer Portal -> your application -> "
    "General Information -> Application ID), or set VITALITYBOT_TOKEN."
)


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser(
        "invite-url",
        help="print the link that adds the bot to a server",
        description="Print the OAuth2 URL (scopes bot and applications.commands) with the "
        "few permissions the bot needs.",
    )
    parser.add_argument("--client-id", type=int, metavar="ID", help="the application id")
    parser.set_defaults(handler=invite)


def invite(args: argparse.Namespace) -> int:
    from vitalitybot.bot.invite import client_id_from_token, invite_url

    client_id: int | None = args.client_id
    if client_id is None:
        token = load_settings().token
        client_id = client_id_from_token(token.get_secret_value()) if token else None
    if client_id is None or client_id <= 0:
        print(NO_CLIENT_ID, file=sys.stderr)
        return EXIT_USAGE
    print(invite_url(client_id))
    return 0
