"""Keeping the sends to one workspace inside the platform's rate limit.

A sliding window, as the platforms count: at most `sends` in any stretch of `seconds`. Not sends spaced evenly:
a fan-out starts with a burst of a window's worth and each later send goes the moment room opens. Even spacing
keeps the window full of the sends after a refused one, so a message asked to wait a second (429 Retry-After)
comes back to no room; in a window it finds the room the burst left.

A send counts from the moment it may go until a window after its answer came. The platform counted it at some
moment in between, so however long the way there took, or how late the event loop ran, no window the platform
counts in can hold more than `sends`: no 429 of our own making, with no safety margin to guess.
"""

from __future__ import annotations

import asyncio
import math
from collections import deque
from collections.abc import Awaitable, Callable, Hashable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from bot.domain.clock import Clock

Sleep = Callable[[float], Awaitable[None]]


@dataclass(frozen=True)
class Window:
    """At most `sends` in any stretch of `seconds`."""

    sends: int
    seconds: float

    @classmethod
    def for_rate(cls, per_second: float) -> Window:
        """A rate as whole sends in the shortest window it can be said in (20/s: 20 in 1 s; 0.1/s: 1 in 10 s).

        What fits the shortest window fits every longer one a platform may count in (a minute, an hour).
        """
        if per_second <= 0:
            raise ValueError(f"a rate must be positive, not {per_second}")
        sends = max(1, math.floor(per_second))
        return cls(sends, sends / per_second)


class Turn:
    """One send's place in its key's window, from the moment it may go until it is answered."""

    def __init__(self, keyed: _KeyWindow) -> None:
        self._keyed = keyed
        self._open = True

    def unused(self) -> None:
        """The send did not happen after all: it counts for nothing."""
        self._close(lambda: self._keyed.close(None))

    def refused(self, at: datetime) -> None:
        """The platform turned the send away (a 429, a 5xx): it gives its place back, while few do."""
        self._close(lambda: self._keyed.close_refused(at))

    def answered(self, at: datetime) -> None:
        self._close(lambda: self._keyed.close(at))

    def _close(self, closing: Callable[[], None]) -> None:
        if self._open:  # a turn counts once, whichever way it ends first
            self._open = False
            closing()


class _KeyWindow:
    """The sends of one key: those in flight, and when the answered ones were answered."""

    def __init__(self, window: Window) -> None:
        self.window = window
        self.in_flight = 0
        self.answered: deque[datetime] = deque()  # in the order they came, so the oldest is first
        self.given_back: deque[datetime] = deque()  # refused sends that gave their place back
        self.changed = asyncio.Event()  # a place was given back: room may open before any expiry
        self.lock = asyncio.Lock()

    @property
    def length(self) -> timedelta:
        return timedelta(seconds=self.window.seconds)

    def expire(self, now: datetime) -> None:
        for times in (self.answered, self.given_back):
            while times and times[0] <= now - self.length:
                times.popleft()

    def close(self, at: datetime | None) -> None:
        self.in_flight -= 1
        if at is not None:
            self.answered.append(max(at, self.answered[-1]) if self.answered else at)
        self.changed.set()

    def close_refused(self, at: datetime) -> None:
        # A refused call mostly did not count against the platform's limit (a 429 never does), so its place is
        # free for another send. But a platform refusing everything (an outage, a limit we do not know of) must
        # not get a storm of calls at the speed of its refusals: a tenth of a window's count of places comes
        # back per window, and the rest count as sent.
        self.expire(at)
        if len(self.given_back) < max(1, self.window.sends // 10):
            self.given_back.append(at)
            self.close(None)
        else:
            self.close(at)


class Pacer:
    """Gives each key's sends their turns in its window, first come first served."""

    def __init__(self, *, clock: Clock, sleep: Sleep) -> None:
        self._clock = clock
        self._sleep = sleep
        self._keys: dict[Hashable, _KeyWindow] = {}

    async def turn(self, key: Hashable, window: Window) -> Turn:
        """Wait until a send for `key` may go; the caller sends right away, then closes the turn."""
        keyed = self._keys.get(key)
        if keyed is None:
            keyed = self._keys[key] = _KeyWindow(window)
        keyed.window = window
        async with keyed.lock:
            while True:
                now = self._clock()
                keyed.expire(now)
                if keyed.in_flight + len(keyed.answered) < window.sends:
                    keyed.in_flight += 1
                    return Turn(keyed)
                keyed.changed.clear()
                # With every send in flight, only an answer can make room; else the oldest answer's expiry.
                expiry = (keyed.answered[0] + keyed.length - now).total_seconds() if keyed.answered else None
                await set_or_slept(keyed.changed, self._sleep, expiry)


async def set_or_slept(event: asyncio.Event, sleep: Sleep, seconds: float | None) -> None:
    """Return once `event` is set, or `seconds` have passed on `sleep`'s clock (None: only the event)."""
    waits: list[asyncio.Future[Any]] = [asyncio.ensure_future(event.wait())]
    if seconds is not None:
        waits.append(asyncio.ensure_future(sleep(seconds)))
    try:
        await asyncio.wait(waits, return_when=asyncio.FIRST_COMPLETED)
    finally:
        for waiting in waits:
            waiting.cancel()
