"""The clock: APScheduler calls a tick every minute. It keeps no state; what must happen once is in the outbox.

APScheduler 3.x cannot share its job store between processes, so it is used only to say "it is 09:00 now".
Several bot instances each tick; the outbox's unique keys make their plans one, and the sender's claims make
their sends one.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime

from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.triggers.cron import CronTrigger

from bot.domain.clock import Clock, system_clock

log = logging.getLogger(__name__)

TickJob = Callable[[datetime], Awaitable[object]]

# A tick that starts this late (the loop was blocked, the machine slept) still runs; later, the next one will.
MISFIRE_GRACE_SECONDS = 50


def build_scheduler(job: TickJob, *, clock: Clock = system_clock) -> AsyncIOScheduler:
    """A scheduler that calls `job(now)` at second 0 of every minute (not started: call `.start()` in a loop).

    coalesce: after a pause, missed minutes make one call, not a burst; max_instances=1: a slow tick is never
    overlapped by the next one (that one is skipped, and the planners catch up by looking at `now`).
    """

    async def run() -> None:
        now = clock().replace(second=0, microsecond=0)
        try:
            await job(now)
        except Exception:
            log.exception("the tick at %s failed", now.isoformat())

    scheduler = AsyncIOScheduler(timezone=UTC)
    scheduler.add_job(
        run,
        CronTrigger(second=0, timezone=UTC),
        id="okrbot-tick",
        coalesce=True,
        max_instances=1,
        misfire_grace_time=MISFIRE_GRACE_SECONDS,
        replace_existing=True,
    )
    return scheduler
