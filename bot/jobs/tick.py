"""One tick of the clock: plan what has come due, put it in the outbox, send what is pending."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.delivery.enqueue import enqueue_many
from bot.delivery.planned import PlannedMessage
from bot.delivery.sender import Sender

log = logging.getLogger(__name__)

# Decides what is due at `now` (check-in prompts, reminders, digests, end-of-cycle nudges). Planning the same
# message again is harmless: its key makes it a no-op, so a planner needs no memory of its own.
Planner = Callable[[AsyncSession, datetime], Awaitable[Sequence[PlannedMessage]]]


@dataclass(frozen=True)
class TickSummary:
    planned: int  # messages the planners returned
    new: int  # of which the outbox had not seen the key
    sent: int
    retried: int
    failed: int
    planner_errors: int = 0

    def line(self) -> str:
        text = (
            f"planned {self.planned} ({self.new} new), sent {self.sent}, "
            f"retried {self.retried}, failed {self.failed}"
        )
        return text + (f", {self.planner_errors} planner(s) failed" if self.planner_errors else "")


async def tick(
    now: datetime,
    *,
    sessions: async_sessionmaker[AsyncSession],
    planners: Sequence[Planner],
    sender: Sender,
    send: bool = True,
) -> TickSummary:
    """Run each planner for `now` and enqueue what it planned; then send what is due (`send`), or only wake
    the sender (a running `Sender.run` does the sending).

    Each planner runs in a transaction of its own: one that fails is logged and the others still run.
    """
    planned = new = errors = 0
    for planner in planners:
        try:
            async with sessions() as session, session.begin():
                messages = await planner(session, now)
                added = await enqueue_many(session, messages, now=now)
        except Exception:
            errors += 1
            log.exception("planner %s failed at %s", getattr(planner, "__name__", planner), now.isoformat())
            continue
        planned += len(messages)
        new += len(added)
    if send:
        report = await sender.send_due(now)
    else:
        sender.wake()
        report = None
    return TickSummary(
        planned=planned,
        new=new,
        sent=report.sent if report else 0,
        retried=report.retried if report else 0,
        failed=report.failed if report else 0,
        planner_errors=errors,
    )
