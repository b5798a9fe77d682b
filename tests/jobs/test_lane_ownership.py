"""Several senders on one database (one per `okrbot serve` instance): each workspace is paced by one of them at a
time, so together they never send to a workspace faster than its rate."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.delivery.sender import Sender
from bot.delivery.sender_config import SenderConfig
from bot.domain.enums import Platform
from storage import outbox
from tests.jobs.conftest import START
from tests.jobs.fakes import RecordingPort, VirtualTime, add_workspace
from tests.jobs.helpers import dm, most_in_a_window, put, rows

RATE = 4


def _sender(
    name: str, sessions: async_sessionmaker[AsyncSession], port: RecordingPort, time: VirtualTime
) -> Sender:
    config = SenderConfig(rates={Platform.SLACK: RATE}, in_flight=4, batch=3)
    return Sender(
        sessions, {Platform.SLACK: port}, config=config, name=name, clock=time.clock, sleep=time.sleep
    )


async def test_two_senders_keep_one_workspaces_pace_between_them(
    sessions: async_sessionmaker[AsyncSession], port: RecordingPort, time: VirtualTime
) -> None:
    workspace, members = await add_workspace(sessions, "T1", [f"U{i}" for i in range(12)])
    await put(sessions, *(dm(f"m{i}", workspace, members[f"U{i}"]) for i in range(12)), now=START)
    first, second = _sender("first", sessions, port, time), _sender("second", sessions, port, time)

    reports = await asyncio.gather(first.send_due(), second.send_due())

    assert sum(report.sent for report in reports) == 12
    assert sorted(call.title for call in port.delivered) == sorted(f"m{i}" for i in range(12))
    # two senders at the whole rate each would send eight in a second
    assert most_in_a_window([call.at for call in port.calls], 1.0) == RATE
    assert {row.claimed_by for row in (await rows(sessions)).values()} in ({"first"}, {"second"})


async def test_the_other_sender_takes_the_workspace_once_the_first_has_no_live_claims(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    workspace, members = await add_workspace(sessions, "T1", ["U1", "U2"])
    await put(sessions, dm("a", workspace, members["U1"]), dm("b", workspace, members["U2"]), now=START)

    async def claim(sender: str, now: timedelta = timedelta(0)) -> list[str]:
        async with sessions() as session, session.begin():
            taken = await outbox.claim(
                session=session,
                workspace_id=workspace,
                now=START + now,
                leases_end_by=START + now,
                until=START + now + timedelta(seconds=60),
                sender=sender,
                limit=1,
            )
        return [row.key for row in taken]

    assert await claim("first") == ["a"]
    assert await claim("second") == []  # b is due, but the workspace is first's while its claim lives
    assert await claim("first") == ["b"]  # its own claims do not hold first back
    assert await claim("second", timedelta(seconds=61)) == ["a"]  # first's leases ran out: first is gone


async def test_concurrent_claims_on_postgresql_queue_and_the_second_sees_the_first(
    engine: AsyncEngine, sessions: async_sessionmaker[AsyncSession]
) -> None:
    if engine.dialect.name != "postgresql":
        pytest.skip("SQLite runs one writer at a time: its claims cannot overlap")
    workspace, members = await add_workspace(sessions, "T1", ["U1", "U2"])
    await put(sessions, dm("a", workspace, members["U1"]), dm("b", workspace, members["U2"]), now=START)
    kwargs = dict(
        workspace_id=workspace, now=START, leases_end_by=START, until=START + timedelta(seconds=60), limit=1
    )

    async with sessions() as first, first.begin():
        assert [row.key for row in await outbox.claim(session=first, sender="first", **kwargs)] == ["a"]

        async def second_claims() -> list[str]:
            async with sessions() as second, second.begin():
                return [row.key for row in await outbox.claim(session=second, sender="second", **kwargs)]

        waiting = asyncio.create_task(second_claims())
        await asyncio.sleep(0.3)
        assert not waiting.done()  # queued behind first's transaction, not claiming b beside it
    assert await waiting == []
