"""Two `okrbot serve` processes on one PostgreSQL behind an imaginary load balancer, driven in turn: what one
does the other sees, a retried event acts once, an install started on one completes on the other, a check-in
both clocks plan is sent once, and both stop cleanly.

PostgreSQL only (several instances need it); skipped without OKRBOT_TEST_POSTGRES_URL, failing under CI=true.
"""

from __future__ import annotations

import asyncio
import json
import re
import time
from collections.abc import AsyncIterator, Callable
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa
from aiohttp import ClientSession
from sqlalchemy.ext.asyncio import AsyncEngine

from storage.engine import create_engine
from storage.migrate import upgrade
from storage.secrets import TokenCipher
from storage.types import utcnow
from tests.adapters.slack import wire
from tests.deploy.processes import ServeProcess
from tests.fakes.slack_api import FakeSlackApi, SlackUser

MAYA_TZ = "Europe/Berlin"
PROMPT_TITLE = "Time for your check-in"


@pytest.fixture
async def slack_api() -> AsyncIterator[FakeSlackApi]:
    async with FakeSlackApi() as api:
        api.add_user(
            SlackUser("U0MAYA", "maya", "Maya Patel", tz=MAYA_TZ, is_admin=True, display_name="maya")
        )
        yield api


@pytest.fixture
async def engine(postgres_url: str) -> AsyncIterator[AsyncEngine]:
    await upgrade(postgres_url)
    engine = create_engine(postgres_url)
    try:
        yield engine
    finally:
        await engine.dispose()


@pytest.fixture
async def instances(
    slack_api: FakeSlackApi, engine: AsyncEngine, postgres_url: str, tmp_path: Path
) -> AsyncIterator[tuple[ServeProcess, ServeProcess]]:
    # Many workspaces through OAuth; the same settings on both, as a platform gives every instance.
    settings = {
        "DATABASE_URL": postgres_url,
        "OKRBOT_ENV": "production",
        "OKRBOT_SECRET_KEY": TokenCipher.new_key(),
        "SLACK_CLIENT_ID": slack_api.client_id,
        "SLACK_CLIENT_SECRET": slack_api.client_secret,
        "SLACK_SIGNING_SECRET": wire.SIGNING_SECRET,
        "SLACK_API_URL": slack_api.url,
    }
    a, b = ServeProcess("a", tmp_path, settings), ServeProcess("b", tmp_path, settings)
    try:
        a.start()
        b.start()
        await asyncio.gather(a.healthy(), b.healthy())
        yield a, b
    finally:
        a.kill()
        b.kill()


async def _post(
    http: ClientSession, server: ServeProcess, body: str, headers: dict[str, str]
) -> tuple[int, str]:
    async with http.post(f"{server.url}/slack/events", data=body.encode(), headers=headers) as answer:
        return answer.status, await answer.text()


async def _command(http: ClientSession, server: ServeProcess, api: FakeSlackApi, text: str) -> str:
    body = wire.slash_command(text, response_url=api.mint_response_url())
    status, answer = await _post(http, server, body, wire.signed_headers(body, content_type=wire.FORM))
    assert status == 200, server.log()
    return answer


async def _event(
    http: ClientSession, server: ServeProcess, payload: dict[str, object], retry: int | None
) -> int:
    body = json.dumps(payload)
    headers = wire.signed_headers(body, content_type=wire.JSON)
    if retry is not None:
        headers |= {"X-Slack-Retry-Num": str(retry), "X-Slack-Retry-Reason": "http_timeout"}
    status, _ = await _post(http, server, body, headers)
    return status


