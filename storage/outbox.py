"""The outbox's SQL: insert once by key, claim due rows under a lease, record how each try went.

Every function takes the caller's session and leaves the transaction to it. Claims are safe with several
senders in several processes: on PostgreSQL the rows to claim are locked with FOR UPDATE SKIP LOCKED, so two
senders never take the same row and neither waits for the other; SQLite has one writer at a time, so the
conditional UPDATE that claims is already atomic.

A row is due when it is pending and its next_attempt_at has come, or when it is being sent but its sender's
lease ran out (a crashed or stuck sender): while sending, next_attempt_at is the lease's end, so one condition
and one index serve both.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.domain.enums import Platform
from storage.tables import Member, Outbox, OutboxStatus, Workspace

ERROR_LEN = 2000
ANALYZE_AFTER = 5000  # rows inserted at once after which PostgreSQL's statistics of the outbox are refreshed
KEY_LOOKUP_CHUNK = 1000  # keys per IN (...): well inside both databases' limits on bound parameters

_DUE_STATUSES = (OutboxStatus.PENDING, OutboxStatus.SENDING)


def _due(now: datetime, leases_end_by: datetime) -> sa.ColumnElement[bool]:
    """Pending rows due by `now`, and claims whose lease ran out by `leases_end_by` (the real time: a tick run
    for a future `now` must not take rows a live sender still holds)."""
    status, at = col(Outbox.status), col(Outbox.next_attempt_at)
    return sa.or_(
        sa.and_(status == OutboxStatus.PENDING, at <= now),
        sa.and_(status == OutboxStatus.SENDING, at <= leases_end_by),
    )


async def insert_if_absent(*, session: AsyncSession, rows: Sequence[Mapping[str, Any]]) -> set[str]:
    """Insert the rows whose key is new (INSERT ... ON CONFLICT DO NOTHING); the keys that were new."""
    if not rows:
        return set()
    dialect = (await session.connection()).dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    table = Outbox.__table__  # type: ignore[attr-defined]
    # One statement executed with many parameter sets: SQLAlchemy's "insertmanyvalues" sends it as batched
    # multi-row INSERTs, compiled once (compiling a 500-row VALUES per batch costs more than running it).
    statement = insert(table).on_conflict_do_nothing(index_elements=["key"]).returning(table.c.key)
    result = await session.execute(statement, list(rows))
    new = set(result.scalars())
    if dialect == "postgresql" and len(new) >= ANALYZE_AFTER:
        # Until autovacuum gets to it, the planner still thinks the table is as small as before, and the next
        # tick's `key IN (...)` look-ups become sequential scans, each reading the whole table; fresh
        # statistics cost far less than one such tick (bench_fanout shows both).
        await session.execute(sa.text("ANALYZE outbox"))
    return new


async def existing_keys(*, session: AsyncSession, keys: Sequence[str]) -> set[str]:
    """Which of `keys` the outbox already has."""
    found: set[str] = set()
    for start in range(0, len(keys), KEY_LOOKUP_CHUNK):
        chunk = keys[start : start + KEY_LOOKUP_CHUNK]
        found.update(await session.exec(select(Outbox.key).where(col(Outbox.key).in_(chunk))))
    return found


@dataclass(frozen=True)
class Lane:
    """The unit of pacing and of parallel sending: one workspace (which lives on one platform)."""

    workspace_id: int
    platform: Platform
    external_id: str


async def due_lanes(
    *, session: AsyncSession, now: datetime, leases_end_by: datetime, platforms: Collection[Platform]
) -> list[Lane]:
    """The workspaces on `platforms` that have rows due at `now`."""
    due = select(col(Outbox.workspace_id)).where(_due(now, leases_end_by)).distinct()
    query = select(Workspace.id, Workspace.platform, Workspace.external_id).where(
        col(Workspace.id).in_(due), col(Workspace.platform).in_(list(platforms))
    )
    return [
        Lane(id_ or 0, Platform(platform), external_id)
        for id_, platform, external_id in await session.exec(query)
    ]


async def next_due_at(*, session: AsyncSession, platforms: Collection[Platform]) -> datetime | None:
    """When the earliest row of a workspace on `platforms` comes due (pending retries, expiring leases)."""
    on_platforms = select(col(Workspace.id)).where(col(Workspace.platform).in_(list(platforms)))
    query = select(sa.func.min(Outbox.next_attempt_at)).where(
        col(Outbox.status).in_(_DUE_STATUSES), col(Outbox.workspace_id).in_(on_platforms)
    )
    return (await session.exec(query)).one()


async def claim(
    *,
    session: AsyncSession,
    workspace_id: int,
    now: datetime,
    leases_end_by: datetime,
    until: datetime,
    sender: str,
    limit: int,
    after_id: int = 0,
) -> list[Outbox]:
    """Take up to `limit` due rows of a workspace (oldest first, ids above `after_id`) for `sender` until `until`.

    None while another sender holds live claims in the workspace: one sender at a time paces a workspace, so
    that several senders (one per `okrbot serve` instance) do not each send at the platform's whole rate. A
    sender that dies holds the lane only until its leases run out.
    """
    if (await session.connection()).dialect.name == "postgresql":
        # Claims of one workspace queue here, so that the check below sees the claims of the one before (READ
        # COMMITTED gives each statement a fresh snapshot). SQLite runs one writer at a time already.
        await session.execute(
            sa.select(col(Workspace.id)).where(col(Workspace.id) == workspace_id).with_for_update()
        )
    held_elsewhere = (
        select(col(Outbox.id))
        .where(
            col(Outbox.workspace_id) == workspace_id,
            col(Outbox.status) == OutboxStatus.SENDING,
            col(Outbox.claimed_by) != sender,
            col(Outbox.claimed_until) > leases_end_by,
        )
        .exists()
    )
    # A CTE, not `id IN (subquery)`: PostgreSQL may run an IN subquery more than once per UPDATE, locking and
    # claiming more than `limit` rows; a CTE with FOR UPDATE runs exactly once.
    chosen = (
        select(col(Outbox.id).label("id"))
        .where(col(Outbox.workspace_id) == workspace_id, col(Outbox.id) > after_id, _due(now, leases_end_by))
        .order_by(col(Outbox.id))
        .limit(limit)
        .with_for_update(skip_locked=True)  # rendered on PostgreSQL only
        .cte("chosen")
    )
    statement = (
        sa.update(Outbox)
        # The due condition again: on SQLite it is what makes the claim atomic.
        .where(col(Outbox.id) == chosen.c.id, _due(now, leases_end_by), ~held_elsewhere)
        .values(status=OutboxStatus.SENDING, claimed_by=sender, claimed_until=until, next_attempt_at=until)
        .returning(Outbox)
        .execution_options(synchronize_session=False)
    )
    rows = list((await session.execute(statement)).scalars())
    rows.sort(key=lambda row: row.id or 0)
    return rows


async def member_user_ids(*, session: AsyncSession, member_ids: Sequence[int]) -> dict[int, str]:
    """The platform's user id of each member."""
    if not member_ids:
        return {}
    query = select(Member.id, Member.platform_user_id).where(col(Member.id).in_(set(member_ids)))
    return {id_ or 0: user for id_, user in await session.exec(query)}


