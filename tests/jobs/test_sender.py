"""The sender against a recording port and a virtual clock, on SQLite and PostgreSQL."""

from __future__ import annotations

import logging
from datetime import timedelta

import pytest
from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.delivery.planned import ToConversation, UpdateSent
from bot.delivery.sender import Sender
from bot.delivery.sender_config import SenderConfig
from bot.domain.enums import Platform
from bot.invocation import ConversationRef
from bot.ports import DeliveryFailed
from storage import outbox
from storage.tables import OutboxStatus
from tests.jobs.conftest import START
from tests.jobs.fakes import RecordingPort, VirtualTime, add_workspace
from tests.jobs.helpers import dm, message, put, rows


def sender(
    sessions: async_sessionmaker[AsyncSession], port: RecordingPort, time: VirtualTime, **config: object
) -> Sender:
    settings = SenderConfig(**{"rates": {Platform.SLACK: 100.0}, **config})  # type: ignore[arg-type]
    return Sender(sessions, {Platform.SLACK: port}, config=settings, clock=time.clock, sleep=time.sleep)


async def test_each_due_message_goes_once_to_its_member_and_is_marked_sent(
    sessions: async_sessionmaker[AsyncSession], port: RecordingPort, time: VirtualTime
) -> None:
    workspace, members = await add_workspace(sessions, "T1", ["U1", "U2"])
    await put(sessions, dm("a", workspace, members["U1"]), dm("b", workspace, members["U2"]), now=START)
    the_sender = sender(sessions, port, time)

    report = await the_sender.send_due()
    assert (report.sent, report.retried, report.failed) == (2, 0, 0)
    assert [(c.kind, c.workspace, c.to, c.title) for c in port.calls] == [
        ("dm", "T1", "U1", "a"),
        ("dm", "T1", "U2", "b"),
    ]
    stored = await rows(sessions)
    assert {row.status for row in stored.values()} == {OutboxStatus.SENT}
    assert stored["a"].sent_conversation == "D-U1" and stored["a"].sent_message == "m1"
    assert stored["a"].attempts == 1 and stored["a"].sent_at is not None and stored["a"].sent_at >= START

    assert (await the_sender.send_due()).sent == 0
    assert len(port.calls) == 2


async def test_a_message_waits_for_its_not_before(
    sessions: async_sessionmaker[AsyncSession], port: RecordingPort, time: VirtualTime
) -> None:
    workspace, members = await add_workspace(sessions, "T1", ["U1"])
    later = START + timedelta(hours=24)
    await put(sessions, dm("remind", workspace, members["U1"], not_before=later), now=START)
    the_sender = sender(sessions, port, time)
    assert (await the_sender.send_due()).sent == 0
    assert (await the_sender.send_due(later)).sent == 1  # `okrbot tick --now` a day later
    assert port.calls[0].title == "remind"


async def test_a_post_goes_to_its_conversation(
    sessions: async_sessionmaker[AsyncSession], port: RecordingPort, time: VirtualTime
) -> None:
    workspace, _ = await add_workspace(sessions, "T1", [])
    channel = ConversationRef(Platform.SLACK, "T1", "C123")
    await put(sessions, message("celebrate:7:2026-Q4", workspace, ToConversation(channel)), now=START)
    await sender(sessions, port, time).send_due()
    assert [(c.kind, c.to) for c in port.calls] == [("post", "C123")]
    assert (await rows(sessions))["celebrate:7:2026-Q4"].sent_conversation == "C123"


async def test_a_retryable_refusal_comes_back_after_backoff_and_retry_after(
    sessions: async_sessionmaker[AsyncSession], port: RecordingPort, time: VirtualTime
) -> None:
    workspace, members = await add_workspace(sessions, "T1", ["U1"])
    await put(sessions, dm("a", workspace, members["U1"]), now=START)
    port.script["a"] = [DeliveryFailed("ratelimited", retryable=True, retry_after=30)]
    the_sender = sender(sessions, port, time, backoff_base=2.0)

    report = await the_sender.send_due()
    assert (report.sent, report.retried) == (0, 1)
    row = (await rows(sessions))["a"]
    assert row.status == OutboxStatus.PENDING and row.attempts == 1 and row.last_error == "ratelimited"
    assert row.next_attempt_at == START + timedelta(seconds=30)  # Retry-After beats a 1-2 s backoff
    assert row.claimed_by is None

    time.advance(29)
    assert (await the_sender.send_due()).sent == 0
    time.advance(1)
    assert (await the_sender.send_due()).sent == 1
    assert [c.delivered for c in port.calls] == [False, True]


