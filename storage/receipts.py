"""First-time checks for platform deliveries that may be retried (Slack retries events it thinks we missed)."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.tables import InboundReceipt


async def first_receipt(*, session: AsyncSession, key: str, now: datetime) -> bool:
    """Record `key`; True the first time it is seen, False for every repeat (even from another instance)."""
    table = InboundReceipt.__table__  # type: ignore[attr-defined]
    values = {"key": key, "received_at": now}
    dialect = session.get_bind().dialect.name
    insert = postgresql.insert(table) if dialect == "postgresql" else sqlite.insert(table)
    result = await session.execute(insert.values(values).on_conflict_do_nothing(index_elements=["key"]))
    return bool(result.rowcount)  # type: ignore[attr-defined]


async def forget_receipts(*, session: AsyncSession, before: datetime) -> None:
    """Drop receipts older than any retry could be (Slack retries within minutes)."""
    table = InboundReceipt.__table__  # type: ignore[attr-defined]
    await session.execute(sa.delete(table).where(table.c.received_at < before))
