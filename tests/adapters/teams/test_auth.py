"""Bot Framework authentication against a local issuer: a valid token passes; every bad one is a 401."""

from __future__ import annotations

import logging
import time
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from typing import Any

import jwt
import pytest
from aiohttp.test_utils import TestClient, TestServer
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlmodel import select

from adapters.server import build_app
from adapters.settings import AppSettings
from adapters.teams.auth import TeamsConfigError
from adapters.teams.mount import teams_adapter
from adapters.teams.signing_keys import SigningKeys
from bot.core import OkrBot
from storage.engine import session_factory
from storage.teams_refs import TeamsConversation
from tests.adapters.teams.conftest import TENANT, load_activity
from tests.adapters.teams.connector import FakeConnector
from tests.adapters.teams.issuer import LocalIssuer, SigningKey, serve_issuer

APP_ID = "0b6c5e2a-1d8f-4c1e-9a7b-2f3e4d5c6b7a"
SETTINGS = AppSettings(
    okrbot_env="production",
    microsoft_app_id=APP_ID,
    microsoft_app_password="not-a-real-secret",
    microsoft_app_type="SingleTenant",
    microsoft_app_tenant_id=TENANT,
)


@pytest.fixture
def issuer() -> Iterator[LocalIssuer]:
    yield from serve_issuer([SigningKey("teams-key"), SigningKey("skype-only", endorsements=("skype",))])


@dataclass
class Secured:
    client: TestClient[Any, Any]
    issuer: LocalIssuer
    connector: FakeConnector
    engine: AsyncEngine

    def activity(self) -> dict[str, Any]:
        # A card action from another app: the bot stores the reference and sends nothing back, so a passing
        # request needs no outbound token from Microsoft's login service.
        return load_activity("card_submit", self.connector.url, value={"someone_elses": "card"})

    async def post(self, token: str | None, activity: dict[str, Any] | None = None) -> int:
        headers = {"Authorization": f"Bearer {token}"} if token is not None else {}
        response = await self.client.post("/api/messages", json=activity or self.activity(), headers=headers)
        return response.status

    def token(self, kid: str = "teams-key", **claims: Any) -> str:
        [key] = [k for k in self.issuer.keys if k.kid == kid] or [SigningKey(kid)]
        claims.setdefault("audience", APP_ID)
        claims.setdefault("service_url", self.connector.url)
        return self.issuer.token(key, **claims)


@pytest.fixture
async def secured(
    engine: AsyncEngine, issuer: LocalIssuer, connector: FakeConnector
) -> AsyncIterator[Secured]:
    bot = OkrBot(session_factory(engine))
    mount = teams_adapter(SETTINGS, bot, endpoints=issuer.endpoints).mount
    app = await build_app([mount])
    async with TestClient(TestServer(app, host="127.0.0.1")) as client:
        yield Secured(client, issuer, connector, engine)


async def test_a_valid_token_passes(secured: Secured) -> None:
    assert await secured.post(secured.token()) == 200
    async with session_factory(secured.engine)() as session:
        assert len((await session.exec(select(TeamsConversation))).all()) == 1


async def test_the_outbound_credentials_are_built_once_and_reused(
    secured: Secured, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.WARNING, logger="adapters.teams.credentials"):
        assert await secured.post(secured.token()) == 200
        assert await secured.post(secured.token()) == 200
    # One token fetch (it fails here: the local login URL is plain http), not one per turn as the SDK does.
    fetches = [r for r in caplog.records if r.name == "adapters.teams.credentials"]
    assert len(fetches) == 1, fetches


@pytest.mark.parametrize(
    "case",
    ["missing header", "wrong audience", "wrong issuer", "expired", "unknown key", "channel not endorsed",
     "service url mismatch", "not a jwt", "wrong scheme", "unsigned"],
)  # fmt: skip
async def test_every_bad_token_is_a_401(secured: Secured, case: str) -> None:
    token: str | None
    scheme = "Bearer"
    match case:
        case "missing header":
            token = None
        case "wrong audience":
            token = secured.token(audience="11111111-2222-3333-4444-555555555555")
        case "wrong issuer":
            token = secured.token(iss="https://sts.windows.net/72f988bf-86f1-41af-91ab-2d7cd011db47/")
        case "expired":
            token = secured.token(exp=int(time.time()) - 3600, nbf=int(time.time()) - 7200)
        case "unknown key":
            token = secured.token(kid="never-published")
        case "channel not endorsed":
            token = secured.token(kid="skype-only")
        case "service url mismatch":
            token = secured.token(service_url="https://evil.example.com/")
        case "not a jwt":
            token = "abc.def"
        case "wrong scheme":
            token, scheme = secured.token(), "Basic"
        case _:
            token = jwt.encode(
                {"iss": "https://api.botframework.com", "aud": APP_ID}, key=None, algorithm="none"
            )
    headers = {"Authorization": f"{scheme} {token}"} if token is not None else {}
    response = await secured.client.post("/api/messages", json=secured.activity(), headers=headers)
    assert response.status == 401, case
    assert secured.connector.calls == []
    async with session_factory(secured.engine)() as session:
        assert (await session.exec(select(TeamsConversation))).all() == []


async def test_signing_keys_are_fetched_at_start_up_without_the_sdks_blocking_client(
    secured: Secured,
) -> None:
    await secured.post(secured.token())
    await secured.post(secured.token(kid="never-published"))
    fetched = [path for path, _ in secured.issuer.requests]
    assert "/v1/keys" in fetched
    # Only aiohttp fetched them: the SDK's synchronous `requests` call never ran on the event loop.
    assert {agent.split("/")[0] for _, agent in secured.issuer.requests} == {"Python"}, (
        secured.issuer.requests
    )
    assert all("aiohttp" in agent for _, agent in secured.issuer.requests)


async def test_a_new_signing_key_is_fetched_when_a_token_names_it(issuer: LocalIssuer) -> None:
    keys = SigningKeys(issuer.endpoints.metadata_urls, unknown_key_cooldown=0.0)
    await keys.start()
    try:
        rolled = SigningKey("rolled-over")
        issuer.keys.append(rolled)
        assert not keys.known("rolled-over")
        await keys.before_validating("Bearer " + issuer.token(rolled, service_url="x", audience=APP_ID))
        assert keys.known("rolled-over")
    finally:
        await keys.stop()


async def test_without_an_app_id_it_runs_unauthenticated_with_a_loud_warning(
    engine: AsyncEngine, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.WARNING):
        teams_adapter(
            AppSettings(okrbot_env="development", microsoft_app_id=None), OkrBot(session_factory(engine))
        )
    assert any("WITHOUT authentication" in record.message for record in caplog.records)


async def test_production_refuses_to_run_unauthenticated(engine: AsyncEngine) -> None:
    with pytest.raises(TeamsConfigError, match="OKRBOT_ENV=production"):
        teams_adapter(
            AppSettings(okrbot_env="production", microsoft_app_id=None), OkrBot(session_factory(engine))
        )


@pytest.mark.parametrize(
    ("settings", "message"),
    [
        ({"microsoft_app_password": None}, "MICROSOFT_APP_PASSWORD"),
        ({"microsoft_app_tenant_id": None}, "MICROSOFT_APP_TENANT_ID"),
    ],
)
async def test_incomplete_credentials_are_refused_with_the_variable_to_set(
    engine: AsyncEngine, settings: dict[str, Any], message: str
) -> None:
    with pytest.raises(TeamsConfigError, match=message):
        teams_adapter(SETTINGS.model_copy(update=settings), OkrBot(session_factory(engine)))
