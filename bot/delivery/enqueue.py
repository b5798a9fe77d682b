"""Putting planned messages into the outbox, once each, inside the caller's transaction."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Sequence
from datetime import datetime
from typing import Any

from sqlmodel.ext.asyncio.session import AsyncSession

from bot.core import EventHook
from bot.delivery.cardjson import card_to_json
from bot.delivery.planned import PlannedMessage, ToConversation, ToMember, UpdateSent
from bot.domain.clock import Clock, system_clock
from bot.service.events import DomainEvent
from storage import outbox
from storage.tables import OUTBOX_KEY_LEN, OutboxStatus, TargetKind

log = logging.getLogger(__name__)

# Plans messages in answer to what just happened (a key result achieved): celebrations.
# Plans the messages an invocation's events call for, at the bot clock's `now`.
EventPlanner = Callable[[AsyncSession, Sequence[DomainEvent], datetime], Awaitable[Sequence[PlannedMessage]]]


def _row(message: PlannedMessage, now: datetime) -> dict[str, Any]:
    if len(message.key) > OUTBOX_KEY_LEN:
        raise ValueError(f"outbox key longer than {OUTBOX_KEY_LEN} characters: {message.key[:80]}...")
    row: dict[str, Any] = {
        "key": message.key,
        "workspace_id": message.workspace_id,
        "card": card_to_json(message.card),
        "status": OutboxStatus.PENDING,
        "attempts": 0,
        "next_attempt_at": message.not_before or now,
        "created_at": now,
        "member_id": None,
        "conversation_platform": None,
        "conversation_workspace": None,
        "conversation_opaque": None,
        "update_key": None,
    }
    match message.target:
        case ToMember(member_id=member_id):
            row |= {"target_kind": TargetKind.MEMBER, "member_id": member_id}
        case ToConversation(conversation=conversation):
            row |= {
                "target_kind": TargetKind.CONVERSATION,
                "conversation_platform": conversation.platform,
                "conversation_workspace": conversation.workspace_id,
                "conversation_opaque": conversation.opaque,
            }
        case UpdateSent(key=key):
            row |= {"target_kind": TargetKind.UPDATE, "update_key": key}
    return row


async def enqueue_many(
    session: AsyncSession, messages: Sequence[PlannedMessage], *, now: datetime
) -> set[str]:
    """Add the messages whose keys the outbox has never seen; the keys that were new.

    Runs in the caller's transaction: the rows commit (and are sent) only if it does. A key planned twice in one
    call is inserted once.
    """
    unique = {message.key: message for message in reversed(messages)}  # the first planned wins
    # Planners re-plan what they planned a minute ago: skip known keys before serialising their cards. The
    # insert still ignores a key another transaction added since.
    known = await outbox.existing_keys(session=session, keys=list(unique))
    rows = [
        _row(message, now)
        for message in messages
        if unique.get(message.key) is message and message.key not in known
    ]
    return await outbox.insert_if_absent(session=session, rows=rows)


async def enqueue(session: AsyncSession, message: PlannedMessage, *, now: datetime) -> bool:
    """Add one message unless its key is already in the outbox; True when it was new."""
    return bool(await enqueue_many(session, [message], now=now))


def enqueue_planned(planner: EventPlanner, *, clock: Clock = system_clock) -> EventHook:
    """An OkrBot event hook: plan messages for an invocation's events and enqueue them in its transaction.

    Wake the sender from OkrBot's `after_commit`, so that they go out within seconds of the commit.
    """

    async def hook(session: AsyncSession, events: Sequence[DomainEvent]) -> None:
        if not events:
            return
        now = clock()
        messages = await planner(session, events, now)
        new = await enqueue_many(session, messages, now=now)
        if new:
            log.info("enqueued %d message(s) for %d event(s)", len(new), len(events))

    return hook
