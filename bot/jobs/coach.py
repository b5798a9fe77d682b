"""The coach's side of a tick, in one place for the code that runs ticks (bot/jobs tick, okrbot tick/worker).

Each planner is `async (session, now UTC) -> messages`, run in the tick's transaction before the messages are
enqueued; each reads only what has come due and moves it on, so running them every minute, twice, or on two
instances at once plans every key once. `plan_for_events` is the event side: call it from an OkrBot event hook.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from datetime import datetime

from sqlmodel.ext.asyncio.session import AsyncSession

from bot.delivery.planned import PlannedMessage
from bot.jobs.checkins import plan_checkins, plan_reminders, schedule_unscheduled
from bot.jobs.cycle_end import plan_cycle_end
from bot.jobs.digests import plan_digests
from bot.jobs.events import plan_for_events

Planner = Callable[[AsyncSession, datetime], Awaitable[Sequence[PlannedMessage]]]

TICK_PLANNERS: tuple[Planner, ...] = (plan_checkins, plan_reminders, plan_digests, plan_cycle_end)

__all__ = ["TICK_PLANNERS", "Planner", "plan_for_events", "schedule_unscheduled"]
