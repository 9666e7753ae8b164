from __future__ import annotations

import hashlib
import hmac
import re

import pytest

from vitalitybot.vitality.anonymity import new_secret, respondent_key

MEMBER = 123456789012345678  # a Discord snowflake


def test_same_secret_and_member_always_give_the_same_key() -> None:
    secret = new_secret()
    assert respondent_key(secret, MEMBER) == respondent_key(secret, MEMBER)


def test_keys_differ_across_secrets_so_communities_cannot_be_joined() -> None:
    assert respondent_key(new_secret(), MEMBER) != respondent_key(new_secret(), MEMBER)


def test_keys_differ_across_members() -> None:
    secret = new_secret()
    assert respondent_key(secret, MEMBER) != respondent_key(secret, MEMBER + 1)


def test_key_is_hex_and_does_not_reveal_the_member_id() -> None:
    key = respondent_key(new_secret(), MEMBER)
    assert re.fullmatch(r"[0-9a-f]{64}", key)
    assert str(MEMBER) not in key


def test_key_is_a_standard_hmac_sha256_so_other_tools_can_recompute_it() -> None:
    secret = "00ff" * 16
    expected = hmac.new(bytes.fromhex(secret), str(MEMBER).encode(), hashlib.sha256).hexdigest()
    assert respondent_key(secret, MEMBER) == expected


def test_new_secrets_are_long_random_hex() -> None:
    secrets = {new_secret() for _ in range(20)}
    assert len(secrets) == 20
    assert all(re.fullmatch(r"[0-9a-f]{64}", s) for s in secrets)


@pytest.mark.parametrize("secret", ["", "not hex at all"])
def test_a_missing_or_broken_secret_is_refused(secret: str) -> None:
    with pytest.raises(ValueError):
        respondent_key(secret, MEMBER)
