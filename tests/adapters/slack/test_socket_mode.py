"""Socket Mode: the bot connects out to Slack's WebSocket (the fake's) and answers /okr through it."""

from __future__ import annotations

from collections.abc import AsyncIterator
from urllib.parse import parse_qsl

import pytest
from aiohttp.test_utils import TestServer
from sqlalchemy.ext.asyncio import AsyncEngine

from tests.adapters.slack import wire
from tests.adapters.slack.conftest import rig_settings, serving
from tests.fakes.slack_api import FakeSlackApi


@pytest.fixture
async def socket_mode(
    slack_api: FakeSlackApi, engine: AsyncEngine, database_url: str
) -> AsyncIterator[TestServer]:
    settings = rig_settings(
        slack_api, database_url, slack_app_token=slack_api.app_token, slack_bot_token=slack_api.bot_token
    )
    async with serving(settings, engine) as server:
        await slack_api.socket_connected()
        yield server


async def test_a_slash_command_over_the_socket_is_answered_in_the_ack(
    socket_mode: TestServer, slack_api: FakeSlackApi
) -> None:
    command = dict(
        parse_qsl(wire.slash_command("new Ship the beta", response_url=slack_api.mint_response_url()))
    )

    ack = await slack_api.socket_send("slash_commands", command)

    assert ack["payload"]["response_type"] == "ephemeral"
    assert "Ship the beta" in ack["payload"]["text"]
    (opened,) = slack_api.calls("apps.connections.open")
    assert opened.token == slack_api.app_token


async def test_no_http_route_is_open_in_socket_mode(socket_mode: TestServer) -> None:
    assert "/slack/events" not in {
        r.resource.canonical for r in socket_mode.app.router.routes() if r.resource
    }
