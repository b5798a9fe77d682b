"""Claiming lanes: a lane is one workspace's due rows, claimed in batches under a lease and sent at the
platform's pace, with retries claimed again the moment they come due."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Mapping, Sequence
from datetime import datetime, timedelta
from typing import Any

from bot.delivery.calls import RowSender
from bot.delivery.lane_run import Countdown, LaneRun
from bot.delivery.outcomes import Outcomes
from bot.delivery.pacing import Pacer, Sleep, Window, set_or_slept
from bot.delivery.sender_state import SenderState
from bot.domain.enums import Platform
from bot.ports import ChatPort
from storage import outbox
from storage.outbox import Lane
from storage.tables import Outbox

log = logging.getLogger(__name__)


class Lanes:
    def __init__(
        self,
        state: SenderState,
        ports: Mapping[Platform, ChatPort],
        *,
        rows: RowSender,
        outcomes: Outcomes,
        sleep: Sleep,
    ) -> None:
        self.state = state
        self.config = state.config
        self.ports = ports  # read at each lane's start: `okrbot serve` fills it in as the platforms mount
        self.rows = rows
        self.outcomes = outcomes
        self._sleep = sleep
        self._pacer = Pacer(clock=state.clock, sleep=sleep)
        self._windows = {platform: Window.for_rate(rate) for platform, rate in self.config.rates.items()}
        self._parallel = asyncio.Semaphore(self.config.parallel_workspaces)

    async def run(self, lane: Lane, *, pass_at: datetime | None) -> None:
        """Claim and send a workspace's due rows until none is left.

        `pass_at`: a one-off pass (send_due) sends rows due by then, each at most once (ids only go up), a batch
        after the other. Otherwise rows are due by the clock, and the next batch is claimed as soon as the last
        row of this one got its turn, so that the lane never idles between batches (the in-flight limit is the
        lane's, across batches). A retry is claimed the moment it comes due, in a small batch of its own that
        goes out alongside: waiting for the next full batch would hold it back by seconds, and a message
        refused a few times in a row would finish the fan-out seconds after the rest.
        """
        run = LaneRun(lane, self.ports[lane.platform], asyncio.Semaphore(self.config.in_flight))
        self.outcomes.platform_of[lane.workspace_id] = lane.platform
        full = self.config.batch_for(lane.platform)
        batches: list[asyncio.Task[list[int]]] = []
        async with self._parallel:
            try:
                after_id = 0
                # The first claim is a window's worth, so that the lane's sends start after a small claim (on
                # SQLite the lanes' claims queue for the one writer); the full ones follow while it goes out.
                limit, retries_only = min(self._windows[lane.platform].sends, full), False
                latest: tuple[asyncio.Task[list[int]], Countdown] | None = None
                while not self.state.stopping:
                    now = self.state.clock()
                    until = now + timedelta(seconds=self.config.lease)
                    async with self.state.writing() as session:
                        rows = await outbox.claim(
                            session=session,
                            workspace_id=lane.workspace_id,
                            now=max(pass_at, now) if pass_at is not None else now,
                            leases_end_by=now,
                            until=until,
                            sender=self.state.name,
                            limit=limit,
                            after_id=after_id if pass_at is not None else 0,
                        )
                        members = [row.member_id for row in rows if row.member_id is not None]
                        users = await outbox.member_user_ids(session=session, member_ids=members)
                    batches = [task for task in batches if not task.done()]
                    if rows:
                        paced = Countdown(len(rows))
                        batch = asyncio.create_task(
                            self._send_batch(run, rows, users, lease_end=until, paced=paced)
                        )
                        batches.append(batch)
                        if not retries_only:
                            latest = (batch, paced)
                    elif not retries_only:
                        latest = None  # nothing left to claim but retries
                    if pass_at is not None:
                        if not rows:
                            return
                        untried = await batch
                        after_id = (min(untried) - 1) if untried else (rows[-1].id or 0)
                        limit = full
                        continue
                    if latest is None and not batches:
                        return
                    limit, retries_only = await self._next_claim(run, latest, batches, full=full)
            finally:
                await asyncio.gather(*batches, return_exceptions=True)

    async def _next_claim(
        self,
        run: LaneRun,
        latest: tuple[asyncio.Task[list[int]], Countdown] | None,
        running: Sequence[asyncio.Task[list[int]]],
        *,
        full: int,
    ) -> tuple[int, bool]:
        """Wait for a reason to claim again; then how many rows, and whether only retries are due.

        A full batch once the latest full one has had its turns (or, with nothing left but retries, once every
        batch is done: the claim finds nothing and the lane ends); a few rows the moment retries come due.
        """
        if latest is not None:
            batch, paced = latest
            ready: asyncio.Future[Any] = asyncio.ensure_future(paced.wait())
            waits: list[asyncio.Future[Any]] = [batch, ready]
        else:
            ready = asyncio.ensure_future(asyncio.wait(running))
            waits = [ready]
        retry = asyncio.ensure_future(self._retry_due(run))
        try:
            await asyncio.wait([*waits, retry], return_when=asyncio.FIRST_COMPLETED)
        finally:
            ready.cancel()
            retry.cancel()
        due = run.take_due(self.state.clock())
        if any(waiting.done() and not waiting.cancelled() for waiting in waits):
            return full, False  # the claim takes the due retries first: ids go up, and theirs are older
        return due, True

    async def _retry_due(self, run: LaneRun) -> None:
        """Return once one of the lane's retries is due."""
        while True:
            run.retried.clear()
            until = (run.retries_due[0] - self.state.clock()).total_seconds() if run.retries_due else None
            if until is not None and until <= 0:
                return
            await set_or_slept(run.retried, self._sleep, until)

    async def _send_batch(
        self,
        run: LaneRun,
        rows: Sequence[Outbox],
        users: Mapping[int, str],
        *,
        lease_end: datetime,
        paced: Countdown,
    ) -> list[int]:
        """Send claimed rows in order, a few at a time; hand back (and return) the ids left untried.

        The rows wait for their turns in the window here, one at a time, rather than all at once in the
        pacer's queue: so a small batch of retries claimed meanwhile takes turns with this one instead of
        queueing behind the whole of it.
        """
        untried: list[int] = []
        by_key: dict[str, asyncio.Task[None]] = {}
        window = self._windows[run.lane.platform]
        for position, row in enumerate(rows):
            if self.state.stopping:  # the rest go back untried
                untried += [later.id for later in rows[position:] if later.id is not None]
                break
            try:
                send = await self.rows.prepared(run, row, users, by_key)
                if send is None:
                    continue
                turn = await self._pacer.turn(run.lane.workspace_id, window)
                try:
                    await run.in_flight.acquire()
                except BaseException:
                    turn.unused()  # the pacer outlives this lane: a lost turn would narrow its window for good
                    raise
            except Exception:
                # The database failed while settling a row that cannot be sent: the lease brings it back.
                log.exception("outbox %s: could not record why it cannot be sent", row.key)
                continue
            finally:
                paced.tick(row.id)
            by_key[row.key] = asyncio.create_task(
                self.rows.send_row(run, row, send, turn, lease_end, untried)
            )
        for row_id in untried:
            paced.tick(row_id)
        await asyncio.gather(*by_key.values())
        if untried:
            async with self.state.writing() as session:
                await outbox.release(
                    session=session, sender=self.state.name, now=self.state.clock(), row_ids=untried
                )
            self.state.totals.deferred += len(untried)
        return untried