async def find_by_key(*, session: AsyncSession, key: str) -> Outbox | None:
    return (await session.exec(select(Outbox).where(Outbox.key == key))).first()


def _mine(row_id: int, sender: str) -> sa.ColumnElement[bool]:
    # Only the sender holding the claim may settle a row; after its lease ran out another may hold it.
    return sa.and_(
        col(Outbox.id) == row_id, col(Outbox.claimed_by) == sender, col(Outbox.status) == OutboxStatus.SENDING
    )


async def _settle(session: AsyncSession, row_id: int, sender: str, **values: Any) -> bool:
    statement = sa.update(Outbox).where(_mine(row_id, sender)).values(**values)
    result = await session.execute(statement.execution_options(synchronize_session=False))
    return bool(result.rowcount)  # type: ignore[attr-defined]


@dataclass(frozen=True)
class SentRef:
    platform: Platform
    workspace: str
    conversation: str
    message: str


async def mark_sent(
    *, session: AsyncSession, row_id: int, sender: str, ref: SentRef | None, now: datetime
) -> bool:
    """Record that the platform took the message; False when the claim was no longer this sender's."""
    return await _settle(
        session,
        row_id,
        sender,
        status=OutboxStatus.SENT,
        attempts=Outbox.attempts + 1,
        claimed_until=None,
        sent_at=now,
        last_error=None,
        **(
            {}
            if ref is None
            else {
                "sent_platform": ref.platform,
                "sent_workspace": ref.workspace,
                "sent_conversation": ref.conversation,
                "sent_message": ref.message,
            }
        ),
    )


