"""Spacing sends to one workspace so that the bot stays inside the platform's rate limit."""

from __future__ import annotations

import asyncio
from collections import defaultdict
from collections.abc import Awaitable, Callable, Hashable
from datetime import datetime, timedelta

Clock = Callable[[], datetime]
Sleep = Callable[[float], Awaitable[None]]


class Pacer:
    """Gives the sends for each key slots `interval` apart, however many tasks share the key.

    Slots follow each other on the clock, not on when the previous sleeper actually woke: on a busy event loop
    timers fire late, and pacing from the late wake-up would lower the rate by that lateness on every send.
    So a late send is followed by one a little early, and over any stretch of T seconds at most
    T / interval + 1 sends go, which is what the platforms' limits (windows with bursts) care about. After a
    pause the slots start again from now: no burst to make up for time nobody sent in.
    """

    def __init__(self, *, clock: Clock, sleep: Sleep) -> None:
        self._clock = clock
        self._sleep = sleep
        self._next: dict[Hashable, datetime] = {}
        self._locks: defaultdict[Hashable, asyncio.Lock] = defaultdict(asyncio.Lock)

    async def wait(self, key: Hashable, interval: float) -> None:
        """Return at the key's next slot; the caller must send right away (no await in between)."""
        async with self._locks[key]:
            now = self._clock()
            slot = max(now, self._next.get(key, now))
            self._next[key] = slot + timedelta(seconds=interval)
            delay = (slot - now).total_seconds()
            if delay > 0:
                await self._sleep(delay)
