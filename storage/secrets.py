"""Platform tokens encrypted at rest, with a key from the environment (OKRBOT_SECRET_KEY).

The setting holds one or more Fernet keys separated by commas, newest first: new values are encrypted with the
first, and any of them decrypts. That is how a key is rotated without downtime: put the new key in front, run
`okrbot rotate-key` to re-encrypt what is stored, then drop the old key.
"""

from __future__ import annotations

from cryptography.fernet import Fernet, InvalidToken, MultiFernet

# Marks an encrypted value, so that reading a database written before encryption was on still works.
PREFIX = "enc:"


class SecretKeyError(ValueError):
    """OKRBOT_SECRET_KEY is not a usable Fernet key list."""


class TokenCipher:
    def __init__(self, keys: str) -> None:
        try:
            fernets = [Fernet(key.strip()) for key in keys.split(",") if key.strip()]
        except ValueError:
            raise SecretKeyError(
                "OKRBOT_SECRET_KEY must be Fernet keys (32 url-safe base64 bytes), comma-separated; "
                "`okrbot rotate-key --new` prints a fresh one"
            ) from None
        if not fernets:
            raise SecretKeyError("OKRBOT_SECRET_KEY is empty")
        self._fernet = MultiFernet(fernets)

    @staticmethod
    def new_key() -> str:
        return Fernet.generate_key().decode()

    def encrypt(self, value: str | None) -> str | None:
        if value is None or value.startswith(PREFIX):
            return value
        return PREFIX + self._fernet.encrypt(value.encode()).decode()

    def decrypt(self, value: str | None) -> str | None:
        if value is None or not value.startswith(PREFIX):
            return value
        try:
            return self._fernet.decrypt(value.removeprefix(PREFIX).encode()).decode()
        except InvalidToken:
            raise SecretKeyError(
                "a stored token was encrypted with a key OKRBOT_SECRET_KEY does not hold"
            ) from None

    def reencrypt(self, value: str | None) -> str | None:
        """The value under the newest key (for `okrbot rotate-key`)."""
        if value is None or not value.startswith(PREFIX):
            return self.encrypt(value)
        return PREFIX + self._fernet.rotate(value.removeprefix(PREFIX).encode()).decode()
