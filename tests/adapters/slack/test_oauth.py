"""Many workspaces through OAuth: install, tokens encrypted at rest, uninstall, and a workspace never installed."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator

import pytest
import sqlalchemy as sa
from aiohttp import ClientSession
from sqlalchemy.ext.asyncio import AsyncEngine

from storage.secrets import TokenCipher
from tests.adapters.slack import wire
from tests.adapters.slack.conftest import SlackRig, rig_settings, serving
from tests.clock import SettableClock
from tests.fakes.slack_api import FakeSlackApi, SlackUser

SECRET_KEY = TokenCipher.new_key()


@pytest.fixture
async def oauth(slack_api: FakeSlackApi, engine: AsyncEngine, database_url: str) -> AsyncIterator[SlackRig]:
    settings = rig_settings(
        slack_api,
        database_url,
        slack_client_id=slack_api.client_id,
        slack_client_secret=slack_api.client_secret,
        slack_signing_secret=wire.SIGNING_SECRET,
        okrbot_secret_key=SECRET_KEY,
    )
    clock = SettableClock()
    async with serving(settings, engine, clock) as server, ClientSession() as http:
        yield SlackRig(slack_api, server, http, engine, clock)


async def _install(rig: SlackRig, team_id: str) -> None:
    async with rig.http.get(rig.url("/slack/install"), allow_redirects=False) as started:
        assert started.status in (200, 302)
        page = await started.text()
        location = started.headers.get("Location", "") + page
        # The state cookie is Secure (https in production); a browser would send it back, so do the same.
        cookie = "; ".join(f"{name}={morsel.value}" for name, morsel in started.cookies.items())
    state = re.search(r"state=([\w-]+)", location)
    assert state is not None, location
    code = rig.api.oauth_code(team_id, installer=wire.MAYA)
    redirect = rig.url(f"/slack/oauth_redirect?code={code}&state={state.group(1)}")
    async with rig.http.get(redirect, headers={"Cookie": cookie}) as finished:
        assert finished.status == 200, await finished.text()


async def test_installing_stores_an_encrypted_token_and_the_bot_works_there(oauth: SlackRig) -> None:
    await _install(oauth, wire.TEAM)

    reply = await oauth.command("new Ship the beta")

    assert reply.status == 200 and "Ship the beta" in reply.text
    async with oauth.engine.connect() as connection:
        stored = (await connection.execute(sa.text("SELECT bot_token FROM slack_bots"))).scalars().all()
    assert len(stored) == 1 and stored[0].startswith("enc:")
    assert oauth.api.bot_token not in stored[0]
    assert TokenCipher(SECRET_KEY).decrypt(stored[0]) == oauth.api.bot_token


async def test_the_state_must_come_from_our_install_page(oauth: SlackRig) -> None:
    code = oauth.api.oauth_code(wire.TEAM)

    async with oauth.http.get(oauth.url(f"/slack/oauth_redirect?code={code}&state=forged")) as finished:
        assert 400 <= finished.status < 500

    async with oauth.engine.connect() as connection:
        assert (await connection.execute(sa.text("SELECT count(*) FROM slack_bots"))).scalar() == 0


async def test_a_workspace_that_never_installed_gets_a_polite_answer_and_nothing_is_written(
    oauth: SlackRig,
) -> None:
    before = await oauth.snapshot()

    url = oauth.api.mint_response_url()

    reply = await oauth.command("new Sneaky objective", response_url=url)

    assert reply.status == 200
    (told,) = oauth.api.responses(url)  # Bolt answers through response_url, having no token to call with
    assert "install" in told.body["text"].lower()
    assert await oauth.snapshot() == before


async def test_uninstalling_removes_the_tokens_but_keeps_the_okrs(oauth: SlackRig) -> None:
    await _install(oauth, wire.TEAM)
    await oauth.command("new Ship the beta")

    reply = await oauth.event(wire.event("app_uninstalled.json"))
    await oauth.settled()

    assert reply.status == 200
    async with oauth.engine.connect() as connection:
        bots = (await connection.execute(sa.text("SELECT count(*) FROM slack_bots"))).scalar()
        objectives = (await connection.execute(sa.text("SELECT title FROM objective"))).scalars().all()
    assert bots == 0
    assert objectives == ["Ship the beta"]


async def test_each_workspace_gets_its_own_token(oauth: SlackRig) -> None:
    await _install(oauth, wire.TEAM)
    other = oauth.api.add_workspace("T0GLOBEX", name="Globex")
    oauth.api.add_user(SlackUser("U0KIM", "kim", "Kim", tz="Asia/Tokyo"), team_id="T0GLOBEX")
    await _install(oauth, "T0GLOBEX")

    body = wire.slash_command(
        "list", user="U0KIM", team="T0GLOBEX", response_url=oauth.api.mint_response_url()
    )
    reply = await oauth.post(body, content_type=wire.FORM)

    assert reply.status == 200
    (kim,) = [c for c in oauth.api.calls("users.info") if c.args["user"] == "U0KIM"]
    assert kim.token == other.bot_token
