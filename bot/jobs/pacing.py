"""Spacing sends to one workspace so that the bot stays inside the platform's rate limit."""

from __future__ import annotations

import asyncio
from collections import defaultdict
from collections.abc import Awaitable, Callable, Hashable
from datetime import datetime, timedelta

Clock = Callable[[], datetime]
Sleep = Callable[[float], Awaitable[None]]


class Pacer:
    """At most one send per `interval` for each key, however many tasks share the key.

    The next send is allowed `interval` after the previous one actually went (not after its planned slot), so a
    late wake-up never turns into a burst to catch up: the platform sees gaps of at least `interval`.
    """

    def __init__(self, *, clock: Clock, sleep: Sleep) -> None:
        self._clock = clock
        self._sleep = sleep
        self._ready: dict[Hashable, datetime] = {}
        self._locks: defaultdict[Hashable, asyncio.Lock] = defaultdict(asyncio.Lock)

    async def wait(self, key: Hashable, interval: float) -> None:
        """Return when a send for `key` may go; the caller must send right away (no await in between)."""
        async with self._locks[key]:
            ready = self._ready.get(key)
            if ready is not None:
                delay = (ready - self._clock()).total_seconds()
                if delay > 0:
                    await self._sleep(delay)
            self._ready[key] = self._clock() + timedelta(seconds=interval)
