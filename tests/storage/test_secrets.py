"""OKRBOT_SECRET_KEY: Fernet keys as they are, longer secrets (Heroku's generated 64 hex characters) through
HKDF, anything shorter refused with a line naming the setting."""

from __future__ import annotations

import secrets

import pytest
from cryptography.fernet import Fernet

from storage.secrets import SecretKeyError, TokenCipher

HEROKU_SECRET = secrets.token_hex(32)  # what app.json's "generator": "secret" makes: 64 hex characters


def test_a_fernet_key_is_used_as_it_is_so_tokens_stored_before_still_read() -> None:
    key = Fernet.generate_key()
    stored = "enc:" + Fernet(key).encrypt(b"xoxb-1").decode()
    assert TokenCipher(key.decode()).decrypt(stored) == "xoxb-1"


def test_a_long_secret_derives_the_same_key_every_time_and_only_from_itself() -> None:
    stored = TokenCipher(HEROKU_SECRET).encrypt("xoxb-2")
    assert stored is not None and stored.startswith("enc:") and "xoxb" not in stored
    assert TokenCipher(HEROKU_SECRET).decrypt(stored) == "xoxb-2"  # another process, the same key
    with pytest.raises(SecretKeyError, match="OKRBOT_SECRET_KEY does not hold"):
        TokenCipher(secrets.token_hex(32)).decrypt(stored)
    with pytest.raises(SecretKeyError):
        TokenCipher(TokenCipher.new_key()).decrypt(stored)  # not the secret itself used as a key, either


def test_a_derived_and_a_fernet_key_rotate_together() -> None:
    old = TokenCipher.new_key()
    stored = TokenCipher(old).encrypt("xoxb-3")
    rotated = TokenCipher(f"{HEROKU_SECRET}, {old}").reencrypt(stored)
    assert TokenCipher(HEROKU_SECRET).decrypt(rotated) == "xoxb-3"


@pytest.mark.parametrize(
    ("keys", "expected"),
    [
        ("not-a-key", "OKRBOT_SECRET_KEY must be Fernet keys or secrets of at least 32 characters"),
        ("a" * 31, "OKRBOT_SECRET_KEY must be Fernet keys or secrets of at least 32 characters"),
        (f"{HEROKU_SECRET},short", "OKRBOT_SECRET_KEY must be"),
        (" , ", "OKRBOT_SECRET_KEY is empty"),
    ],
)
def test_a_short_or_empty_key_is_one_line_naming_the_setting(keys: str, expected: str) -> None:
    with pytest.raises(SecretKeyError) as caught:
        TokenCipher(keys)
    assert expected in str(caught.value) and "\n" not in str(caught.value)


def test_thirty_two_characters_are_enough() -> None:
    assert TokenCipher("a" * 32).decrypt(TokenCipher("a" * 32).encrypt("x")) == "x"
