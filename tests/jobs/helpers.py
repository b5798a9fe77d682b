"""Small helpers shared by the outbox tests."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.delivery.enqueue import enqueue_many
from bot.delivery.planned import PlannedMessage, Target, ToMember
from bot.views.cards import Card
from storage.tables import Outbox


def dm(
    key: str, workspace_id: int, member_id: int, *, title: str | None = None, **more: object
) -> PlannedMessage:
    return PlannedMessage(key, workspace_id, ToMember(member_id), Card(title or key), **more)  # type: ignore[arg-type]


def message(
    key: str, workspace_id: int, target: Target, *, not_before: datetime | None = None
) -> PlannedMessage:
    return PlannedMessage(key, workspace_id, target, Card(key), not_before=not_before)


async def put(
    sessions: async_sessionmaker[AsyncSession], *messages: PlannedMessage, now: datetime
) -> set[str]:
    async with sessions() as session, session.begin():
        return await enqueue_many(session, list(messages), now=now)


async def rows(sessions: async_sessionmaker[AsyncSession]) -> dict[str, Outbox]:
    async with sessions() as session:
        return {row.key: row for row in await session.exec(select(Outbox).order_by(Outbox.id))}  # type: ignore[arg-type]


def most_in_a_window(times: Sequence[datetime], seconds: float) -> int:
    """The most sends in any stretch (t - seconds, t], as a platform's sliding window counts them."""
    ordered, most, first = sorted(times), 0, 0
    for last, at in enumerate(ordered):
        while (at - ordered[first]).total_seconds() >= seconds:
            first += 1
        most = max(most, last - first + 1)
    return most
