"""Refreshing a workspace's rotating Slack token in one place at a time, across every okrbot instance.

Slack revokes a refresh token once it is used. Two instances that find the same token due (a request on each, or
a request and the sender) would both refresh it: one wins, the other's call fails and its request or message
with it. So a refresh holds a per-workspace lock (an advisory lock on PostgreSQL, where several instances share
the database; a process lock on SQLite, which is one process), reads the newest token inside it, refreshes only
if that one is still due, and saves the result before letting go. The next holder then finds it fresh.
"""

from __future__ import annotations

import asyncio
import hashlib
import time
from collections import defaultdict
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import sqlalchemy as sa
from slack_sdk.oauth.installation_store.models.bot import Bot
from slack_sdk.oauth.token_rotation.async_rotator import AsyncTokenRotator
from slack_sdk.web.async_client import AsyncWebClient
from sqlalchemy.ext.asyncio import AsyncEngine

from adapters.slack.installations import EncryptedInstallationStore


def _lock_key(team_id: str) -> int:
    """A stable 64-bit advisory-lock key for a workspace (PostgreSQL's keys are signed bigints)."""
    digest = hashlib.blake2b(f"okrbot:slack-token:{team_id}".encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big", signed=True)


class OneRefreshAtATime(AsyncTokenRotator):
    """slack_sdk's rotator, serialised per workspace; Bolt's authorize and InstalledTokens both use it.

    Only bot tokens rotate here (the app asks for no user scopes); Bolt's installation path reaches this through
    `perform_token_rotation`, which calls `perform_bot_token_rotation`.
    """

    def __init__(
        self,
        *,
        client_id: str,
        client_secret: str,
        client: AsyncWebClient,
        store: EncryptedInstallationStore,
        engine: AsyncEngine,
    ) -> None:
        super().__init__(client_id=client_id, client_secret=client_secret, client=client)
        self.store = store
        self.engine = engine
        self._in_process: defaultdict[str, asyncio.Lock] = defaultdict(asyncio.Lock)

    async def perform_bot_token_rotation(
        self, *, bot: Bot, minutes_before_expiration: int = 120
    ) -> Bot | None:
        if bot.bot_refresh_token is None or not self._due(bot, minutes_before_expiration):
            return None  # the common case costs nothing: no lock, no query
        async with self._exclusive(bot.team_id or ""):
            latest = (
                await self.store.async_find_bot(
                    enterprise_id=bot.enterprise_id,
                    team_id=bot.team_id,
                    is_enterprise_install=bot.is_enterprise_install,
                )
                or bot
            )
            refreshed = await super().perform_bot_token_rotation(
                bot=latest, minutes_before_expiration=minutes_before_expiration
            )
            if refreshed is not None:
                await self.store.async_save_bot(refreshed)  # before the lock goes: the next holder reads it
                return refreshed
        # Someone else refreshed it meanwhile: theirs is the token to use (the caller saves what it gets).
        return latest if latest.bot_token != bot.bot_token else None

    @staticmethod
    def _due(bot: Bot, minutes_before_expiration: int) -> bool:
        expires_at = bot.bot_token_expires_at
        return expires_at is not None and expires_at <= time.time() + minutes_before_expiration * 60

    @asynccontextmanager
    async def _exclusive(self, team_id: str) -> AsyncIterator[None]:
        async with self._in_process[team_id]:
            if self.engine.dialect.name != "postgresql":
                yield
                return
            key = _lock_key(team_id)
            async with self.engine.connect() as connection:
                await connection.execute(sa.select(sa.func.pg_advisory_lock(key)))
                await connection.commit()  # the session-level lock outlives this; the connection stays ours
                try:
                    yield
                finally:
                    await connection.execute(sa.select(sa.func.pg_advisory_unlock(key)))
                    await connection.commit()
