"""Fixtures: the real aiohttp app with the Teams mount over a real database, and a fake connector on loopback."""

from __future__ import annotations

import copy
import json
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from aiohttp import ClientResponse
from aiohttp.test_utils import TestClient, TestServer
from sqlalchemy.ext.asyncio import AsyncEngine

from adapters.server import build_app
from adapters.settings import AppSettings
from adapters.teams.chat_port import RetryPolicy
from adapters.teams.mount import teams_adapter
from bot.core import OkrBot
from bot.ports import ChatPort
from storage.engine import session_factory
from tests.adapters.teams.connector import FakeConnector, start_connector
from tests.harness import NOW

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "teams"
TENANT = "72f988bf-86f1-41af-91ab-2d7cd011db47"
MAYA = "29:1c4Y2MayaLopezQx8hX0bT3zWn5rEo0KpQdJ7uF1aG6sVb9LmN2yI4cZ"
SAM = "29:1sAmQ7cKb2Wd9Xe4Rf6Tg1Yh3Uj5Ik8Ol0Pz2Ax4Sc6Dv8Fb0Gn2Hm4Jq6Kw8Le0Ry"
FAST_RETRIES = RetryPolicy(attempts=4, base_delay=0.001, max_delay=0.05)


def load_activity(name: str, service_url: str, **changes: Any) -> dict[str, Any]:
    """A recorded activity, sent to our fake connector, with top-level fields changed."""
    activity: dict[str, Any] = json.loads((FIXTURES / f"{name}.json").read_text())
    activity = copy.deepcopy(activity)
    activity["serviceUrl"] = service_url
    activity.update(changes)
    return activity


@dataclass
class TeamsApp:
    client: TestClient[Any, Any]
    connector: FakeConnector
    bot: OkrBot
    port: ChatPort

    def activity(self, name: str, **changes: Any) -> dict[str, Any]:
        return load_activity(name, self.connector.url, **changes)

    async def post(self, activity: dict[str, Any], **headers: str) -> ClientResponse:
        return await self.client.post("/api/messages", json=activity, headers=headers)

    async def say(
        self, text: str | None, fixture: str = "personal_message", **changes: Any
    ) -> ClientResponse:
        """Post a message fixture, with `text` instead of its own unless None."""
        if text is not None:
            changes["text"] = text
        response = await self.post(self.activity(fixture, **changes))
        assert response.status == 200, await response.text()
        return response


@pytest.fixture
async def connector() -> AsyncIterator[FakeConnector]:
    async for fake in start_connector():
        yield fake


@pytest.fixture
async def teams(engine: AsyncEngine, connector: FakeConnector) -> AsyncIterator[TeamsApp]:
    """The app as `okrbot serve` builds it, in unauthenticated local mode (no MICROSOFT_APP_ID)."""
    settings = AppSettings(okrbot_env="test", microsoft_app_id=None, default_timezone="UTC")
    bot = OkrBot(session_factory(engine), clock=lambda: NOW, default_tz="UTC")
    adapter = teams_adapter(settings, bot, retry=FAST_RETRIES)
    mount, port = adapter.mount, adapter.port
    app = await build_app([mount])
    async with TestClient(TestServer(app, host="127.0.0.1")) as client:
        yield TeamsApp(client, connector, bot, port)


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "e2e: end to end against Microsoft's Agents Playground (node, slow)")
