"""The sender through the real Slack adapter (SlackChatPort, slack_sdk's retry handlers) over real HTTP to the
fake Slack Web API refusing calls with 429 + Retry-After or 500: every message is still delivered exactly once,
and an update reaches the message its original became.

slack_sdk retries inside one port call, so deliveries are counted where they land (the fake's `delivered`,
`duplicates()`, `messages`), never by how often the port was called.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest
from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel.ext.asyncio.session import AsyncSession

from adapters.slack.chat_port import SlackChatPort
from adapters.slack.render import fallback_text
from adapters.slack.tokens import TokensByWorkspace
from bot.delivery.planned import UpdateSent
from bot.delivery.sender import Sender
from bot.delivery.sender_config import SenderConfig
from bot.domain.enums import Platform
from bot.views.cards import Card
from storage.tables import OutboxStatus
from storage.types import utcnow
from tests.fakes.slack_api import FakeSlackApi
from tests.jobs.fakes import add_workspace
from tests.jobs.helpers import dm, message, put, rows

TEAMS = ("T1", "T2", "T3")


@pytest.fixture
async def slack() -> AsyncIterator[FakeSlackApi]:
    async with FakeSlackApi(rate=10.0) as fake:
        for team in TEAMS:
            fake.add_workspace(team)
        yield fake


def _port(fake: FakeSlackApi) -> SlackChatPort:
    tokens = TokensByWorkspace({team: fake.workspaces[team].bot_token for team in TEAMS})
    return SlackChatPort(tokens, base_url=fake.url)


def _marker(channel: str, title: str) -> str:
    """How the fake names a delivery without metadata: the channel it landed in and the message's text."""
    return f"{channel}|{fallback_text(Card(title))}"


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
    sessions: async_sessionmaker[AsyncSession], slack: FakeSlackApi
) -> None:
    slack.chaos(0.25, seed=11)
    expected = set()
    for team in TEAMS:
        # Twice what the fake's limit lets through in a second: an unpaced sender would go over it.
        workspace, members = await add_workspace(sessions, team, [f"U{i}" for i in range(20)])
        await put(
            sessions, *(dm(f"{team}:{user}", workspace, m) for user, m in members.items()), now=utcnow()
        )
        expected |= {_marker("D" + user[1:], f"{team}:{user}") for user in members}
    # Half the fake's limit: retries inside slack_sdk come on top of the sender's paced calls.
    config = SenderConfig(rates={Platform.SLACK: 5.0}, backoff_base=0.05, max_attempts=20, poll=0.2)
    await _drain(sessions, Sender(sessions, {Platform.SLACK: _port(slack)}, config=config), within=90)

    assert set(slack.delivered) == expected  # nothing lost
    assert slack.duplicates() == {}  # nothing twice
    posts = slack.calls("chat.postMessage")
    assert any(c.status == 429 for c in posts) and any(c.status == 500 for c in posts)
    assert len(posts) == len(expected) + sum(1 for c in posts if not c.ok)  # each refusal was tried again
    assert slack.over_rate == {}  # the pace kept inside the platform's limit
    stored = await rows(sessions)
    assert {row.status for row in stored.values()} == {OutboxStatus.SENT}
    assert stored["T1:U3"].sent_conversation == "D3" and stored["T1:U3"].sent_message


async def test_an_update_after_refusals_goes_to_the_message_its_original_became(
    sessions: async_sessionmaker[AsyncSession], slack: FakeSlackApi
) -> None:
    # A 429 or a 500 goes straight back to the outbox (the port retries neither inside the call, where the
    # pace would not count the second try): one failed round for each.
    slack.fail_next("chat.postMessage", 1, status=429, retry_after=0)
    slack.fail_next("chat.postMessage", 1, status=500)
    slack.fail_next("chat.update", 1, status=500)
    workspace, members = await add_workspace(sessions, "T1", ["U1"])
    await put(
        sessions,
        dm("prompt", workspace, members["U1"]),
        message("done", workspace, UpdateSent("prompt")),
        now=utcnow(),
    )
    config = SenderConfig(backoff_base=0.05, poll=0.2)
    await _drain(sessions, Sender(sessions, {Platform.SLACK: _port(slack)}, config=config), within=60)

    assert slack.delivered == {_marker("D1", "prompt"): 1}
    stored = await rows(sessions)
    assert stored["prompt"].attempts == 3 and stored["done"].attempts == 2
    assert stored["prompt"].sent_conversation == "D1"
    original = stored["prompt"].sent_message
    assert original is not None
    updates = slack.calls("chat.update", ok=True)
    assert [(c.args["channel"], c.args["ts"]) for c in updates] == [("D1", original)]
    assert slack.messages[("D1", original)]["text"] == fallback_text(Card("done"))
