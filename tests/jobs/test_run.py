"""The sender as a long-running loop: woken by new messages, back for retries when due, stopping cleanly."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import timedelta

from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.delivery.sender import Sender
from bot.delivery.sender_config import SenderConfig
from bot.domain.enums import Platform
from bot.ports import DeliveryFailed
from storage.tables import OutboxStatus
from storage.types import utcnow
from tests.jobs.fakes import RecordingPort, add_workspace
from tests.jobs.helpers import dm, put, rows


async def _until(condition: Callable[[], bool], *, within: float = 10.0) -> None:
    """Wait for what the sender does in its own task (a real loop, on real time)."""
    async with asyncio.timeout(within):
        while not condition():  # noqa: ASYNC110  (the port has no event to wait on)
            await asyncio.sleep(0.01)


async def test_a_woken_sender_sends_at_once_and_stops_cleanly(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    workspace, members = await add_workspace(sessions, "T1", ["U1", "U2"])
    port = RecordingPort(clock=utcnow)
    # A poll far longer than the test: only wake() can explain a prompt send.
    sender = Sender(sessions, {Platform.SLACK: port}, config=SenderConfig(poll=3600))
    running = asyncio.create_task(sender.run())
    await asyncio.sleep(0.1)  # it has looked, found nothing, and sleeps

    await put(sessions, dm("celebrate:1", workspace, members["U1"]), now=utcnow())
    sender.wake()
    await _until(lambda: len(port.delivered) == 1, within=5)
    await put(sessions, dm("celebrate:2", workspace, members["U2"]), now=utcnow())
    sender.wake()
    await _until(lambda: len(port.delivered) == 2, within=5)

    sender.stop()
    await asyncio.wait_for(running, 5)
    assert {row.status for row in (await rows(sessions)).values()} == {OutboxStatus.SENT}


async def test_the_loop_comes_back_for_a_retry_when_it_is_due(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    workspace, members = await add_workspace(sessions, "T1", ["U1"])
    port = RecordingPort(clock=utcnow)
    port.script["a"] = [DeliveryFailed("ratelimited", retryable=True, retry_after=0.3)]
    sender = Sender(sessions, {Platform.SLACK: port}, config=SenderConfig(poll=3600, backoff_base=0.1))
    await put(sessions, dm("a", workspace, members["U1"]), now=utcnow())
    running = asyncio.create_task(sender.run())
    sender.wake()
    await _until(lambda: len(port.delivered) == 1, within=5)
    first, second = port.calls
    assert second.at - first.at >= timedelta(seconds=0.3)
    sender.stop()
    await asyncio.wait_for(running, 5)


async def test_stopping_hands_back_what_was_claimed_but_not_sent(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    workspace, members = await add_workspace(sessions, "T1", [f"U{i}" for i in range(20)])
    port = RecordingPort(clock=utcnow)
    # Two a second: the stop comes while most are still waiting for room in the window.
    config = SenderConfig(rates={Platform.SLACK: 2.0}, in_flight=1, poll=3600)
    sender = Sender(sessions, {Platform.SLACK: port}, config=config)
    await put(sessions, *(dm(f"m{i}", workspace, members[f"U{i}"]) for i in range(20)), now=utcnow())
    running = asyncio.create_task(sender.run())
    await _until(lambda: len(port.delivered) >= 3)
    sender.stop()
    await asyncio.wait_for(running, 5)

    stored = await rows(sessions)
    sent = {key for key, row in stored.items() if row.status == OutboxStatus.SENT}
    assert sent == {call.title for call in port.delivered} and 3 <= len(sent) < 20
    assert all(
        row.status == OutboxStatus.PENDING and row.claimed_by is None
        for key, row in stored.items()
        if key not in sent
    )


async def test_a_retry_goes_out_when_it_is_due_not_after_the_rest_of_a_long_batch(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    """At 10 a second, 40 messages take four windows. The first one refused comes back after its backoff
    (0.05-0.1 s) and takes the next room in the window, not a place behind the 30 claimed after it."""
    workspace, members = await add_workspace(sessions, "T1", [f"U{i}" for i in range(40)])
    port = RecordingPort(clock=utcnow)
    port.script["m00"] = [DeliveryFailed("Slack said internal_error", retryable=True)]
    config = SenderConfig(rates={Platform.SLACK: 10.0}, batch=40, poll=3600, backoff_base=0.1)
    sender = Sender(sessions, {Platform.SLACK: port}, config=config)
    await put(sessions, *(dm(f"m{i:02d}", workspace, members[f"U{i}"]) for i in range(40)), now=utcnow())
    running = asyncio.create_task(sender.run())
    await _until(lambda: "m00" in {call.title for call in port.delivered})
    sender.stop()
    await asyncio.wait_for(running, 5)

    order = [call.title for call in port.delivered]
    assert order.index("m00") <= 10, order  # the first in the second window (9 went with its refusal)
