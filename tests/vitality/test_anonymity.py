from __future__ import annotations

import hashlib
import hmac
import re
import secrets

import pytest

from vitalitybot.domain.records import SealedKey
from vitalitybot.vitality.anonymity import KEY_BYTES, RoundKeys, respondent_key

MEMBER = 123456789012345678  # a Discord snowflake
BOT_KEY = bytes(range(KEY_BYTES))


def test_within_a_round_a_member_always_has_the_same_key() -> None:
    keys = RoundKeys(BOT_KEY)
    sealed = keys.new_round_key()
    assert keys.respondent_key(sealed, MEMBER) == keys.respondent_key(sealed, MEMBER)
    assert keys.respondent_key(sealed, MEMBER) != keys.respondent_key(sealed, MEMBER + 1)


def test_a_member_has_another_key_in_every_round() -> None:
    keys = RoundKeys(BOT_KEY)
    rounds = [keys.new_round_key() for _ in range(20)]
    assert len({keys.respondent_key(sealed, MEMBER) for sealed in rounds}) == 20


def test_a_sealed_key_opens_only_under_the_bot_key_it_was_sealed_with() -> None:
    round_key = secrets.token_bytes(KEY_BYTES)
    sealed = RoundKeys(BOT_KEY).seal(round_key)
    assert RoundKeys(BOT_KEY).unseal(sealed) == round_key
    assert RoundKeys(secrets.token_bytes(KEY_BYTES)).unseal(sealed) != round_key
    # Stored, it shows neither the round key nor the bot key.
    assert round_key.hex() not in sealed.sealed + sealed.nonce
    assert BOT_KEY.hex() not in sealed.sealed + sealed.nonce


def test_the_same_round_key_sealed_twice_looks_different_each_time() -> None:
    keys = RoundKeys(BOT_KEY)
    round_key = secrets.token_bytes(KEY_BYTES)
    first, second = keys.seal(round_key), keys.seal(round_key)
    assert first.nonce != second.nonce and first.sealed != second.sealed
    assert keys.unseal(first) == keys.unseal(second) == round_key


def test_sealing_is_a_pad_made_by_hmac_so_other_tools_can_unseal_it() -> None:
    round_key = secrets.token_bytes(KEY_BYTES)
    sealed = RoundKeys(BOT_KEY).seal(round_key)
    pad = hmac.new(BOT_KEY, b"round-key" + bytes.fromhex(sealed.nonce), hashlib.sha256).digest()
    assert bytes(a ^ b for a, b in zip(bytes.fromhex(sealed.sealed), pad, strict=True)) == round_key


def test_the_respondent_key_is_a_standard_hmac_sha256_of_the_member_id() -> None:
    round_key = bytes.fromhex("00ff" * 16)
    expected = hmac.new(round_key, str(MEMBER).encode(), hashlib.sha256).hexdigest()
    assert respondent_key(round_key, MEMBER) == expected
    assert re.fullmatch(r"[0-9a-f]{64}", expected) and str(MEMBER) not in expected


def test_the_bot_key_never_shows_in_a_repr() -> None:
    keys = RoundKeys(BOT_KEY)
    sealed = keys.new_round_key()
    assert BOT_KEY.hex() not in repr(keys) and str(BOT_KEY) not in repr(keys)
    assert sealed.sealed not in repr(sealed)


def test_a_short_bot_key_an_empty_round_key_or_a_broken_seal_is_refused() -> None:
    with pytest.raises(ValueError):
        RoundKeys(b"too short")
    with pytest.raises(ValueError):
        respondent_key(b"", MEMBER)
    with pytest.raises(ValueError):
        RoundKeys(BOT_KEY).unseal(SealedKey(nonce="00" * 16, sealed="00" * 5))
