"""Over real HTTP to a fake Slack Web API that refuses some calls with 429 + Retry-After or 500: every message
is still delivered exactly once, and updates reach the message their original became."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import aiohttp
import pytest
from aiohttp.test_utils import TestServer
from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.domain.enums import Platform
from bot.jobs.messages import UpdateSent
from bot.jobs.sender import Sender, SenderConfig
from storage.tables import OutboxStatus
from storage.types import utcnow
from tests.jobs.fake_slack import FakeSlackWebApi, SlackLikePort
from tests.jobs.fakes import add_workspace
from tests.jobs.helpers import dm, message, put, rows


@pytest.fixture
async def slack() -> AsyncIterator[tuple[FakeSlackWebApi, SlackLikePort]]:
    fake = FakeSlackWebApi(rate=50.0, failure_share=0.25, seed=11)
    server = TestServer(fake.app(), host="127.0.0.1")
    await server.start_server()
    async with aiohttp.ClientSession() as http:
        yield fake, SlackLikePort(http, str(server.make_url("/api/")))
    await server.close()


async def _drain(sessions: async_sessionmaker[AsyncSession], sender: Sender, *, within: float) -> None:
    """Run the sender until nothing is pending or being sent."""
    running = asyncio.create_task(sender.run())
    try:
        async with asyncio.timeout(within):
            while any(
                row.status in (OutboxStatus.PENDING, OutboxStatus.SENDING)
                for row in (await rows(sessions)).values()
            ):
                sender.wake()
                await asyncio.sleep(0.1)
    finally:
        sender.stop()
        await running


async def test_429s_and_500s_still_deliver_every_message_exactly_once(
    sessions: async_sessionmaker[AsyncSession], slack: tuple[FakeSlackWebApi, SlackLikePort]
) -> None:
    fake, port = slack
    expected = set()
    for team in ("T1", "T2", "T3"):
        workspace, members = await add_workspace(sessions, team, [f"U{i}" for i in range(20)])
        await put(
            sessions, *(dm(f"{team}:{user}", workspace, m) for user, m in members.items()), now=utcnow()
        )
        expected |= {(team, "D" + user[1:], f"{team}:{user}") for user in members}
    config = SenderConfig(rates={Platform.SLACK: 40.0}, backoff_base=0.05, max_attempts=20, poll=0.2)
    await _drain(sessions, Sender(sessions, {Platform.SLACK: port}, config=config), within=60)

    assert set(fake.delivered) == expected  # nothing lost
    assert set(fake.delivered.values()) == {1}  # nothing twice
    assert fake.answers["429 random"] > 0 and fake.answers["500 random"] > 0
    assert fake.answers["429 rate"] == 0  # the pace kept inside the platform's limit
    stored = await rows(sessions)
    assert {row.status for row in stored.values()} == {OutboxStatus.SENT}
    assert max(row.attempts for row in stored.values()) > 1
    assert stored["T1:U3"].sent_conversation == "D3" and stored["T1:U3"].sent_message


async def test_an_update_after_refusals_goes_to_the_message_its_original_became(
    sessions: async_sessionmaker[AsyncSession], slack: tuple[FakeSlackWebApi, SlackLikePort]
) -> None:
    fake, port = slack
    fake.failure_share = 0
    fake.script["prompt"] = [429, 500]
    fake.script["done"] = [500]
    workspace, members = await add_workspace(sessions, "T1", ["U1"])
    await put(
        sessions,
        dm("prompt", workspace, members["U1"]),
        message("done", workspace, UpdateSent("prompt")),
        now=utcnow(),
    )
    config = SenderConfig(backoff_base=0.05, poll=0.2)
    await _drain(sessions, Sender(sessions, {Platform.SLACK: port}, config=config), within=30)

    assert fake.delivered == {("T1", "D1", "prompt"): 1}
    stored = await rows(sessions)
    assert stored["prompt"].attempts == 3 and stored["done"].attempts == 2
    assert fake.updated == [("T1", stored["prompt"].sent_message, "done")]
