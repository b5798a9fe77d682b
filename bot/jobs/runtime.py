"""Everything that sends on the bot's own initiative, started and stopped as one: for `okrbot serve` and
`okrbot worker`.

    jobs = JobsRuntime(sessions, ports, planners=[...], celebrations=plan_celebrations, settings=settings)
    bot = OkrBot(sessions, event_hooks=jobs.event_hooks, after_commit=jobs.after_commit)
    await jobs.start()   # the every-minute clock and the sender loop, on the running event loop
    ...
    await jobs.stop()    # finishes the sends in flight, hands back the other claims
    await jobs.stop(within=2.0)   # the same, bounded: sends still in flight then are cut off and handed back
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Mapping, Sequence
from datetime import datetime

from apscheduler.schedulers.asyncio import AsyncIOScheduler
from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.config import Settings
from bot.core import AfterCommit, EventHook
from bot.delivery.enqueue import EventPlanner, enqueue_planned
from bot.delivery.sender import Sender
from bot.delivery.sender_config import SenderConfig
from bot.domain.clock import Clock, system_clock
from bot.domain.enums import Platform
from bot.jobs.housekeeping import Housekeeping
from bot.jobs.tick import Planner, tick
from bot.ports import ChatPort
from bot.scheduler import build_scheduler
from bot.service.events import DomainEvent
from bot.telemetry import NO_TELEMETRY, Telemetry

log = logging.getLogger(__name__)


class JobsRuntime:
    def __init__(
        self,
        sessions: async_sessionmaker[AsyncSession],
        ports: Mapping[Platform, ChatPort],
        *,
        planners: Sequence[Planner] = (),
        celebrations: EventPlanner | None = None,
        settings: Settings | None = None,
        config: SenderConfig | None = None,
        telemetry: Telemetry = NO_TELEMETRY,
        housekeeping: Housekeeping | None = None,
        clock: Clock = system_clock,
    ) -> None:
        self.sessions = sessions
        self.clock = clock
        self.telemetry = telemetry
        self.housekeeping = housekeeping or Housekeeping(sessions)
        self.planners = list(planners)
        if config is None:
            config = SenderConfig.from_settings(settings) if settings is not None else SenderConfig()
        self.sender = Sender(sessions, ports, config=config, telemetry=telemetry, clock=clock)
        # For OkrBot: plan celebrations in the invocation's transaction; wake the sender once it committed.
        self.event_hooks: list[EventHook] = (
            [enqueue_planned(celebrations, clock=clock)] if celebrations else []
        )
        self.after_commit: list[AfterCommit] = [self._wake]
        self._scheduler: AsyncIOScheduler | None = None
        self._sending: asyncio.Task[None] | None = None
        self._ticking: asyncio.Task[object] | None = None

    def _wake(self, events: Sequence[DomainEvent]) -> None:
        self.sender.wake()

    async def _tick(self, now: datetime) -> None:
        # `now` is the minute the clock fired for: how late this runs shows a blocked loop or a starved host.
        self.telemetry.tick_ran((self.clock() - now).total_seconds())
        self._ticking = asyncio.current_task()
        try:
            summary = await tick(
                now, sessions=self.sessions, planners=self.planners, sender=self.sender, send=False
            )
            if summary.new or summary.planner_errors:
                log.info("tick %s: %s", now.isoformat(), summary.line())
            await self.housekeeping.maybe_run(now)
        finally:
            self._ticking = None

    async def start(self) -> None:
        """Start the clock and the sender on the running loop."""
        self._scheduler = build_scheduler(self._tick, clock=self.clock)
        self._scheduler.start()
        self._sending = asyncio.create_task(self.sender.run(), name="outbox-sender")

    async def stop(self, *, within: float | None = None) -> None:
        """Stop ticking; let the tick and the sends in flight finish and hand back the rest (idempotent).

        `within`: seconds to wait for them (a process being stopped has a deadline). Past it, the tick and the
        sends are cancelled and this sender's claims are handed back all the same: a send cut off this way
        may have reached the platform and go again later, the one duplicate an outbox cannot rule out.
        """
        if self._scheduler is not None:
            self._scheduler.shutdown(wait=False)  # no new ticks; a running one is not cancelled by this
            self._scheduler = None
        sending, self._sending = self._sending, None
        if sending is not None:
            self.sender.stop()
        pending = [task for task in (self._ticking, sending) if task is not None]
        if not pending:
            return
        _, late = await asyncio.wait(pending, timeout=within)
        for task in late:
            task.cancel()
        if late:
            await asyncio.wait(late)
            released = await self.sender.release()
            log.warning(
                "stopped without waiting any longer for %d task(s); %d claimed message(s) handed back",
                len(late),
                released,
            )
        elif sending is not None:
            sending.result()  # a sender that crashed says so here

    async def wait(self) -> None:
        """Until the sender stops (`stop()`, or a signal handler calling `sender.stop()`)."""
        if self._sending is not None:
            await self._sending