async def _install(
    http: ClientSession, start_on: ServeProcess, finish_on: ServeProcess, api: FakeSlackApi
) -> tuple[str, str]:
    """Start "Add to Slack" on one instance and finish it on the other; the state and the browser's cookie."""
    async with http.get(f"{start_on.url}/slack/install", allow_redirects=False) as started:
        assert started.status in (200, 302), start_on.log()
        found = re.search(r"state=([\w-]+)", started.headers.get("Location", "") + await started.text())
        cookie = "; ".join(f"{name}={morsel.value}" for name, morsel in started.cookies.items())
    assert found is not None
    state = found.group(1)
    code = api.oauth_code(wire.TEAM, installer=wire.MAYA)
    redirect = f"{finish_on.url}/slack/oauth_redirect?code={code}&state={state}"
    async with http.get(redirect, headers={"Cookie": cookie}) as finished:
        assert finished.status == 200, finish_on.log()
    return state, cookie


async def _until(condition: Callable[[], object], *, within: float, what: str) -> None:
    deadline = time.monotonic() + within
    while not condition():
        assert time.monotonic() < deadline, f"not {what} within {within}s"
        await asyncio.sleep(0.1)


def _prompts(api: FakeSlackApi) -> list[str]:
    return [
        call.args["channel"]
        for call in api.calls("chat.postMessage", ok=True)
        if PROMPT_TITLE in str(call.args)
    ]


def _next_tick_worth_waiting_for() -> datetime:
    """The next whole minute at least 8 s away in Maya's zone: time to set her check-in to it first."""
    now = datetime.now(ZoneInfo(MAYA_TZ))
    tick = now.replace(second=0, microsecond=0) + timedelta(minutes=1)
    return tick if (tick - now).total_seconds() >= 8 else tick + timedelta(minutes=1)


async def test_two_instances_on_one_postgresql_behave_as_one_bot(
    instances: tuple[ServeProcess, ServeProcess], slack_api: FakeSlackApi, engine: AsyncEngine
) -> None:
    a, b = instances
    async with ClientSession() as http:
        # "Add to Slack" on A, Slack's redirect lands on B: the state is in the database, not in A's memory.
        state, cookie = await _install(http, a, b, slack_api)
        replay = f"{a.url}/slack/oauth_redirect?code={slack_api.oauth_code(wire.TEAM)}&state={state}"
        async with http.get(replay, headers={"Cookie": cookie}) as replayed:
            assert 400 <= replayed.status < 500  # and it was used up there, for both

        # What A writes, B reads.
        assert "Ship the beta" in await _command(http, a, slack_api, "new Ship the beta")
        await _command(http, a, slack_api, "kr O1 Reach 100 paying customers")
        assert "Ship the beta" in await _command(http, b, slack_api, "list")

        # Maya's check-in comes due at the next whole minute, when both instances' clocks tick.
        due = _next_tick_worth_waiting_for()
        await _command(http, b, slack_api, f"settings checkin {due.strftime('%A').lower()} {due:%H:%M}")

        # The same event to A, and Slack's retry of it to B: App Home is published once.
        await asyncio.sleep(1.0)  # App Home refreshes after the commands above have gone out
        published = len(slack_api.calls("views.publish"))
        event = wire.event("app_home_opened.json")
        assert await _event(http, a, event, retry=None) == 200
        assert await _event(http, b, event, retry=1) == 200
        await _until(lambda: len(slack_api.calls("views.publish")) > published, within=10, what="published")
        await asyncio.sleep(1.5)
        assert len(slack_api.calls("views.publish")) == published + 1

    # Both clocks plan the prompt; the outbox sends it once.
    wait = (due - datetime.now(ZoneInfo(MAYA_TZ))).total_seconds() + 20
    await _until(lambda: _prompts(slack_api), within=wait, what=f"prompted ({a.log()}\n{b.log()})")
    await asyncio.sleep(3.0)  # a second sender racing for it would have sent by now (they poll every 2 s)
    assert _prompts(slack_api) == ["U0MAYA"]
    async with engine.connect() as connection:
        keys = (
            await connection.execute(sa.text("SELECT key, status FROM outbox WHERE key LIKE 'checkin:%'"))
        ).all()
    assert [status for _, status in keys] == ["sent"], keys
    assert utcnow() >= due  # it went at its time, not before

    for server in (a, b):
        server.terminate()
    for server in (a, b):
        code, took = await server.exited()
        assert code == 0 and took < 10, server.log()
