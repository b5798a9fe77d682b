"""The Slack adapter under test: the real `okrbot serve` app on loopback, a fake Slack Web API beside it."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any

import pytest
from aiohttp import ClientResponse, ClientSession
from aiohttp.test_utils import TestServer
from sqlalchemy.ext.asyncio import AsyncEngine

from adapters.bootstrap import SLACK, serving_app
from adapters.settings import AppSettings
from tests.adapters.slack import wire
from tests.clock import SettableClock
from tests.fakes.slack_api import FakeSlackApi, SlackUser
from tests.harness import every_row


@dataclass
class Reply:
    status: int
    text: str

    def json(self) -> Any:
        return json.loads(self.text)


@dataclass
class SlackRig:
    api: FakeSlackApi
    server: TestServer
    http: ClientSession
    engine: AsyncEngine
    clock: SettableClock  # what time it is for the bot (its sender, its ticks); runs on from the real time

    def url(self, path: str = "/slack/events") -> str:
        return str(self.server.make_url(path))

    async def post(self, body: str, *, content_type: str, headers: dict[str, str] | None = None) -> Reply:
        sent = wire.signed_headers(body, content_type=content_type) if headers is None else headers
        async with self.http.post(self.url(), data=body.encode(), headers=sent) as response:
            return await _reply(response)

    async def command(self, text: str, *, user: str = wire.MAYA, response_url: str | None = None) -> Reply:
        body = wire.slash_command(text, user=user, response_url=response_url or self.api.mint_response_url())
        return await self.post(body, content_type=wire.FORM)

    async def interact(self, payload: dict[str, Any]) -> Reply:
        return await self.post(wire.interaction(payload), content_type=wire.FORM)

    async def event(self, payload: dict[str, Any], *, retry: int | None = None) -> Reply:
        body = json.dumps(payload)
        headers = wire.signed_headers(body, content_type=wire.JSON)
        if retry is not None:
            headers |= {"X-Slack-Retry-Num": str(retry), "X-Slack-Retry-Reason": "http_timeout"}
        return await self.post(body, content_type=wire.JSON, headers=headers)

    async def snapshot(self) -> dict[str, list[tuple[Any, ...]]]:
        """Every row of every table, to assert that a refused request wrote nothing."""
        return await every_row(self.engine)

    async def settled(self) -> None:
        """Wait until every follow-up the bot started after its acks has finished."""
        await self.server.app[SLACK].routes.drain()


async def _reply(response: ClientResponse) -> Reply:
    return Reply(response.status, await response.text())


@pytest.fixture
async def slack_api() -> AsyncIterator[FakeSlackApi]:
    async with FakeSlackApi() as api:
        api.add_user(
            SlackUser("U0MAYA", "maya", "Maya Patel", tz="Europe/Berlin", is_admin=True, display_name="maya")
        )
        api.add_user(SlackUser("U0SAM", "sam", "Sam Lee", tz="America/Los_Angeles", display_name="sam"))
        yield api


def rig_settings(api: FakeSlackApi, database_url: str, **slack: str) -> AppSettings:
    """Settings for a bot on `database_url` talking to the fake Slack; `slack` picks the connection mode."""
    return AppSettings(database_url=database_url, slack_api_url=api.url, _env_file=None, **slack)  # type: ignore[call-arg]


@asynccontextmanager
async def serving(
    settings: AppSettings, engine: AsyncEngine, clock: SettableClock | None = None
) -> AsyncIterator[TestServer]:
    app = await serving_app(settings, engine=engine, clock=clock or SettableClock())
    async with TestServer(app) as server:
        yield server


@pytest.fixture
async def slack(slack_api: FakeSlackApi, engine: AsyncEngine, database_url: str) -> AsyncIterator[SlackRig]:
    settings = rig_settings(
        slack_api, database_url, slack_bot_token=slack_api.bot_token, slack_signing_secret=wire.SIGNING_SECRET
    )
    clock = SettableClock()
    async with serving(settings, engine, clock) as server, ClientSession() as http:
        yield SlackRig(slack_api, server, http, engine, clock)