async def mark_many_sent(
    *, session: AsyncSession, sender: str, now: datetime, sent: Sequence[tuple[int, SentRef | None]]
) -> None:
    """`mark_sent` for many rows at once (a fan-out records hundreds a second).

    Rows whose claim passed to another sender are left alone, as in `mark_sent`, but not reported.
    """
    if not sent:
        return
    table = Outbox.__table__  # type: ignore[attr-defined]
    settled = dict(
        status=OutboxStatus.SENT,
        attempts=table.c.attempts + 1,
        claimed_until=None,
        sent_at=now,
        last_error=None,
    )
    mine = sa.and_(table.c.claimed_by == sender, table.c.status == OutboxStatus.SENDING)
    if (await session.connection()).dialect.name == "postgresql":
        # One UPDATE joined to the sent rows, not one per row: a statement per row is a lookup per row, and the
        # planner, whose statistics still say that hardly any row is being sent (they were taken when the
        # fan-out's rows were inserted), looks each one up through the status index, reading every row being
        # sent, so the cost grows with the square of the batch (bench_fanout measures it).
        columns = ("row_id", "ref_platform", "ref_workspace", "ref_conversation", "ref_message")
        arrays = list(zip(*((row_id, *_ref_values(ref)) for row_id, ref in sent), strict=True))
        element_types: tuple[Any, ...] = (sa.Integer, sa.String, sa.String, sa.Text, sa.String)
        # Arrays, not a VALUES list: the statement's text stays the same whatever the count, so it is compiled
        # and prepared once.
        refs = (
            sa.func.unnest(
                *(
                    sa.bindparam(name, list(values), type_=postgresql.ARRAY(element))
                    for name, values, element in zip(columns, arrays, element_types, strict=True)
                )
            )
            .table_valued(*columns)
            .render_derived(name="refs")
        )
        await session.execute(
            table.update()
            .where(table.c.id == refs.c.row_id, mine)
            .values(
                **settled,
                sent_platform=refs.c.ref_platform,
                sent_workspace=refs.c.ref_workspace,
                sent_conversation=refs.c.ref_conversation,
                sent_message=refs.c.ref_message,
            )
        )
        return
    # SQLite runs in the process: one statement executed many times costs no round trips.
    statement = (
        table.update()
        .where(table.c.id == sa.bindparam("row_id"), mine)
        .values(
            **settled,
            sent_platform=sa.bindparam("ref_platform"),
            sent_workspace=sa.bindparam("ref_workspace"),
            sent_conversation=sa.bindparam("ref_conversation"),
            sent_message=sa.bindparam("ref_message"),
        )
    )
    names = ("ref_platform", "ref_workspace", "ref_conversation", "ref_message")
    await session.execute(
        statement,
        [{"row_id": row_id, **dict(zip(names, _ref_values(ref), strict=True))} for row_id, ref in sent],
    )


