"""Installations in our database: the migrated tables fit slack_sdk's stores, and tokens are encrypted at rest."""

from __future__ import annotations

from datetime import datetime

import pytest
import sqlalchemy as sa
from slack_sdk.oauth.installation_store.models.installation import Installation
from slack_sdk.oauth.installation_store.sqlalchemy import SQLAlchemyInstallationStore
from slack_sdk.oauth.state_store.sqlalchemy import SQLAlchemyOAuthStateStore
from sqlalchemy.ext.asyncio import AsyncEngine

from adapters.slack.installations import installation_store
from storage.migrate import SDK_TABLES
from storage.secrets import SecretKeyError, TokenCipher


def _sdk_tables() -> dict[str, sa.Table]:
    metadata = sa.MetaData()
    return {
        "slack_installations": SQLAlchemyInstallationStore.build_installations_table(
            metadata, "slack_installations"
        ),
        "slack_bots": SQLAlchemyInstallationStore.build_bots_table(metadata, "slack_bots"),
        "slack_oauth_states": SQLAlchemyOAuthStateStore.build_oauth_states_table(
            metadata, "slack_oauth_states"
        ),
    }


async def test_migrated_tables_have_every_column_slack_sdk_writes(engine: AsyncEngine) -> None:
    async with engine.connect() as connection:
        migrated = await connection.run_sync(
            lambda sync: {name: sa.inspect(sync).get_columns(name) for name in SDK_TABLES}
        )
    for name, table in _sdk_tables().items():
        columns = {c["name"]: c for c in migrated[name]}
        assert set(columns) == {c.name for c in table.columns}, name
        for column in table.columns:
            if column.primary_key:
                continue
            assert columns[column.name]["nullable"] == column.nullable, (name, column.name)
            length = getattr(column.type, "length", None)
            if length is not None:  # ours may be wider (ciphertext), never narrower
                assert columns[column.name]["type"].length >= length, (name, column.name)


def _installation(token: str) -> Installation:
    return Installation(
        app_id="A0OKRBOT",
        enterprise_id=None,
        team_id="T0ACME",
        bot_token=token,
        bot_id="B0OKRBOT",
        bot_user_id="U0OKRBOT",
        bot_scopes="commands,chat:write,users:read",
        user_id="U0MAYA",
        installed_at=datetime(2026, 11, 24, 12, 0).timestamp(),
    )


async def test_tokens_are_stored_encrypted_and_read_back_in_the_clear(engine: AsyncEngine) -> None:
    cipher = TokenCipher(TokenCipher.new_key())
    store = installation_store(client_id="C1", engine=engine, cipher=cipher)
    installation = _installation("xoxb-secret-token")

    await store.async_save(installation)

    async with engine.connect() as connection:
        raw = (await connection.execute(sa.text("SELECT bot_token FROM slack_bots"))).scalar_one()
        raw_installation = (
            await connection.execute(sa.text("SELECT bot_token FROM slack_installations"))
        ).scalar_one()
    assert raw.startswith("enc:") and raw_installation.startswith("enc:") and "xoxb" not in raw
    bot = await store.async_find_bot(enterprise_id=None, team_id="T0ACME")
    assert bot is not None and bot.bot_token == "xoxb-secret-token"
    assert installation.bot_token == "xoxb-secret-token"  # the caller's object is left as it was


async def test_a_new_key_in_front_still_reads_tokens_of_the_old_one(engine: AsyncEngine) -> None:
    old, new = TokenCipher.new_key(), TokenCipher.new_key()
    await installation_store(client_id="C1", engine=engine, cipher=TokenCipher(old)).async_save(
        _installation("xoxb-1")
    )

    rotated = installation_store(client_id="C1", engine=engine, cipher=TokenCipher(f"{new},{old}"))
    bot = await rotated.async_find_bot(enterprise_id=None, team_id="T0ACME")

    assert bot is not None and bot.bot_token == "xoxb-1"
    with pytest.raises(SecretKeyError):
        await installation_store(client_id="C1", engine=engine, cipher=TokenCipher(new)).async_find_bot(
            enterprise_id=None, team_id="T0ACME"
        )


def test_a_malformed_key_is_named_clearly() -> None:
    with pytest.raises(SecretKeyError, match="OKRBOT_SECRET_KEY must be Fernet keys"):
        TokenCipher("not-a-key")
