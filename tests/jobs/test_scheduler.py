"""The clock: one job, every minute on the minute, never overlapping, calling the tick with the minute."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

from apscheduler.triggers.cron import CronTrigger

from bot.scheduler import MISFIRE_GRACE_SECONDS, build_scheduler


async def test_the_scheduler_calls_the_tick_every_minute_with_the_minute() -> None:
    seen: list[datetime] = []

    async def job(now: datetime) -> None:
        seen.append(now)

    scheduler = build_scheduler(job, clock=lambda: datetime(2026, 11, 30, 9, 0, 12, 345, tzinfo=UTC))
    [scheduled] = scheduler.get_jobs()
    assert isinstance(scheduled.trigger, CronTrigger)
    after = datetime(2026, 11, 30, 9, 0, 12, tzinfo=UTC)
    assert scheduled.trigger.get_next_fire_time(None, after) == datetime(2026, 11, 30, 9, 1, tzinfo=UTC)
    assert (scheduled.coalesce, scheduled.max_instances) == (True, 1)
    assert scheduled.misfire_grace_time == MISFIRE_GRACE_SECONDS

    await scheduled.func()
    assert seen == [datetime(2026, 11, 30, 9, 0, tzinfo=UTC)]


async def test_a_failing_tick_does_not_stop_the_clock() -> None:
    async def job(now: datetime) -> None:
        raise RuntimeError("database down")

    scheduler = build_scheduler(job)
    [scheduled] = scheduler.get_jobs()
    await scheduled.func()  # logged, not raised: the next minute runs again

    scheduler.start()
    try:
        assert scheduler.running and scheduler.get_job("okrbot-tick") is not None
    finally:
        scheduler.shutdown(wait=False)
    await asyncio.sleep(0)
