"""Anonymous respondent keys: the only bridge from a member to their answers in a round.

Answers are stored under a respondent key, never under the member's Discord id in an
anonymous round. The key is HMAC-SHA256 of the member id under the *round's* own key:
stable within the round (a member can change an answer, skip, be left out of the
reminder, and is counted once), different in every round (a year of answers is not
one profile), and not reversible without the round key.

Where the round keys live decides who can link answers to members:

* The **bot key** (keyfile.py) lives outside the database: a file in the state
  directory or ``VITALITYBOT_SECRET_KEY``. A copy of the database alone derives nothing.
* Each **round key** is 32 random bytes, stored only *sealed* under the bot key: a
  fresh random nonce per round and ``sealed = round_key XOR HMAC-SHA256(bot_key,
  "round-key" || nonce)``. That is a one-block stream cipher with HMAC as the
  pseudo-random function; the nonce keeps the pads of two rounds apart even if a round
  id is ever used twice. Sealing one 32-byte value needs nothing more, so stdlib
  ``hmac`` and ``secrets`` do it without a crypto library to install and audit.
* When a round ends, storage sets its nonce and sealed key to NULL in the transaction
  that ends it (storage/rounds.py). From then on no one, the operator holding the bot
  key included, can recompute that round's respondent keys: its rows are linked
  neither to members nor to the same members' rows in other rounds.

The respondent key formula is the one earlier versions used with a community secret,
so migration 0004 seals each open round's old secret as its round key and answers
already given still match.
"""

from __future__ import annotations

import hmac
import secrets

from vitalitybot.domain.records import SealedKey

KEY_BYTES = 32
NONCE_BYTES = 16
_PAD_LABEL = b"round-key"


class RoundKeys:
    """Seals new round keys under the bot key and derives respondent keys from them.

    The bot key is held here and nowhere else; ``repr`` never shows it.
    """

    __slots__ = ("_bot_key",)

    def __init__(self, bot_key: bytes) -> None:
        if len(bot_key) < KEY_BYTES:
            raise ValueError(f"the bot key must be at least {KEY_BYTES} bytes")
        self._bot_key = bytes(bot_key)

    @classmethod
    def throwaway(cls) -> RoundKeys:
        """A random key held in memory only: for runs whose database is thrown away too."""
        return cls(secrets.token_bytes(KEY_BYTES))

    def __repr__(self) -> str:
        return "RoundKeys(<hidden>)"

    def new_round_key(self) -> SealedKey:
        """A fresh random round key, sealed for storage."""
        return self.seal(secrets.token_bytes(KEY_BYTES))

    def seal(self, round_key: bytes) -> SealedKey:
        if len(round_key) != KEY_BYTES:
            raise ValueError(f"a round key is {KEY_BYTES} bytes, not {len(round_key)}")
        nonce = secrets.token_bytes(NONCE_BYTES)
        return SealedKey(nonce=nonce.hex(), sealed=_xor(round_key, self._pad(nonce)).hex())

    def unseal(self, sealed: SealedKey) -> bytes:
        """The round key. Under another bot key this is a different, consistent key."""
        return _xor(bytes.fromhex(sealed.sealed), self._pad(bytes.fromhex(sealed.nonce)))

    def respondent_key(self, sealed: SealedKey, member_id: int) -> str:
        """``member_id``'s respondent key in the round whose key is ``sealed``."""
        return respondent_key(self.unseal(sealed), member_id)

    def _pad(self, nonce: bytes) -> bytes:
        return hmac.digest(self._bot_key, _PAD_LABEL + nonce, "sha256")


def respondent_key(round_key: bytes, member_id: int) -> str:
    """The key under which ``member_id``'s answers to one round are stored.

    Raises ``ValueError`` for an empty round key: it would make every key guessable
    from the member id alone.
    """
    if not round_key:
        raise ValueError("the round key is empty")
    return hmac.digest(round_key, str(member_id).encode("ascii"), "sha256").hex()


def _xor(a: bytes, b: bytes) -> bytes:
    if len(a) != len(b):
        raise ValueError("a sealed round key has the wrong length")
    return (int.from_bytes(a) ^ int.from_bytes(b)).to_bytes(len(a))
