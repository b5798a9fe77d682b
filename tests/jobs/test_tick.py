"""A tick: planners decide, the outbox keeps each message once, the sender sends what is due."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence
from datetime import datetime, timedelta

import pytest
from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.delivery.planned import PlannedMessage, ToMember
from bot.delivery.sender import Sender
from bot.delivery.sender_config import SenderConfig
from bot.domain.enums import Platform
from bot.jobs.tick import Planner, tick
from bot.views.cards import Card
from storage.tables import Member
from tests.jobs.conftest import START
from tests.jobs.fakes import RecordingPort, VirtualTime, add_workspace


async def weekly_prompts(session: AsyncSession, now: datetime) -> Sequence[PlannedMessage]:
    """A trivial planner of the tests' own: every member, every Monday 09:00 UTC, keyed by ISO week."""
    if now.weekday() != 0 or (now.hour, now.minute) != (9, 0):
        return []
    week = now.strftime("%G-W%V")
    members = await session.exec(select(Member))
    return [
        PlannedMessage(
            f"checkin:{m.id}:{week}", m.workspace_id, ToMember(m.id or 0), Card(f"Check in {week}")
        )
        for m in members
    ]


async def broken(session: AsyncSession, now: datetime) -> Sequence[PlannedMessage]:
    raise RuntimeError("planner bug")


def _sender(sessions: async_sessionmaker[AsyncSession], port: RecordingPort, time: VirtualTime) -> Sender:
    config = SenderConfig(rates={Platform.SLACK: 100.0})
    return Sender(sessions, {Platform.SLACK: port}, config=config, clock=time.clock, sleep=time.sleep)


async def test_a_tick_plans_enqueues_and_sends_and_the_next_one_repeats_nothing(
    sessions: async_sessionmaker[AsyncSession], port: RecordingPort, time: VirtualTime
) -> None:
    await add_workspace(sessions, "T1", ["U1", "U2"])
    await add_workspace(sessions, "T2", ["U3"])
    sender = _sender(sessions, port, time)
    planners: list[Planner] = [weekly_prompts]

    first = await tick(START, sessions=sessions, planners=planners, sender=sender)
    assert (first.planned, first.new, first.sent, first.retried, first.failed) == (3, 3, 3, 0, 0)
    assert first.line() == "planned 3 (3 new), sent 3, retried 0, failed 0"
    again = await tick(START, sessions=sessions, planners=planners, sender=sender)  # a second instance, say
    assert (again.planned, again.new, again.sent) == (3, 0, 0)
    later = await tick(START + timedelta(minutes=1), sessions=sessions, planners=planners, sender=sender)
    assert (later.planned, later.sent) == (0, 0)
    assert sorted(call.to for call in port.calls) == ["U1", "U2", "U3"]


async def test_a_failing_planner_is_logged_and_the_others_still_run(
    sessions: async_sessionmaker[AsyncSession],
    port: RecordingPort,
    time: VirtualTime,
    caplog: pytest.LogCaptureFixture,
) -> None:
    await add_workspace(sessions, "T1", ["U1"])
    with caplog.at_level(logging.ERROR):
        summary = await tick(
            START, sessions=sessions, planners=[broken, weekly_prompts], sender=_sender(sessions, port, time)
        )
    assert (summary.planned, summary.sent, summary.planner_errors) == (1, 1, 1)
    assert "planner broken failed at 2026-11-30T09:00:00+00:00" in caplog.text
    assert summary.line().endswith(", 1 planner(s) failed")


async def test_a_tick_that_does_not_send_wakes_the_running_sender(
    sessions: async_sessionmaker[AsyncSession], port: RecordingPort, time: VirtualTime
) -> None:
    await add_workspace(sessions, "T1", ["U1"])
    sender = _sender(sessions, port, time)
    summary = await tick(START, sessions=sessions, planners=[weekly_prompts], sender=sender, send=False)
    assert (summary.new, summary.sent) == (1, 0)
    assert port.calls == []
    assert sender._wake.is_set()
    await asyncio.sleep(0)
