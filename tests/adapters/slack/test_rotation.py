"""A rotating Slack token that comes due is refreshed once, however many callers find it due at once: the sender
and Bolt in one process, or several instances on one PostgreSQL. Slack revokes a refresh token once it is used,
so a second refresh would fail, and the message or request waiting on it with it."""

from __future__ import annotations

import asyncio
import time

from cryptography.fernet import Fernet
from slack_sdk.oauth.installation_store.models.bot import Bot
from slack_sdk.web.async_client import AsyncWebClient
from sqlalchemy.ext.asyncio import AsyncEngine

from adapters.slack.installations import EncryptedInstallationStore, installation_store
from adapters.slack.rotation import OneRefreshAtATime
from adapters.slack.tokens import InstalledTokens
from storage.engine import create_engine
from storage.secrets import TokenCipher
from tests.fakes.slack_api import FakeSlackApi

TEAM = "T0ROTATE"


async def _installed(slack: FakeSlackApi, store: EncryptedInstallationStore, *, expires_in: float) -> Bot:
    """An installation with a rotating token, saved as OAuth would, expiring in `expires_in` seconds."""
    slack.rotating = True
    answer = await AsyncWebClient(base_url=slack.url).oauth_v2_access(
        client_id=slack.client_id, client_secret=slack.client_secret, code=slack.oauth_code(TEAM)
    )
    bot = Bot(
        app_id="A0OKRBOT",
        team_id=TEAM,
        bot_id="B0OKRBOT",
        bot_user_id=answer["bot_user_id"],
        bot_token=answer["access_token"],
        bot_refresh_token=answer["refresh_token"],
        bot_token_expires_at=int(time.time() + expires_in),
        installed_at=time.time(),
    )
    await store.async_save_bot(bot)
    return bot


def _rotator(
    slack: FakeSlackApi, store: EncryptedInstallationStore, engine: AsyncEngine
) -> OneRefreshAtATime:
    client = AsyncWebClient(base_url=slack.url)
    return OneRefreshAtATime(
        client_id=slack.client_id,
        client_secret=slack.client_secret,
        client=client,
        store=store,
        engine=engine,
    )


def _refreshes(slack: FakeSlackApi) -> list[str]:
    calls = slack.calls("oauth.v2.access")
    return [str(c.args["refresh_token"]) for c in calls if c.args.get("grant_type") == "refresh_token"]


async def test_callers_that_find_the_token_due_together_share_one_refresh(
    slack_api: FakeSlackApi, engine: AsyncEngine, database_url: str
) -> None:
    cipher = TokenCipher(Fernet.generate_key().decode())
    # PostgreSQL: two instances, each with its own connection pool, store and rotator, on one database.
    # SQLite is one process: Bolt and the sender share its rotator.
    two_instances = engine.dialect.name == "postgresql"
    engines = [engine, create_engine(database_url)] if two_instances else [engine]
    stores = [installation_store(client_id=slack_api.client_id, engine=e, cipher=cipher) for e in engines]
    rotators = [_rotator(slack_api, store, e) for store, e in zip(stores, engines, strict=True)]
    stale = await _installed(slack_api, stores[0], expires_in=60)  # due: less than two hours left
    try:
        callers = [InstalledTokens(rotator) for rotator in rotators]
        tokens = await asyncio.gather(*(c.token_for(TEAM) for c in callers for _ in range(4)))
        # Bolt's request path hands in the stale bot it read before the refresh.
        from_bolt = await rotators[-1].perform_bot_token_rotation(bot=stale, minutes_before_expiration=120)
    finally:
        for extra in engines[1:]:
            await extra.dispose()

    assert _refreshes(slack_api) == [stale.bot_refresh_token]  # one refresh, with the token saved at install
    assert len(set(tokens)) == 1 and tokens[0] != stale.bot_token
    assert from_bolt is not None and from_bolt.bot_token == tokens[0]
    saved = await stores[-1].async_find_bot(enterprise_id=None, team_id=TEAM)
    assert saved is not None and saved.bot_token == tokens[0]
    assert (await AsyncWebClient(base_url=slack_api.url, token=tokens[0]).auth_test())["team_id"] == TEAM


async def test_a_token_far_from_expiry_is_used_as_it_is(slack_api: FakeSlackApi, engine: AsyncEngine) -> None:
    store = installation_store(
        client_id=slack_api.client_id, engine=engine, cipher=TokenCipher(Fernet.generate_key().decode())
    )
    fresh = await _installed(slack_api, store, expires_in=6 * 3600)
    assert await InstalledTokens(_rotator(slack_api, store, engine)).token_for(TEAM) == fresh.bot_token
    assert _refreshes(slack_api) == []
