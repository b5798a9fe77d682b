"""The bot's sense of "now": one injected clock, read by everything that plans, sends, prunes or stamps.

Components take a `Clock` instead of calling `datetime.now()` so that the composition root decides what time it
is: the system clock in production, a clock a test can set (or a `--now` given to `okrbot tick`). Elapsed-time
measurements (timeouts, latencies) use `time.monotonic()`/`perf_counter()` instead: they are durations, not
moments on the calendar.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

# Returns the current moment as an aware UTC datetime.
Clock = Callable[[], datetime]


def system_clock() -> datetime:
    """The machine's clock, in UTC."""
    return datetime.now(UTC)
