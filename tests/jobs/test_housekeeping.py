"""Housekeeping on SQLite and PostgreSQL: what is past its retention goes, a batch at a time; what is still
needed (recent rows, messages not yet settled, live OAuth states) stays; the clock runs it at most hourly."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.domain.enums import Platform
from bot.jobs.housekeeping import FAILED_KEPT, RECEIPTS_KEPT, SENT_KEPT, Housekeeping, Pruned
from bot.jobs.runtime import JobsRuntime
from storage.tables import InboundReceipt, Outbox, OutboxStatus
from tests.jobs.fakes import RecordingPort, add_workspace
from tests.jobs.helpers import dm, put, rows

NOW = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)


async def _receipts(sessions: async_sessionmaker[AsyncSession], **ages: timedelta) -> None:
    async with sessions() as session, session.begin():
        session.add_all(InboundReceipt(key=key, received_at=NOW - age) for key, age in ages.items())


async def _receipt_keys(sessions: async_sessionmaker[AsyncSession]) -> set[str]:
    async with sessions() as session:
        return set((await session.execute(sa.text("SELECT key FROM inbound_receipt"))).scalars())


async def _outbox(
    sessions: async_sessionmaker[AsyncSession], **rows_by_key: tuple[OutboxStatus, timedelta]
) -> None:
    """Outbox rows in a status, last tried `age` ago, as the sender leaves them."""
    workspace, members = await add_workspace(sessions, "T1", ["U1"])
    await put(sessions, *(dm(key, workspace, members["U1"]) for key in rows_by_key), now=NOW)
    table = Outbox.__table__  # type: ignore[attr-defined]
    async with sessions() as session, session.begin():
        for key, (status, age) in rows_by_key.items():
            at = NOW - age
            claimed = status == OutboxStatus.SENDING
            await session.execute(
                table.update()
                .where(table.c.key == key)
                .values(
                    status=status,
                    created_at=at - timedelta(minutes=5),
                    next_attempt_at=at + timedelta(seconds=60),  # the end of its last lease
                    sent_at=at if status == OutboxStatus.SENT else None,
                    claimed_by=None if status == OutboxStatus.PENDING else "sender-a",
                    claimed_until=at + timedelta(seconds=60) if claimed else None,
                )
            )


# slack_sdk's OAuth state table, typed as slack_sdk writes it (expire_at: a naive UTC DATETIME).
OAUTH_STATES = sa.table(
    "slack_oauth_states", sa.column("state", sa.String), sa.column("expire_at", sa.DateTime)
)


async def _oauth_states(sessions: async_sessionmaker[AsyncSession], **expiring: timedelta) -> None:
    """States expiring `expiring` from NOW (negative: expired)."""
    async with sessions() as session, session.begin():
        for state, delta in expiring.items():
            await session.execute(
                OAUTH_STATES.insert().values(state=state, expire_at=(NOW + delta).replace(tzinfo=None))
            )


async def _states(sessions: async_sessionmaker[AsyncSession]) -> set[str]:
    async with sessions() as session:
        return set((await session.execute(sa.text("SELECT state FROM slack_oauth_states"))).scalars())


async def test_what_is_past_its_retention_goes_and_the_rest_stays(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    minute, hour = timedelta(minutes=1), timedelta(hours=1)
    await _receipts(sessions, old=RECEIPTS_KEPT + minute, recent=RECEIPTS_KEPT - minute)
    await _outbox(
        sessions,
        sent_old=(OutboxStatus.SENT, SENT_KEPT + hour),
        sent_recent=(OutboxStatus.SENT, SENT_KEPT - hour),
        failed_old=(OutboxStatus.FAILED, FAILED_KEPT + hour),
        failed_between=(OutboxStatus.FAILED, SENT_KEPT + timedelta(days=10)),  # kept longer than sent ones
        pending_ancient=(OutboxStatus.PENDING, timedelta(days=400)),  # not settled: never pruned
        sending_ancient=(OutboxStatus.SENDING, timedelta(days=400)),
    )
    await _oauth_states(sessions, expired=-minute, live=timedelta(minutes=9))

    pruned = await Housekeeping(sessions).run(NOW)

    assert pruned == Pruned(receipts=1, sent=1, failed=1, oauth_states=1)
    assert await _receipt_keys(sessions) == {"recent"}
    assert set(await rows(sessions)) == {
        "sent_recent",
        "failed_between",
        "pending_ancient",
        "sending_ancient",
    }
    assert await _states(sessions) == {"live"}


async def test_a_large_backlog_goes_in_batches_and_a_run_stops_after_its_share(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    old = RECEIPTS_KEPT + timedelta(hours=1)
    await _receipts(sessions, **{f"r{i:02d}": old for i in range(25)}, fresh=timedelta(0))
    housekeeping = Housekeeping(sessions, batch=4, max_batches=3)

    first = await housekeeping.run(NOW)
    assert first.receipts == 12  # three batches of four, then the rest waits for the next run
    assert len(await _receipt_keys(sessions)) == 25 + 1 - 12

    second = await housekeeping.run(NOW)
    third = await housekeeping.run(NOW)
    assert (second.receipts, third.receipts) == (12, 1)
    assert await _receipt_keys(sessions) == {"fresh"}


async def test_the_clock_prunes_at_most_once_an_hour(sessions: async_sessionmaker[AsyncSession]) -> None:
    housekeeping = Housekeeping(sessions)
    old = RECEIPTS_KEPT + timedelta(hours=2)

    assert await housekeeping.maybe_run(NOW) == Pruned()  # the first tick runs it
    await _receipts(sessions, late=old)
    assert await housekeeping.maybe_run(NOW + timedelta(minutes=59)) is None
    assert await _receipt_keys(sessions) == {"late"}
    assert await housekeeping.maybe_run(NOW + timedelta(minutes=60)) == Pruned(receipts=1)
    assert await _receipt_keys(sessions) == set()


async def test_the_jobs_runtime_keeps_house_on_its_ticks(sessions: async_sessionmaker[AsyncSession]) -> None:
    """The every-minute tick of `okrbot serve` and `okrbot worker` is what calls housekeeping."""
    await _receipts(sessions, stale=RECEIPTS_KEPT + timedelta(hours=1), fresh=timedelta(0))
    jobs = JobsRuntime(sessions, {Platform.SLACK: RecordingPort(clock=lambda: NOW)})

    await jobs._tick(NOW)  # what the scheduler calls at second 0 of every minute

    assert await _receipt_keys(sessions) == {"fresh"}
    assert jobs.housekeeping.last_run == NOW
