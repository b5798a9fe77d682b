"""Deleting rows the bot no longer needs, one bounded batch per call.

Each function deletes at most `limit` rows and says how many it deleted; the caller runs each batch in a
transaction of its own (bot/jobs/housekeeping.py), so that a large backlog never holds a lock for long: on
SQLite a write transaction locks the whole database, and on PostgreSQL a long DELETE holds its row locks and
bloats the table until it commits.
"""

from __future__ import annotations

from datetime import UTC, datetime

import sqlalchemy as sa
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.tables import InboundReceipt, Outbox, OutboxStatus

# slack_sdk's OAuth state store owns this table (storage/migrate.py SDK_TABLES); only the columns used here.
# Its expire_at is a naive UTC DATETIME, as slack_sdk writes it.
_OAUTH_STATES = sa.table(
    "slack_oauth_states", sa.column("id", sa.Integer), sa.column("expire_at", sa.DateTime)
)


async def _delete_batch(
    session: AsyncSession, table: sa.TableClause, key: str, where: sa.ColumnElement[bool], limit: int
) -> int:
    # DELETE has no LIMIT in PostgreSQL (nor in SQLite as usually built): choose the keys in a subquery.
    chosen = sa.select(table.c[key]).where(where).limit(limit).scalar_subquery()
    result = await session.execute(sa.delete(table).where(table.c[key].in_(chosen)))
    return int(result.rowcount)  # type: ignore[attr-defined]


async def prune_receipts(*, session: AsyncSession, before: datetime, limit: int) -> int:
    """Delete up to `limit` inbound receipts received before `before` (through ix_inbound_receipt_received_at)."""
    table = InboundReceipt.__table__  # type: ignore[attr-defined]
    return await _delete_batch(session, table, "key", table.c.received_at < before, limit)


async def prune_outbox(*, session: AsyncSession, status: OutboxStatus, before: datetime, limit: int) -> int:
    """Delete up to `limit` outbox rows in `status` (sent or failed) whose last try was before `before`.

    A settled row's next_attempt_at is the end of its last claim, a little after its last try: the condition
    on it lets ix_outbox_due (status, next_attempt_at) find the rows without reading every sent one. The
    condition on created_at keeps a row that was somehow settled with an old next_attempt_at from going early.
    """
    if status not in (OutboxStatus.SENT, OutboxStatus.FAILED):
        raise ValueError(f"only settled rows are pruned, not {status.value!r} ones")
    table = Outbox.__table__  # type: ignore[attr-defined]
    where = sa.and_(
        table.c.status == status,
        table.c.next_attempt_at < before,
        table.c.created_at < before,
        sa.or_(table.c.sent_at.is_(None), table.c.sent_at < before),
    )
    return await _delete_batch(session, table, "id", where, limit)


async def prune_oauth_states(*, session: AsyncSession, before: datetime, limit: int) -> int:
    """Delete up to `limit` "Add to Slack" states that expired before `before` (slack_sdk deletes the ones
    used; a visit to the install page that never came back leaves its state behind)."""
    naive_utc = before.astimezone(UTC).replace(tzinfo=None)
    return await _delete_batch(session, _OAUTH_STATES, "id", _OAUTH_STATES.c.expire_at < naive_utc, limit)
