"""The sender: takes due messages from the outbox and hands them to the platforms, each exactly once.

How a message goes out:
1. A lane (one per workspace) claims a batch of due rows under a lease (storage/outbox.py: FOR UPDATE SKIP
   LOCKED on PostgreSQL), so no other sender, in this process or another, takes them while the lease runs.
2. Each row waits for its turn in the workspace's window (pacing.py: at most the platform's rate in
   any second), then goes to the platform's ChatPort.
3. Only when the port returned is the row marked sent, with the message's reference (for later updates).
   A retryable refusal (429, 5xx) or a timeout puts it back with exponential backoff and jitter, never sooner
   than Retry-After, and the lane claims it again the moment it is due; after `max_attempts` tries, or a
   refusal no retry will change, it is set aside as failed with a log line naming it.
A sender that dies leaves rows claimed: their leases run out and any sender takes them again. The window for
a duplicate is the one no outbox can close: the platform took a message but the sender died (or timed out)
before recording it.

The parts, one job each: lanes.py claims a workspace's rows and paces them, calls.py makes one row's platform
call, outcomes.py records how it went, and this module starts the lanes and, on stop, hands back the claims.

Lanes run in parallel across workspaces; within one, sends are paced by the platform's rate, with several in
flight at once so that the platform's latency does not lower the rate. With several senders on one database
(one per `okrbot serve` instance), a workspace belongs to one sender while it holds live claims there
(storage/outbox.py: claim), so the pace holds for all of them together.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import logging
import os
import random
import socket
import uuid
from collections.abc import Mapping
from datetime import datetime

from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.delivery.calls import RowSender
from bot.delivery.lanes import Lanes
from bot.delivery.outcomes import Outcomes
from bot.delivery.pacing import Sleep
from bot.delivery.sender_config import SenderConfig, SendReport
from bot.delivery.sender_state import SenderState
from bot.domain.clock import Clock, system_clock
from bot.domain.enums import Platform
from bot.ports import ChatPort
from bot.telemetry import NO_TELEMETRY, Telemetry
from storage import outbox

log = logging.getLogger(__name__)


def default_sender_name() -> str:
    return f"{socket.gethostname()[:32]}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


class Sender:
    def __init__(
        self,
        sessions: async_sessionmaker[AsyncSession],
        ports: Mapping[Platform, ChatPort],
        *,
        config: SenderConfig | None = None,
        name: str | None = None,
        clock: Clock = system_clock,
        sleep: Sleep = asyncio.sleep,
        rng: random.Random | None = None,
        telemetry: Telemetry = NO_TELEMETRY,
    ) -> None:
        self.sessions = sessions
        self.ports = ports  # read at each send: `okrbot serve` fills it in as the platforms mount
        self.config = config or SenderConfig()
        self.name = name or default_sender_name()
        self.telemetry = telemetry
        self._state = SenderState(self.name, self.config, clock, sessions)
        outcomes = Outcomes(self._state, rng=rng or random.Random(), telemetry=telemetry)
        rows = RowSender(self._state, outcomes)
        self._lanes = Lanes(self._state, ports, rows=rows, outcomes=outcomes, sleep=sleep)
        self._running: dict[int, asyncio.Task[None]] = {}  # workspace id -> its lane, while it runs
        self._wake = asyncio.Event()

    @property
    def totals(self) -> SendReport:
        """What this sender has done since it was made."""
        return self._state.totals

    def wake(self) -> None:
        """Look at the outbox now (something was just enqueued) rather than at the next poll."""
        self._wake.set()

    def stop(self) -> None:
        """Make `run` finish the sends in flight, hand back the other claims and return."""
        self._state.stopping = True
        self._wake.set()

    async def send_due(self, now: datetime | None = None) -> SendReport:
        """One pass: try each row due at `now` (default: the clock) once; retries wait for their time."""
        before = self.totals.copy()
        due = max(now, self._state.clock()) if now is not None else self._state.clock()
        async with self.sessions() as session:
            lanes = await outbox.due_lanes(
                session=session, now=due, leases_end_by=self._state.clock(), platforms=self.ports
            )
        await asyncio.gather(*(self._lanes.run(lane, pass_at=due) for lane in lanes))
        return self.totals - before

    async def run(self) -> None:
        """Send as messages come due, until `stop()` (even one called before); then release what this sender
        still holds. A stopped sender stays stopped."""
        try:
            while not self._state.stopping:
                self._wake.clear()
                timeout = await self._start_due_lanes()
                if self._state.stopping:
                    break
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._wake.wait(), timeout)
        finally:
            self._state.stopping = True
            await asyncio.gather(*self._running.values(), return_exceptions=True)
            released = await self.release()
            if released:
                log.info("sender %s handed back %d claimed message(s)", self.name, released)

    async def release(self) -> int:
        """Hand back every claim this sender holds, due at once (on shutdown)."""
        async with self._state.writing() as session:
            return await outbox.release(session=session, sender=self.name, now=self._state.clock())

    async def _start_due_lanes(self) -> float:
        """Start a lane for each workspace with due rows; seconds until the next look."""
        now = self._state.clock()
        try:
            async with self.sessions() as session:
                lanes = await outbox.due_lanes(
                    session=session, now=now, leases_end_by=now, platforms=self.ports
                )
                next_due = await outbox.next_due_at(session=session, platforms=self.ports)
        except Exception:
            log.exception("the sender could not read the outbox; trying again in %ss", self.config.poll)
            return self.config.poll
        for lane in lanes:
            if lane.workspace_id not in self._running:
                task = asyncio.create_task(
                    self._lanes.run(lane, pass_at=None), name=f"outbox-lane-{lane.workspace_id}"
                )
                self._running[lane.workspace_id] = task
                task.add_done_callback(functools.partial(self._lane_done, lane.workspace_id))
        if next_due is None or next_due <= now:  # nothing waiting, or running lanes are on it
            return self.config.poll
        return min(self.config.poll, max(0.01, (next_due - now).total_seconds()))

    def _lane_done(self, workspace_id: int, task: asyncio.Task[None]) -> None:
        self._running.pop(workspace_id, None)
        if not task.cancelled() and task.exception() is not None:
            log.error("outbox lane of workspace %s stopped", workspace_id, exc_info=task.exception())
        self._wake.set()  # rows may have come due for it meanwhile