async def test_backoff_doubles_with_jitter_until_the_message_is_set_aside(
    sessions: async_sessionmaker[AsyncSession],
    port: RecordingPort,
    time: VirtualTime,
    caplog: pytest.LogCaptureFixture,
) -> None:
    workspace, members = await add_workspace(sessions, "T1", ["U1"])
    await put(sessions, dm("checkin:1:2026-W49", workspace, members["U1"]), now=START)
    port.script["checkin:1:2026-W49"] = [DeliveryFailed("internal_error", retryable=True)] * 10
    the_sender = sender(sessions, port, time, backoff_base=2.0, max_attempts=5)

    delays = []
    for _ in range(4):
        await the_sender.send_due()
        row = (await rows(sessions))["checkin:1:2026-W49"]
        delays.append((row.next_attempt_at - time.now).total_seconds())
        time.now = row.next_attempt_at
    for attempt, delay in enumerate(delays, start=1):
        full = 2.0 * 2 ** (attempt - 1)
        assert full / 2 <= delay <= full, (attempt, delays)

    with caplog.at_level(logging.ERROR):
        report = await the_sender.send_due()
    assert (report.failed, report.retried) == (1, 0)
    row = (await rows(sessions))["checkin:1:2026-W49"]
    assert row.status == OutboxStatus.FAILED and row.attempts == 5
    assert "checkin:1:2026-W49 failed: gave up after 5 attempts: internal_error" in caplog.text
    time.advance(3600)
    assert (await the_sender.send_due()).sent == 0
    assert len(port.calls) == 5


async def test_a_refusal_no_retry_will_change_fails_at_once(
    sessions: async_sessionmaker[AsyncSession],
    port: RecordingPort,
    time: VirtualTime,
    caplog: pytest.LogCaptureFixture,
) -> None:
    workspace, members = await add_workspace(sessions, "T1", ["U1"])
    await put(sessions, dm("a", workspace, members["U1"]), now=START)
    port.script["a"] = [DeliveryFailed("channel_not_found", retryable=False)]
    with caplog.at_level(logging.ERROR):
        report = await sender(sessions, port, time).send_due()
    assert report.failed == 1
    row = (await rows(sessions))["a"]
    assert (row.status, row.attempts, row.last_error) == (OutboxStatus.FAILED, 1, "channel_not_found")
    assert "outbox a failed: channel_not_found" in caplog.text


async def test_a_timeout_and_an_unexpected_error_are_retried(
    sessions: async_sessionmaker[AsyncSession], port: RecordingPort, time: VirtualTime
) -> None:
    workspace, members = await add_workspace(sessions, "T1", ["U1", "U2"])
    await put(
        sessions, dm("slow", workspace, members["U1"]), dm("buggy", workspace, members["U2"]), now=START
    )
    port.script["slow"] = ["hang"]
    port.script["buggy"] = [ConnectionResetError("peer went away")]
    the_sender = sender(sessions, port, time, send_timeout=0.2)

    report = await the_sender.send_due()
    assert (report.sent, report.retried) == (0, 2)
    stored = await rows(sessions)
    assert stored["slow"].last_error == "no answer within 0.2s"
    assert stored["buggy"].last_error == "ConnectionResetError: peer went away"
    time.advance(10)
    assert (await the_sender.send_due()).sent == 2


async def test_an_update_follows_its_original_with_the_original_reference(
    sessions: async_sessionmaker[AsyncSession], port: RecordingPort, time: VirtualTime
) -> None:
    workspace, members = await add_workspace(sessions, "T1", ["U1"])
    await put(
        sessions,
        dm("checkin:1:W49", workspace, members["U1"]),
        message("checkin:1:W49:done", workspace, UpdateSent("checkin:1:W49")),
        now=START,
    )
    await sender(sessions, port, time, in_flight=4).send_due()
    assert [(c.kind, c.to, c.title) for c in port.calls] == [
        ("dm", "U1", "checkin:1:W49"),
        ("update", "m1", "checkin:1:W49:done"),
    ]


async def test_an_update_waits_while_its_original_is_not_sent(
    sessions: async_sessionmaker[AsyncSession], port: RecordingPort, time: VirtualTime
) -> None:
    workspace, members = await add_workspace(sessions, "T1", ["U1"])
    await put(
        sessions,
        dm("original", workspace, members["U1"]),
        message("new look", workspace, UpdateSent("original")),
        now=START,
    )
    port.script["original"] = [DeliveryFailed("ratelimited", retryable=True, retry_after=20)]
    the_sender = sender(sessions, port, time)

    report = await the_sender.send_due()
    assert (report.retried, report.deferred, report.sent) == (1, 1, 0)
    stored = await rows(sessions)
    assert stored["new look"].status == OutboxStatus.PENDING and stored["new look"].attempts == 0
    assert stored["new look"].next_attempt_at >= stored["original"].next_attempt_at

    time.advance(20)
    await the_sender.send_due()
    assert [(c.kind, c.title, c.delivered) for c in port.calls] == [
        ("dm", "original", False),
        ("dm", "original", True),
        ("update", "new look", True),
    ]


