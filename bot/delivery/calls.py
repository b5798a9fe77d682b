"""Sending one claimed row: the platform call it stands for (a DM, a post, or an update of a message sent
earlier), made within the row's lease and the send timeout, and its outcome handed to the records."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Mapping
from datetime import datetime, timedelta

from bot.delivery.cardjson import card_from_json
from bot.delivery.lane_run import LaneRun
from bot.delivery.outcomes import Outcomes
from bot.delivery.pacing import Turn
from bot.delivery.sender_state import SenderState
from bot.invocation import ConversationRef
from bot.ports import ChatPort, DeliveryFailed, MessageRef, Recipient
from bot.views.cards import Card
from storage import outbox
from storage.tables import Outbox, OutboxStatus, TargetKind

log = logging.getLogger(__name__)

# The platform call a row stands for; it returns the sent message's reference when the platform gives one.
Send = Callable[[], Awaitable[MessageRef | None]]


class RowSender:
    def __init__(self, state: SenderState, outcomes: Outcomes) -> None:
        self.state = state
        self.outcomes = outcomes

    async def prepared(
        self,
        run: LaneRun,
        row: Outbox,
        users: Mapping[int, str],
        by_key: Mapping[str, asyncio.Task[None]],
    ) -> Send | None:
        """The call that sends the row; None when the row was settled without one (failed, or put back)."""
        lane, port = run.lane, run.port
        try:
            card = card_from_json(row.card)
        except ValueError as error:
            await self.outcomes.fail(row, f"the stored card cannot be read: {error}", count_attempt=False)
            return None
        match row.target_kind:
            case TargetKind.MEMBER:
                user = users.get(row.member_id or 0)
                if user is None:
                    await self.outcomes.fail(
                        row, f"member {row.member_id} no longer exists", count_attempt=False
                    )
                    return None
                recipient = Recipient(workspace_id=lane.external_id, user_id=user)
                return lambda: port.send_dm(recipient, card)
            case TargetKind.CONVERSATION:
                conversation = ConversationRef(
                    row.conversation_platform or lane.platform,
                    row.conversation_workspace or lane.external_id,
                    row.conversation_opaque or "",
                )
                return lambda: port.post(conversation, card)
            case TargetKind.UPDATE:
                original = await self._original(row, by_key)
                if original is None:
                    return None
                return lambda: _update(port, original, card)

    async def send_row(
        self, run: LaneRun, row: Outbox, send: Send, turn: Turn, lease_end: datetime, untried: list[int]
    ) -> None:
        """Make the call the row's turn and in-flight place were taken for, and record how it went."""
        assert row.id is not None
        state = self.state
        try:
            # Only the platform call holds the in-flight place: recording its outcome waits for the database,
            # and must not hold back the next send.
            try:
                if state.stopping or (lease_end - state.clock()).total_seconds() <= state.config.send_timeout:
                    turn.unused()
                    untried.append(row.id)  # stopping; or it might be sent after another sender took it over
                    return
                outcome = await self._call(row, send, turn)
            finally:
                turn.answered(state.clock())
                run.in_flight.release()
            if not isinstance(outcome, DeliveryFailed):
                await self.outcomes.sent(row, outcome)
            elif outcome.retryable:
                due = await self.outcomes.retry(row, outcome.reason, outcome.retry_after)
                if due is not None:
                    run.retry_at(due)
            else:
                await self.outcomes.fail(row, outcome.reason, count_attempt=True)
        except Exception:
            # The database failed while recording the outcome: the lease brings the row back.
            log.exception("outbox %s: could not record how sending went", row.key)

    async def _call(self, row: Outbox, send: Send, turn: Turn) -> MessageRef | DeliveryFailed | None:
        """The platform's answer, or the failure that stands for it."""
        timeout = self.state.config.send_timeout
        try:
            async with asyncio.timeout(timeout):
                return await send()
        except DeliveryFailed as refused:
            if refused.turned_away:
                turn.refused(self.state.clock())
            return refused
        except TimeoutError:
            return DeliveryFailed(f"no answer within {timeout:g}s", retryable=True)
        except Exception as error:  # an adapter's bug or an unexpected network error: retry, bounded
            log.warning("outbox %s: the port raised %r", row.key, error)
            return DeliveryFailed(f"{type(error).__name__}: {error}", retryable=True)

    async def _original(self, row: Outbox, by_key: Mapping[str, asyncio.Task[None]]) -> Outbox | None:
        """The sent message an update changes; None when the update must wait or cannot happen."""
        state = self.state
        key = row.update_key or ""
        pending = by_key.get(key)
        if pending is not None and pending is not asyncio.current_task():
            await pending  # the original is in this very batch: let it go first
        async with state.sessions() as session:
            original = await outbox.find_by_key(session=session, key=key)
        if original is None:
            await self.outcomes.fail(
                row, f"no message was planned under {key!r} to update", count_attempt=False
            )
            return None
        if original.status == OutboxStatus.FAILED:
            await self.outcomes.fail(row, f"the message it updates ({key}) failed", count_attempt=False)
            return None
        if original.status != OutboxStatus.SENT:
            wait = state.clock() + timedelta(seconds=state.config.update_wait)
            if original.status == OutboxStatus.PENDING:
                wait = max(wait, original.next_attempt_at)
            async with state.writing() as session:
                await outbox.reschedule(
                    session=session,
                    row_id=row.id or 0,
                    sender=state.name,
                    at=wait,
                    error=None,
                    count_attempt=False,
                )
            state.totals.deferred += 1
            return None
        return original


async def _update(port: ChatPort, original: Outbox, card: Card) -> None:
    if original.sent_message is None or original.sent_platform is None:
        raise DeliveryFailed(f"{original.key} was sent without a message reference", retryable=False)
    conversation = ConversationRef(
        original.sent_platform, original.sent_workspace or "", original.sent_conversation or ""
    )
    await port.update(MessageRef(conversation, original.sent_message), card)
