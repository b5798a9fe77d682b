"""Recording how each send went: sent (with the message's reference, written in batches), put back for a retry
with backoff, or set aside as failed; counted in the sender's totals and in telemetry."""

from __future__ import annotations

import asyncio
import logging
import random
from datetime import datetime, timedelta

from bot.delivery.retry import retry_delay
from bot.delivery.sender_state import SenderState
from bot.domain.enums import Platform
from bot.ports import MessageRef
from bot.telemetry import SendResult, Telemetry
from storage import outbox
from storage.outbox import SentRef
from storage.tables import Outbox

log = logging.getLogger(__name__)


class Outcomes:
    def __init__(self, state: SenderState, *, rng: random.Random, telemetry: Telemetry) -> None:
        self.state = state
        self.telemetry = telemetry
        self.platform_of: dict[int, Platform] = {}  # workspace id -> platform, for telemetry's labels
        self._rng = rng
        self._unrecorded: list[tuple[int, SentRef | None, asyncio.Future[None]]] = []
        self._recorder: asyncio.Task[None] | None = None

    async def sent(self, row: Outbox, ref: MessageRef | None) -> None:
        """Record a send; returns once it is committed (with the others that finished meanwhile)."""
        sent_ref = None
        if ref is not None:
            conversation = ref.conversation
            sent_ref = SentRef(
                conversation.platform, conversation.workspace_id, conversation.opaque, ref.opaque
            )
        done = asyncio.get_running_loop().create_future()
        self._unrecorded.append((row.id or 0, sent_ref, done))
        if self._recorder is None or self._recorder.done():
            self._recorder = asyncio.create_task(self._record_sent())
        await done
        self.state.totals.sent += 1
        self._observe(row, SendResult.SENT)

    async def _record_sent(self) -> None:
        """Write down sends in batches: all that finished while the previous batch was being written.

        A fan-out finishes hundreds of sends a second; one transaction each would make the database, not the
        platform's rate, the limit. Waiting `record_every` adds that and one write to the window in which a
        crash could leave a sent message unrecorded (and so sent again).
        """
        state = self.state
        while self._unrecorded:
            await asyncio.sleep(state.config.record_every)  # let the sends finishing meanwhile join
            batch, self._unrecorded = self._unrecorded, []
            try:
                async with state.writing() as session:
                    await outbox.mark_many_sent(
                        session=session,
                        sender=state.name,
                        now=state.clock(),
                        sent=[(row_id, ref) for row_id, ref, _ in batch],
                    )
            except Exception as error:
                for _, _, done in batch:
                    done.set_exception(error)
            else:
                for _, _, done in batch:
                    done.set_result(None)

    async def retry(self, row: Outbox, reason: str, retry_after: float | None) -> datetime | None:
        """Put the row back for another try later: when; None when it was set aside instead."""
        state, config = self.state, self.state.config
        attempts = row.attempts + 1
        if attempts >= config.max_attempts:
            await self.fail(row, f"gave up after {attempts} attempts: {reason}", count_attempt=True)
            return None
        delay = retry_delay(
            attempts,
            base=config.backoff_base,
            cap=config.backoff_cap,
            retry_after=retry_after,
            rng=self._rng,
        )
        at = state.clock() + timedelta(seconds=delay)
        async with state.writing() as session:
            await outbox.reschedule(
                session=session,
                row_id=row.id or 0,
                sender=state.name,
                at=at,
                error=reason,
                count_attempt=True,
            )
        state.totals.retried += 1
        self._observe(row, SendResult.RETRIED)
        log.info("outbox %s: try %d failed (%s); next in %.1fs", row.key, attempts, reason, delay)
        return at

    async def fail(self, row: Outbox, reason: str, *, count_attempt: bool) -> None:
        async with self.state.writing() as session:
            await outbox.mark_failed(
                session=session,
                row_id=row.id or 0,
                sender=self.state.name,
                error=reason,
                count_attempt=count_attempt,
            )
        self.state.totals.failed += 1
        self._observe(row, SendResult.FAILED)
        log.error("outbox %s failed: %s", row.key, reason)

    def _observe(self, row: Outbox, result: SendResult) -> None:
        platform = self.platform_of.get(row.workspace_id)
        if platform is not None:  # always known: rows are only tried in their workspace's lane
            self.telemetry.message_sent(platform, result)