def _ref_values(ref: SentRef | None) -> tuple[str | None, str | None, str | None, str | None]:
    if ref is None:
        return None, None, None, None
    return ref.platform.value, ref.workspace, ref.conversation, ref.message


async def reschedule(
    *, session: AsyncSession, row_id: int, sender: str, at: datetime, error: str | None, count_attempt: bool
) -> bool:
    """Put a claimed row back to pending until `at` (a retry, or waiting for the message it updates)."""
    return await _settle(
        session,
        row_id,
        sender,
        status=OutboxStatus.PENDING,
        attempts=Outbox.attempts + (1 if count_attempt else 0),
        next_attempt_at=at,
        claimed_by=None,
        claimed_until=None,
        last_error=None if error is None else error[:ERROR_LEN],
    )


async def mark_failed(
    *, session: AsyncSession, row_id: int, sender: str, error: str, count_attempt: bool
) -> bool:
    """Set a claimed row aside for good."""
    return await _settle(
        session,
        row_id,
        sender,
        status=OutboxStatus.FAILED,
        attempts=Outbox.attempts + (1 if count_attempt else 0),
        claimed_until=None,
        last_error=error[:ERROR_LEN],
    )


async def release(
    *, session: AsyncSession, sender: str, now: datetime, row_ids: Sequence[int] | None = None
) -> int:
    """Hand back a sender's claims (all, or `row_ids`) untried, due at once; how many."""
    conditions = [col(Outbox.claimed_by) == sender, col(Outbox.status) == OutboxStatus.SENDING]
    if row_ids is not None:
        if not row_ids:
            return 0
        conditions.append(col(Outbox.id).in_(row_ids))
    statement = (
        sa.update(Outbox)
        .where(*conditions)
        .values(status=OutboxStatus.PENDING, next_attempt_at=now, claimed_by=None, claimed_until=None)
        .execution_options(synchronize_session=False)
    )
    result = await session.execute(statement)
    return int(result.rowcount)  # type: ignore[attr-defined]


@dataclass(frozen=True)
class Backlog:
    """Messages of one platform in one status waiting to go out, for monitoring."""

    platform: Platform
    status: OutboxStatus
    messages: int
    oldest_due: datetime | None  # the earliest due time that has come (None: none of them is due yet)


async def backlog(*, session: AsyncSession, now: datetime) -> list[Backlog]:
    """The outbox's queue (pending rows, and rows claimed by a sender) by platform and status, with the oldest
    due time among them: one grouped query, cheap enough for every metrics scrape.

    Sent and failed rows stay in the table for good and are left out: they are not waiting. A sending row is due
    once its lease ran out (a stuck or dead sender), as in `_due`.
    """
    status, at = col(Outbox.status), col(Outbox.next_attempt_at)
    # Grouped by workspace first: everything it reads from the outbox is in ix_outbox_claim (workspace_id,
    # status, next_attempt_at), so the rows themselves are not read; then the few groups meet their workspace.
    per_workspace = (
        select(
            col(Outbox.workspace_id).label("workspace_id"),
            status.label("status"),
            sa.func.count().label("messages"),
            sa.func.min(sa.case((at <= now, at))).label("oldest_due"),
        )
        .where(status.in_(_DUE_STATUSES))
        .group_by(col(Outbox.workspace_id), status)
        .subquery()
    )
    query = (
        select(
            col(Workspace.platform),
            per_workspace.c.status,
            sa.func.sum(per_workspace.c.messages),
            sa.func.min(per_workspace.c.oldest_due),
        )
        .join(per_workspace, per_workspace.c.workspace_id == col(Workspace.id))
        .group_by(col(Workspace.platform), per_workspace.c.status)
    )
    return [
        Backlog(Platform(platform), OutboxStatus(status_), int(messages), oldest)
        for platform, status_, messages, oldest in await session.exec(query)
    ]
