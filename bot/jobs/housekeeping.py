"""Housekeeping: what the bot keeps only for a while, pruned from the every-minute clock at most once an hour.

- Inbound receipts (a Slack event id already acted on) matter only while Slack may still retry the event:
  it retries three times within minutes (immediately, after a minute, after five), so a day is ample.
- Sent outbox rows are kept 30 days: long enough for the updates that follow a message (a check-in prompt
  turned into "checked in ✓" when someone answers it late, within a monthly cadence) and to look into what was
  sent last month; the key that makes a message happen once is only ever planned again for the current
  period, so forgetting an old one cannot send it twice.
- Failed outbox rows are kept 90 days, for an operator to find why a message never went out.
- "Add to Slack" states that expired without coming back (someone opened the install page and left).

Every prune goes a batch at a time, each in a transaction of its own, so that pruning a large backlog never
holds a long lock; a run stops after MAX_BATCHES and leaves the rest to the next hour.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel.ext.asyncio.session import AsyncSession

from storage import housekeeping as store
from storage.tables import OutboxStatus

log = logging.getLogger(__name__)

RECEIPTS_KEPT = timedelta(days=1)
SENT_KEPT = timedelta(days=30)
FAILED_KEPT = timedelta(days=90)
EVERY = timedelta(hours=1)
BATCH = 1000  # rows per DELETE: milliseconds on either database
MAX_BATCHES = 200  # per kind and run: 200,000 rows an hour catches up with any backlog without hogging a tick

# One batch: delete up to `limit` rows older than `before`, return how many went.
Prune = Callable[[AsyncSession, datetime, int], Awaitable[int]]


@dataclass(frozen=True)
class Retention:
    receipts: timedelta = RECEIPTS_KEPT
    sent: timedelta = SENT_KEPT
    failed: timedelta = FAILED_KEPT


@dataclass(frozen=True)
class Pruned:
    receipts: int = 0
    sent: int = 0
    failed: int = 0
    oauth_states: int = 0

    @property
    def total(self) -> int:
        return self.receipts + self.sent + self.failed + self.oauth_states


async def _receipts(session: AsyncSession, before: datetime, limit: int) -> int:
    return await store.prune_receipts(session=session, before=before, limit=limit)


async def _sent(session: AsyncSession, before: datetime, limit: int) -> int:
    return await store.prune_outbox(session=session, status=OutboxStatus.SENT, before=before, limit=limit)


async def _failed(session: AsyncSession, before: datetime, limit: int) -> int:
    return await store.prune_outbox(session=session, status=OutboxStatus.FAILED, before=before, limit=limit)


async def _oauth_states(session: AsyncSession, before: datetime, limit: int) -> int:
    return await store.prune_oauth_states(session=session, before=before, limit=limit)


class Housekeeping:
    """Call `maybe_run(now)` from every tick; it prunes when an hour has passed since its last run (in this
    process: several instances each prune hourly, which is harmless, as deleting what is gone is a no-op)."""

    def __init__(
        self,
        sessions: async_sessionmaker[AsyncSession],
        *,
        retention: Retention | None = None,
        every: timedelta = EVERY,
        batch: int = BATCH,
        max_batches: int = MAX_BATCHES,
    ) -> None:
        self.sessions = sessions
        self.retention = retention or Retention()
        self.every = every
        self.batch = batch
        self.max_batches = max_batches
        self.last_run: datetime | None = None

    def is_due(self, now: datetime) -> bool:
        return self.last_run is None or now - self.last_run >= self.every

    async def maybe_run(self, now: datetime) -> Pruned | None:
        """Prune if due; what was pruned, or None when it was not due. Failures are logged, never raised: a
        database hiccup must not stop the tick, and the next hour tries again."""
        if not self.is_due(now):
            return None
        self.last_run = now
        try:
            pruned = await self.run(now)
        except Exception:
            log.exception("housekeeping failed at %s; trying again in %s", now.isoformat(), self.every)
            return None
        if pruned.total:
            log.info(
                "housekeeping: pruned %d receipt(s), %d sent and %d failed message(s), %d OAuth state(s)",
                pruned.receipts,
                pruned.sent,
                pruned.failed,
                pruned.oauth_states,
            )
        return pruned

    async def run(self, now: datetime) -> Pruned:
        """Prune everything past its retention at `now`, now."""
        return Pruned(
            receipts=await self._prune(_receipts, now - self.retention.receipts),
            sent=await self._prune(_sent, now - self.retention.sent),
            failed=await self._prune(_failed, now - self.retention.failed),
            oauth_states=await self._prune(_oauth_states, now),
        )

    async def _prune(self, prune: Prune, before: datetime) -> int:
        total = 0
        for _ in range(self.max_batches):
            async with self.sessions() as session, session.begin():
                deleted = await prune(session, before, self.batch)
            total += deleted
            if deleted < self.batch:
                break
            await asyncio.sleep(0)  # between batches, let requests and sends use the database
        return total
