"""What the batches of one run of a lane (one workspace's sends) share, and the countdown that tells a lane
when to claim its next batch."""

from __future__ import annotations

import asyncio
import heapq
from dataclasses import dataclass, field
from datetime import datetime

from bot.ports import ChatPort
from storage.outbox import Lane


class Countdown:
    """Set once each row of a batch has had its turn in the window (or needs none): time to claim the next batch."""

    def __init__(self, rows: int) -> None:
        self._left = rows
        self._seen: set[int | None] = set()
        self._done = asyncio.Event()
        if rows == 0:
            self._done.set()

    def tick(self, row_id: int | None) -> None:
        if row_id not in self._seen:
            self._seen.add(row_id)
            self._left -= 1
            if self._left <= 0:
                self._done.set()

    async def wait(self) -> None:
        await self._done.wait()


@dataclass
class LaneRun:
    """What the batches of one run of a lane share."""

    lane: Lane
    port: ChatPort
    in_flight: asyncio.Semaphore
    retries_due: list[datetime] = field(default_factory=list)  # a heap: when this run's retries come due
    retried: asyncio.Event = field(default_factory=asyncio.Event)

    def retry_at(self, due: datetime) -> None:
        heapq.heappush(self.retries_due, due)
        self.retried.set()

    def take_due(self, now: datetime) -> int:
        """How many retries are due by `now`, forgetting them."""
        due = 0
        while self.retries_due and self.retries_due[0] <= now:
            heapq.heappop(self.retries_due)
            due += 1
        return due
