"""``vitalitybot invite-url``: print the link that adds the bot to a server.

The application id comes from ``--client-id`` or, failing that, from the token in the
settings (a bot token begins with its id); the token itself is never printed. A token
that is set but holds no id is a configuration error: the bot could not log in with it
either.
"""

from __future__ import annotations

import argparse

from vitalitybot.cli.errors import ConfigurationError, UsageError
from vitalitybot.config import load_settings

WHERE_THE_ID_IS = "Developer Portal -> your application -> General Information -> Application ID"
NO_CLIENT_ID = f"no application id: pass --client-id ({WHERE_THE_ID_IS}), or set VITALITYBOT_TOKEN"
BAD_TOKEN = (
    "VITALITYBOT_TOKEN does not look like a Discord bot token (it begins with the "
    "application id): copy it again from Bot -> Reset Token, or pass --client-id "
    f"({WHERE_THE_ID_IS})"
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
        if token is None or not token.get_secret_value().strip():
            raise UsageError(NO_CLIENT_ID)
        client_id = client_id_from_token(token.get_secret_value())
        if client_id is None or client_id <= 0:
            raise ConfigurationError(BAD_TOKEN)
    if client_id <= 0:
        raise UsageError(f"--client-id is a positive number, not {client_id}")
    print(invite_url(client_id))
    return 0
