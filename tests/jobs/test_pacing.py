"""Pacing: the platform never sees more sends to one workspace in any second than its rate allows, no sends go
slower than that, and workspaces go in parallel. Times are the virtual clock's, as the recording port saw them."""

from __future__ import annotations

import asyncio

import pytest
from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.delivery.pacing import Pacer, Window
from bot.delivery.sender import Sender
from bot.delivery.sender_config import SenderConfig
from bot.domain.enums import Platform
from bot.views.cards import Card
from tests.jobs.conftest import START
from tests.jobs.fakes import RecordingPort, VirtualTime, add_workspace
from tests.jobs.helpers import dm, most_in_a_window, put


def test_a_rate_is_whole_sends_in_the_shortest_window_it_can_be_said_in() -> None:
    assert Window.for_rate(20) == Window(20, 1.0)
    assert Window.for_rate(0.1) == Window(1, 10.0)
    assert Window.for_rate(2.5) == Window(2, 0.8)  # 2.5/s: two sends in 0.8 s, never three in one
    with pytest.raises(ValueError, match="positive"):
        Window.for_rate(0)


async def test_sends_to_one_workspace_stay_within_its_rate_in_any_second(
    sessions: async_sessionmaker[AsyncSession], port: RecordingPort, time: VirtualTime
) -> None:
    workspace, members = await add_workspace(sessions, "T1", [f"U{i}" for i in range(12)])
    await put(sessions, *(dm(f"m{i}", workspace, members[f"U{i}"]) for i in range(12)), now=START)
    config = SenderConfig(rates={Platform.SLACK: 4.0}, in_flight=4)
    sender = Sender(sessions, {Platform.SLACK: port}, config=config, clock=time.clock, sleep=time.sleep)

    assert (await sender.send_due()).sent == 12
    times = [call.at for call in port.calls]
    assert most_in_a_window(times, 1.0) == 4
    # and no slower: a window's worth at once, the next the moment the window has room
    assert sorted((at - START).total_seconds() for at in times) == [0.0] * 4 + [1.0] * 4 + [2.0] * 4


class BarrierPort(RecordingPort):
    """Holds every call until `parties` calls are in flight together: it only completes if they are."""

    def __init__(self, time: VirtualTime, parties: int) -> None:
        super().__init__(clock=time.clock)
        self.barrier = asyncio.Barrier(parties)
        self.inside = self.most_inside = 0

    async def _call(self, kind: str, workspace: str, to: str, card: Card) -> str:
        self.inside += 1
        self.most_inside = max(self.most_inside, self.inside)
        try:
            await self.barrier.wait()
            return await super()._call(kind, workspace, to, card)
        finally:
            self.inside -= 1


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
    assert (report.sent, report.retried) == (8, 0)  # one at a time, the barrier would have timed out
    assert port.most_inside == 4  # and never more than the lane's in-flight limit


async def test_the_pacer_waits_only_for_the_same_key() -> None:
    time = VirtualTime(START)
    pacer = Pacer(clock=time.clock, sleep=time.sleep)
    seen: list[tuple[str, float]] = []

    async def send(key: str) -> None:
        turn = await pacer.turn(key, Window(1, 0.5))
        seen.append((key, (time.now - START).total_seconds()))
        turn.answered(time.now)

    await asyncio.gather(*(send(key) for key in ["a", "a", "b", "a", "b"]))
    assert sorted(seen) == [("a", 0.0), ("a", 0.5), ("a", 1.0), ("b", 0.0), ("b", 0.5)]


async def test_a_send_counts_until_a_window_after_its_answer() -> None:
    """However long the way to the platform took, it counted the send before the answer came back."""
    time = VirtualTime(START)
    pacer = Pacer(clock=time.clock, sleep=time.sleep)
    first = await pacer.turn("T1", Window(1, 1.0))
    later = asyncio.create_task(pacer.turn("T1", Window(1, 1.0)))
    await asyncio.sleep(0)
    assert not later.done()  # the first is still in flight: no expiry can make room
    time.advance(0.3)
    first.answered(time.now)
    await later
    assert (time.now - START).total_seconds() == 1.3


async def test_a_send_not_made_or_turned_away_gives_its_place_back_but_only_a_few_per_window() -> None:
    time = VirtualTime(START)
    pacer = Pacer(clock=time.clock, sleep=time.sleep)
    window = Window(20, 1.0)
    turns = [await pacer.turn("T1", window) for _ in range(20)]
    turns[0].unused()  # never sent: always free
    for turn in turns[1:4]:
        turn.refused(time.now)  # turned away: two (a tenth of 20) come back this window, the third counts
    for turn in turns[4:]:
        turn.answered(time.now)
    for _ in range(3):
        await pacer.turn("T1", window)
    assert time.now == START  # three places came back at once
    await pacer.turn("T1", window)
    assert (time.now - START).total_seconds() == 1.0  # the fourth waited for the window
