"""Platform tokens encrypted at rest, with a key from the environment (OKRBOT_SECRET_KEY).

The setting holds one or more keys separated by commas, newest first: new values are encrypted with the first,
and any of them decrypts. That is how a key is rotated without downtime: put the new key in front, run
`okrbot rotate-key` to re-encrypt what is stored, then drop the old key.

A key is either a Fernet key (44 url-safe base64 characters, what `okrbot rotate-key --new` prints) or any other
secret of at least 32 characters, from which a Fernet key is derived with HKDF-SHA256. The second form exists
for hosts that generate secrets themselves: Heroku's app.json `"generator": "secret"` gives 64 hex characters.
"""

from __future__ import annotations

import base64
import re
from collections.abc import Mapping

import sqlalchemy as sa
from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from sqlalchemy.ext.asyncio import AsyncEngine

# Marks an encrypted value, so that reading a database written before encryption was on still works.
PREFIX = "enc:"
SETTING = "OKRBOT_SECRET_KEY"
MIN_SECRET_LENGTH = 32
# Fixed for good: changing it would make every derived key, and so every stored token, unreadable.
_HKDF_INFO = b"okrbot OKRBOT_SECRET_KEY token encryption v1"
_FERNET_KEY = re.compile(r"^[A-Za-z0-9_-]{43}=$")

# Every column that holds values written through TokenCipher.encrypt, by table: the Slack installation store's
# tokens (adapters/slack/installations.py, TOKEN_FIELDS; the tables are made by migration 0004).
ENCRYPTED_COLUMNS: Mapping[str, tuple[str, ...]] = {
    "slack_installations": ("bot_token", "bot_refresh_token", "user_token", "user_refresh_token"),
    "slack_bots": ("bot_token", "bot_refresh_token"),
}


class SecretKeyError(ValueError):
    """OKRBOT_SECRET_KEY is not a usable key list, or does not hold the key a stored value needs."""


def fernet_key(secret: str) -> bytes:
    """The Fernet key a configured secret stands for: itself when it is one, else derived from it."""
    if _FERNET_KEY.match(secret):
        return secret.encode()
    if len(secret) < MIN_SECRET_LENGTH:
        raise SecretKeyError(
            f"{SETTING} must be Fernet keys or secrets of at least {MIN_SECRET_LENGTH} characters, "
            "comma-separated; `okrbot rotate-key --new` prints a fresh one"
        )
    derived = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=_HKDF_INFO).derive(secret.encode())
    return base64.urlsafe_b64encode(derived)


class TokenCipher:
    def __init__(self, keys: str) -> None:
        secrets = [key.strip() for key in keys.split(",") if key.strip()]
        if not secrets:
            raise SecretKeyError(f"{SETTING} is empty")
        self._fernet = MultiFernet([Fernet(fernet_key(secret)) for secret in secrets])

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
            raise SecretKeyError(f"a stored token was encrypted with a key {SETTING} does not hold") from None

    def reencrypt(self, value: str | None) -> str | None:
        """The value under the newest key (for `okrbot rotate-key`)."""
        if value is None or not value.startswith(PREFIX):
            return self.encrypt(value)
        try:
            return PREFIX + self._fernet.rotate(value.removeprefix(PREFIX).encode()).decode()
        except InvalidToken:
            raise SecretKeyError(f"a stored token was encrypted with a key {SETTING} does not hold") from None


async def reencrypt_stored_tokens(engine: AsyncEngine, cipher: TokenCipher) -> int:
    """Re-encrypt every stored token under the cipher's newest key, in one transaction; how many were.

    Every value is decrypted before anything is written, so a value no key can read stops the rotation with
    nothing changed (a SecretKeyError naming where it is). Plain values from before encryption was on are
    encrypted too. The database must be migrated (the tables are migration 0004's).
    """
    async with engine.begin() as connection:
        planned: list[tuple[sa.TableClause, tuple[str, ...], list[dict[str, object]]]] = []
        count = 0
        for name, columns in ENCRYPTED_COLUMNS.items():
            table = sa.table(name, sa.column("id"), *(sa.column(column) for column in columns))
            rows: list[dict[str, object]] = []
            for row in (await connection.execute(sa.select(table).order_by(table.c.id))).mappings():
                values: dict[str, object] = {"row_id": row["id"]}
                for column in columns:
                    try:
                        values[f"new_{column}"] = cipher.reencrypt(row[column])  # None stays None
                    except SecretKeyError:
                        raise SecretKeyError(
                            f"{name}.{column} of row {row['id']} was encrypted with a key {SETTING} does not "
                            "hold: keep that key in the list, after the new one"
                        ) from None
                    count += row[column] is not None
                rows.append(values)
            planned.append((table, columns, rows))
        for table, columns, rows in planned:
            if rows:
                # Parameters named apart from the columns: SQLAlchemy reserves a column's own name in SET.
                statement = (
                    sa.update(table)
                    .where(table.c.id == sa.bindparam("row_id"))
                    .values({column: sa.bindparam(f"new_{column}") for column in columns})
                )
                await connection.execute(statement, rows)
    return count
