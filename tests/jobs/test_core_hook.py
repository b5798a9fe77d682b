"""Celebrations planned in the invocation's own transaction, and the sender woken only after it committed."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from datetime import datetime

import pytest
from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.core import EventHook
from bot.delivery.enqueue import enqueue_planned
from bot.delivery.planned import PlannedMessage, ToConversation
from bot.delivery.sender_config import SenderConfig
from bot.domain.enums import Platform
from bot.invocation import ConversationRef
from bot.jobs.runtime import JobsRuntime
from bot.service.events import DomainEvent, KeyResultAchieved
from bot.views.cards import Card, Tone
from storage.engine import session_factory
from storage.tables import KeyResult
from storage.types import utcnow
from tests.harness import Harness
from tests.jobs.fakes import RecordingPort
from tests.jobs.helpers import rows

CHANNEL = ConversationRef(Platform.CONSOLE, "acme", "#wins")


async def celebrations(
    session: AsyncSession, events: Sequence[DomainEvent], now: datetime
) -> Sequence[PlannedMessage]:
    """A small celebration planner of the tests' own: one post per key result achieved in a cycle."""
    planned = []
    for event in events:
        if isinstance(event, KeyResultAchieved):
            kr = (await session.exec(select(KeyResult).where(KeyResult.id == event.key_result_id))).one()
            planned.append(
                PlannedMessage(
                    f"celebrate:{event.key_result_id}:{event.cycle}",
                    kr.workspace_id,
                    ToConversation(CHANNEL),
                    Card(f"KR{kr.number} reached its target", tone=Tone.CELEBRATION),
                )
            )
    return planned


@pytest.fixture
def woken(company: Harness) -> list[Sequence[DomainEvent]]:
    calls: list[Sequence[DomainEvent]] = []
    company.bot.event_hooks.append(enqueue_planned(celebrations))
    company.bot.after_commit.append(calls.append)
    return calls


async def test_reaching_a_target_enqueues_one_celebration_and_wakes_after_commit(
    company: Harness, woken: list[Sequence[DomainEvent]]
) -> None:
    sessions = session_factory(company.engine)
    await company.ok("checkin KR3 15", who="sam")
    assert list(await rows(sessions)) == ["celebrate:3:2026-Q4"]
    assert len(woken) == 1 and any(isinstance(e, KeyResultAchieved) for e in woken[0])

    for value in ("14", "15"):  # 15 -> 14 -> 15: the key makes it once, whatever the events say
        await company.ok(f"checkin KR3 {value}", who="sam")
    assert list(await rows(sessions)) == ["celebrate:3:2026-Q4"]


async def test_a_refused_command_enqueues_nothing_and_wakes_no_one(
    company: Harness, woken: list[Sequence[DomainEvent]]
) -> None:
    assert (await company.text("checkin KR3 15", who="ari")).startswith("✗")  # not the owner
    assert await rows(session_factory(company.engine)) == {}
    assert woken == []


async def test_a_celebration_rolls_back_with_the_check_in_that_caused_it(
    company: Harness, woken: list[Sequence[DomainEvent]]
) -> None:
    async def fails_after(session: AsyncSession, events: Sequence[DomainEvent]) -> None:
        raise RuntimeError("a later hook failed")

    hook: EventHook = fails_after
    company.bot.event_hooks.append(hook)
    with pytest.raises(RuntimeError):
        await company.say("checkin KR3 15", who="sam")
    assert await rows(session_factory(company.engine)) == {}
    assert woken == []


async def test_a_celebration_goes_out_within_seconds_of_the_check_in(company: Harness) -> None:
    # The whole path as `okrbot serve` wires it: the hook plans in the check-in's transaction, the commit wakes
    # the sender, the sender posts. The sender's poll is an hour: only the wake explains a prompt post.
    port = RecordingPort(clock=utcnow, platform=Platform.CONSOLE)
    jobs = JobsRuntime(
        session_factory(company.engine),
        {Platform.CONSOLE: port},
        celebrations=celebrations,
        config=SenderConfig(poll=3600),
    )
    company.bot.event_hooks.extend(jobs.event_hooks)
    company.bot.after_commit.extend(jobs.after_commit)
    await jobs.start()
    try:
        await asyncio.sleep(0.2)  # the sender has looked once and sleeps
        await company.ok("checkin KR3 15", who="sam")
        async with asyncio.timeout(5):
            while not port.delivered:  # noqa: ASYNC110  (the sender runs in its own task)
                await asyncio.sleep(0.01)
    finally:
        await jobs.stop()
    assert [(call.kind, call.to, call.title) for call in port.calls] == [
        ("post", "#wins", "KR3 reached its target")
    ]