async def test_an_update_of_a_failed_or_unknown_message_fails(
    sessions: async_sessionmaker[AsyncSession], port: RecordingPort, time: VirtualTime
) -> None:
    workspace, members = await add_workspace(sessions, "T1", ["U1"])
    await put(
        sessions,
        dm("original", workspace, members["U1"]),
        message("update of failed", workspace, UpdateSent("original")),
        message("update of nothing", workspace, UpdateSent("never planned")),
        now=START,
    )
    port.script["original"] = [DeliveryFailed("not_in_channel", retryable=False)]
    await sender(sessions, port, time).send_due()
    stored = await rows(sessions)
    assert stored["update of failed"].status == OutboxStatus.FAILED
    assert stored["update of failed"].last_error == "the message it updates (original) failed"
    assert stored["update of nothing"].last_error == "no message was planned under 'never planned' to update"
    assert [c.kind for c in port.calls] == ["dm"]


async def test_a_dead_senders_claims_come_back_when_its_lease_runs_out(
    sessions: async_sessionmaker[AsyncSession], port: RecordingPort, time: VirtualTime
) -> None:
    workspace, members = await add_workspace(sessions, "T1", ["U1", "U2"])
    await put(sessions, dm("a", workspace, members["U1"]), dm("b", workspace, members["U2"]), now=START)
    async with sessions() as session, session.begin():
        taken = await outbox.claim(
            session=session,
            workspace_id=workspace,
            now=START,
            leases_end_by=START,
            until=START + timedelta(seconds=60),
            sender="dead",
            limit=1,
        )
    assert [row.key for row in taken] == ["a"]

    survivor = sender(sessions, port, time, lease=60)
    # The workspace is the dead one's until its lease runs out: one sender at a time paces a workspace.
    assert (await survivor.send_due()).sent == 0
    time.advance(60)
    assert (await survivor.send_due()).sent == 2
    assert sorted(c.title for c in port.delivered) == ["a", "b"]

    # The dead sender waking up late cannot settle a row it no longer holds.
    async with sessions() as session, session.begin():
        assert not await outbox.mark_sent(
            session=session, row_id=taken[0].id or 0, sender="dead", ref=None, now=START
        )
    assert (await rows(sessions))["a"].claimed_by == survivor.name


async def test_release_hands_back_claims_due_at_once(
    sessions: async_sessionmaker[AsyncSession], port: RecordingPort, time: VirtualTime
) -> None:
    workspace, members = await add_workspace(sessions, "T1", ["U1"])
    await put(sessions, dm("a", workspace, members["U1"]), now=START)
    stopping = sender(sessions, port, time)
    async with sessions() as session, session.begin():
        await outbox.claim(
            session=session,
            workspace_id=workspace,
            now=START,
            leases_end_by=START,
            until=START + timedelta(seconds=60),
            sender=stopping.name,
            limit=10,
        )
    assert await stopping.release() == 1
    row = (await rows(sessions))["a"]
    assert (row.status, row.claimed_by, row.next_attempt_at) == (OutboxStatus.PENDING, None, START)
    assert (await sender(sessions, port, time).send_due()).sent == 1


async def test_a_claim_about_to_expire_is_handed_back_rather_than_sent(
    sessions: async_sessionmaker[AsyncSession], port: RecordingPort, time: VirtualTime
) -> None:
    # One send per 10 s with a 25 s lease and 5 s timeout: after the second send the lease has too little left,
    # so the rest go back to the outbox and are claimed afresh, never sent under a lease that may have passed.
    workspace, members = await add_workspace(sessions, "T1", [f"U{i}" for i in range(5)])
    await put(sessions, *(dm(f"m{i}", workspace, members[f"U{i}"]) for i in range(5)), now=START)
    slow = sender(sessions, port, time, rates={Platform.SLACK: 0.1}, lease=25, send_timeout=5, batch=5)
    report = await slow.send_due()
    assert report.sent == 5 and report.deferred > 0
    assert [c.title for c in port.calls] == [f"m{i}" for i in range(5)]
