"""Pacing: the platform never sees two sends to one workspace closer than its rate allows, and workspaces go
in parallel. Times are the virtual clock's, as the recording port saw them."""

from __future__ import annotations

import asyncio
import itertools
from datetime import datetime

from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.domain.enums import Platform
from bot.jobs.pacing import Pacer
from bot.jobs.sender import Sender, SenderConfig
from bot.views.cards import Card
from tests.jobs.conftest import START
from tests.jobs.fakes import RecordingPort, VirtualTime, add_workspace
from tests.jobs.helpers import dm, put


def _gaps(times: list[datetime]) -> list[float]:
    ordered = sorted(times)
    return [(later - earlier).total_seconds() for earlier, later in itertools.pairwise(ordered)]


async def test_sends_to_one_workspace_are_spaced_by_its_rate(
    sessions: async_sessionmaker[AsyncSession], port: RecordingPort, time: VirtualTime
) -> None:
    workspace, members = await add_workspace(sessions, "T1", [f"U{i}" for i in range(12)])
    await put(sessions, *(dm(f"m{i}", workspace, members[f"U{i}"]) for i in range(12)), now=START)
    config = SenderConfig(rates={Platform.SLACK: 4.0}, in_flight=4, pace_headroom=0)
    sender = Sender(sessions, {Platform.SLACK: port}, config=config, clock=time.clock, sleep=time.sleep)

    assert (await sender.send_due()).sent == 12
    gaps = _gaps([call.at for call in port.calls])
    assert min(gaps) >= 0.25, gaps
    assert (max(call.at for call in port.calls) - START).total_seconds() == 11 * 0.25  # and no slower


async def test_the_pace_keeps_a_little_under_the_rate(
    sessions: async_sessionmaker[AsyncSession], port: RecordingPort, time: VirtualTime
) -> None:
    """Sends reach the platform a little later or earlier than their slot (the event loop, the way there): at
    exactly the rate, one landing early is the call too many in the platform's one-second window."""
    workspace, members = await add_workspace(sessions, "T1", [f"U{i}" for i in range(9)])
    await put(sessions, *(dm(f"m{i}", workspace, members[f"U{i}"]) for i in range(9)), now=START)
    config = SenderConfig(rates={Platform.SLACK: 4.0}, in_flight=4, pace_headroom=0.02)
    sender = Sender(sessions, {Platform.SLACK: port}, config=config, clock=time.clock, sleep=time.sleep)

    assert (await sender.send_due()).sent == 9
    times = sorted(call.at for call in port.calls)
    assert min(_gaps(times)) >= 0.25 * 1.02
    assert (times[4] - times[0]).total_seconds() > 1.0  # never five sends within one second at four a second


class BarrierPort(RecordingPort):
    """Holds every call until `parties` calls are in flight together: it only completes if they are."""

    def __init__(self, time: VirtualTime, parties: int) -> None:
        super().__init__(clock=time.clock)
        self.barrier = asyncio.Barrier(parties)
        self.entered: list[datetime] = []

    async def _call(self, kind: str, workspace: str, to: str, card: Card) -> str:
        self.entered.append(self.clock())
        await self.barrier.wait()
        return await super()._call(kind, workspace, to, card)


async def test_workspaces_are_sent_to_in_parallel(
    sessions: async_sessionmaker[AsyncSession], time: VirtualTime
) -> None:
    teams = [await add_workspace(sessions, f"T{w}", ["U1"]) for w in range(5)]
    await put(sessions, *(dm(f"w{w}", ws, members["U1"]) for w, (ws, members) in enumerate(teams)), now=START)
    port = BarrierPort(time, parties=5)
    config = SenderConfig(rates={Platform.SLACK: 1.0}, in_flight=1, send_timeout=5)
    sender = Sender(sessions, {Platform.SLACK: port}, config=config, clock=time.clock, sleep=time.sleep)

    report = await sender.send_due()
    assert (report.sent, report.retried) == (5, 0)  # one at a time, the barrier would have timed out
    assert sorted(call.workspace for call in port.delivered) == [f"T{w}" for w in range(5)]


async def test_a_few_sends_to_one_workspace_are_in_flight_at_once(
    sessions: async_sessionmaker[AsyncSession], time: VirtualTime
) -> None:
    workspace, members = await add_workspace(sessions, "T1", [f"U{i}" for i in range(8)])
    await put(sessions, *(dm(f"m{i}", workspace, members[f"U{i}"]) for i in range(8)), now=START)
    port = BarrierPort(time, parties=4)
    config = SenderConfig(rates={Platform.SLACK: 10.0}, in_flight=4, send_timeout=5)
    sender = Sender(sessions, {Platform.SLACK: port}, config=config, clock=time.clock, sleep=time.sleep)

    report = await sender.send_due()
    assert (report.sent, report.retried) == (8, 0)
    assert min(_gaps(port.entered)) >= 0.1  # in flight together, yet started apart


async def test_the_pacer_waits_only_for_the_same_key() -> None:
    time = VirtualTime(START)
    pacer = Pacer(clock=time.clock, sleep=time.sleep)
    seen: list[tuple[str, float]] = []

    async def send(key: str) -> None:
        await pacer.wait(key, 0.5)
        seen.append((key, (time.now - START).total_seconds()))

    await asyncio.gather(*(send(key) for key in ["a", "a", "b", "a", "b"]))
    assert sorted(seen) == [("a", 0.0), ("a", 0.5), ("a", 1.0), ("b", 0.0), ("b", 0.5)]
