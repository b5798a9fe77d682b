"""Slack installations in our database, through slack_sdk's SQLAlchemy stores, with tokens encrypted at rest."""

from __future__ import annotations

import copy
import logging
from typing import TypeVar

from slack_sdk.oauth.installation_store.async_installation_store import AsyncInstallationStore
from slack_sdk.oauth.installation_store.models.bot import Bot
from slack_sdk.oauth.installation_store.models.installation import Installation
from slack_sdk.oauth.installation_store.sqlalchemy import AsyncSQLAlchemyInstallationStore
from slack_sdk.oauth.state_store.sqlalchemy import AsyncSQLAlchemyOAuthStateStore
from sqlalchemy.ext.asyncio import AsyncEngine

from storage.secrets import TokenCipher

log = logging.getLogger(__name__)

TOKEN_FIELDS = ("bot_token", "bot_refresh_token", "user_token", "user_refresh_token")
OAUTH_STATE_TTL = 600  # seconds someone has to finish "Add to Slack"

T = TypeVar("T", Bot, Installation)


class EncryptedInstallationStore(AsyncInstallationStore):
    """slack_sdk's async SQLAlchemy store, with every token encrypted before it is written and after it is read.

    Installation and Bot objects are copied, never changed in place: Bolt keeps using the ones it handed us.
    """

    def __init__(self, store: AsyncSQLAlchemyInstallationStore, cipher: TokenCipher) -> None:
        self.store = store
        self.cipher = cipher

    @property
    def logger(self) -> logging.Logger:
        return log

    def _encrypted(self, record: T) -> T:
        record = copy.copy(record)
        for name in TOKEN_FIELDS:
            if hasattr(record, name):
                setattr(record, name, self.cipher.encrypt(getattr(record, name)))
        return record

    def _decrypted(self, record: T | None) -> T | None:
        if record is None:
            return None
        record = copy.copy(record)
        for name in TOKEN_FIELDS:
            if hasattr(record, name):
                setattr(record, name, self.cipher.decrypt(getattr(record, name)))
        return record

    async def async_save(self, installation: Installation) -> None:
        await self.store.async_save(self._encrypted(installation))

    async def async_save_bot(self, bot: Bot) -> None:
        await self.store.async_save_bot(self._encrypted(bot))

    async def async_find_bot(
        self, *, enterprise_id: str | None, team_id: str | None, is_enterprise_install: bool | None = False
    ) -> Bot | None:
        found = await self.store.async_find_bot(
            enterprise_id=enterprise_id, team_id=team_id, is_enterprise_install=is_enterprise_install
        )
        return self._decrypted(found)

    async def async_find_installation(
        self,
        *,
        enterprise_id: str | None,
        team_id: str | None,
        user_id: str | None = None,
        is_enterprise_install: bool | None = False,
    ) -> Installation | None:
        found = await self.store.async_find_installation(
            enterprise_id=enterprise_id,
            team_id=team_id,
            user_id=user_id,
            is_enterprise_install=is_enterprise_install,
        )
        return self._decrypted(found)

    async def async_delete_bot(self, *, enterprise_id: str | None, team_id: str | None) -> None:
        await self.store.async_delete_bot(enterprise_id=enterprise_id, team_id=team_id)

    async def async_delete_installation(
        self, *, enterprise_id: str | None, team_id: str | None, user_id: str | None = None
    ) -> None:
        await self.store.async_delete_installation(
            enterprise_id=enterprise_id, team_id=team_id, user_id=user_id
        )

    async def async_delete_all(self, *, enterprise_id: str | None, team_id: str | None) -> None:
        await self.store.async_delete_all(enterprise_id=enterprise_id, team_id=team_id)


def installation_store(
    *, client_id: str, engine: AsyncEngine, cipher: TokenCipher
) -> EncryptedInstallationStore:
    return EncryptedInstallationStore(
        AsyncSQLAlchemyInstallationStore(client_id=client_id, engine=engine), cipher
    )


def oauth_state_store(engine: AsyncEngine) -> AsyncSQLAlchemyOAuthStateStore:
    # In the database, not in memory or a cookie alone: the install may start on one bot instance and finish on
    # another behind the load balancer.
    return AsyncSQLAlchemyOAuthStateStore(expiration_seconds=OAUTH_STATE_TTL, engine=engine)
