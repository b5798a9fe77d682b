"""The engine: URLs people write, SQLite's connection settings, PostgreSQL's pool, and rows that come back right."""

from __future__ import annotations

import asyncio
import sqlite3
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import asyncpg
import pytest
from sqlalchemy.engine import make_url
from sqlalchemy.exc import IntegrityError, StatementError
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.domain.enums import Confidence, Level, ObjectiveState, Platform
from storage.engine import (
    SQLITE_BUSY_TIMEOUT_MS,
    _use_wal,
    create_engine,
    normalise_database_url,
    session_factory,
)
from storage.tables import Member, Objective, Workspace

# ------------------------------------------------------------------------------------------------ URLs


@pytest.mark.parametrize(
    ("written", "normalised"),
    [
        ("postgres://u:p@db.example.com/okr", "postgresql+asyncpg://u:p@db.example.com/okr"),
        ("postgresql://u:p@db.example.com:5433/okr", "postgresql+asyncpg://u:p@db.example.com:5433/okr"),
        ("postgresql+psycopg2://u@db/okr", "postgresql+asyncpg://u@db/okr"),
        ("postgresql+psycopg://u@db/okr", "postgresql+asyncpg://u@db/okr"),
        ("postgresql+asyncpg://u@db/okr", "postgresql+asyncpg://u@db/okr"),
        ("postgresql://u:p%40ss%2Fw@db/okr", "postgresql+asyncpg://u:p%40ss%2Fw@db/okr"),
        (
            "postgresql://u@db/okr?application_name=okrbot",
            "postgresql+asyncpg://u@db/okr?application_name=okrbot",
        ),
        # libpq's sslmode is asyncpg's ssl (asyncpg refuses sslmode=).
        ("postgres://u@db/okr?sslmode=require", "postgresql+asyncpg://u@db/okr?ssl=require"),
        ("sqlite:///path/okr.db", "sqlite+aiosqlite:///path/okr.db"),
        ("sqlite:////var/lib/okrbot/okr.db", "sqlite+aiosqlite:////var/lib/okrbot/okr.db"),
        ("sqlite:///:memory:", "sqlite+aiosqlite:///:memory:"),
        ("sqlite://", "sqlite+aiosqlite://"),
        ("sqlite+pysqlite:///okr.db", "sqlite+aiosqlite:///okr.db"),
        ("sqlite+aiosqlite:///okr.db", "sqlite+aiosqlite:///okr.db"),
        ("sqlite:///okr.db?timeout=10", "sqlite+aiosqlite:///okr.db?timeout=10"),
        ("okr.db", "sqlite+aiosqlite:///okr.db"),
        ("data/okr.db", "sqlite+aiosqlite:///data/okr.db"),
        ("/var/lib/okrbot/okr.db", "sqlite+aiosqlite:////var/lib/okrbot/okr.db"),
        (":memory:", "sqlite+aiosqlite:///:memory:"),
        ("  okr.db\n", "sqlite+aiosqlite:///okr.db"),
    ],
)
def test_database_urls_are_normalised_to_async_drivers(written: str, normalised: str) -> None:
    assert normalise_database_url(written) == normalised


@pytest.mark.parametrize("path", ["okr.db", "my OKRs/okr.db", "/tmp/what?#%.db", "C:\\okrbot\\okr.db"])
def test_bare_paths_reach_the_driver_unchanged(path: str) -> None:
    assert make_url(normalise_database_url(path)).database == path


@pytest.mark.parametrize(
    ("written", "message"),
    [
        ("mysql://u@db/okr", 'Unsupported database "mysql://"'),
        ("mssql+pyodbc://u@db/okr", 'Unsupported database "mssql+pyodbc://"'),
        ("", "The database URL is empty"),
        ("   ", "The database URL is empty"),
        ("not a url://x", 'Cannot read the database URL "not a url://..."'),
    ],
)
def test_unsupported_database_urls_are_refused_with_the_supported_ones_named(
    written: str, message: str
) -> None:
    with pytest.raises(ValueError, match="okrbot works with SQLite") as refused:
        normalise_database_url(written)
    assert str(refused.value).startswith(message)


# ------------------------------------------------------------------------------------------ connections


async def test_every_sqlite_connection_gets_the_pragmas(sqlite_url: str) -> None:
    engine = create_engine(sqlite_url)
    try:
        # Two connections at once: the pool opens two, and both must be set up.
        async with engine.connect() as first, engine.connect() as second:
            for connection in (first, second):
                pragmas = {
                    name: (await connection.exec_driver_sql(f"PRAGMA {name}")).scalar_one()
                    for name in ("foreign_keys", "journal_mode", "synchronous", "busy_timeout")
                }
                assert pragmas == {
                    "foreign_keys": 1,
                    "journal_mode": "wal",
                    "synchronous": 1,  # NORMAL
                    "busy_timeout": SQLITE_BUSY_TIMEOUT_MS,
                }
    finally:
        await engine.dispose()


async def test_postgres_engine_replaces_a_connection_the_server_closed(postgres_url: str) -> None:
    engine = create_engine(postgres_url)
    try:
        async with engine.connect() as connection:
            pid = (await connection.exec_driver_sql("SELECT pg_backend_pid()")).scalar_one()
        # The connection is back in the pool; now the server drops it (a restart, an idle timeout).
        admin = await asyncpg.connect(postgres_url)
        try:
            assert await admin.fetchval("SELECT pg_terminate_backend($1)", pid)
        finally:
            await admin.close()
        async with engine.connect() as connection:
            assert (await connection.exec_driver_sql("SELECT pg_backend_pid()")).scalar_one() != pid
    finally:
        await engine.dispose()


# ---------------------------------------------------------------------------------------------- rows

BERLIN = ZoneInfo("Europe/Berlin")


def _workspace() -> Workspace:
    return Workspace(platform=Platform.SLACK, external_id="T0001", name="Acme")


async def _add_workspace_member_objective(session: AsyncSession) -> tuple[Workspace, Member, Objective]:
    workspace = _workspace()
    session.add(workspace)
    await session.flush()
    assert workspace.id is not None
    member = Member(
        workspace_id=workspace.id,
        platform_user_id="U0001",
        display_name="Ada",
        name_key="ada",
        tz="Europe/Berlin",
    )
    session.add(member)
    await session.flush()
    assert member.id is not None
    objective = Objective(
        workspace_id=workspace.id,
        number=1,
        cycle="2026-Q4",
        title="Make check-ins painless",
        level=Level.TEAM,
        level_rank=Level.TEAM.rank,
        owner_id=member.id,
        confidence=Confidence.AT_RISK,
        # An aware time in another zone: stored as the same instant, read back in UTC.
        created_at=datetime(2026, 11, 24, 9, 30, 15, 123456, tzinfo=BERLIN),
    )
    session.add(objective)
    await session.commit()
    return workspace, member, objective


async def test_rows_round_trip_with_aware_utc_datetimes_and_enum_members(
    engine: AsyncEngine, session: AsyncSession
) -> None:
    workspace, member, objective = await _add_workspace_member_objective(session)
    # expire_on_commit=False: what was committed stays readable without another query.
    assert (workspace.name, member.display_name, objective.title) == (
        "Acme",
        "Ada",
        "Make check-ins painless",
    )

    async with session_factory(engine)() as fresh:
        row = (await fresh.exec(select(Objective).where(Objective.id == objective.id))).one()
        owner = (await fresh.exec(select(Member).where(Member.id == row.owner_id))).one()
        space = (await fresh.exec(select(Workspace).where(Workspace.id == owner.workspace_id))).one()

    assert row.created_at == datetime(2026, 11, 24, 8, 30, 15, 123456, tzinfo=UTC)
    assert row.created_at.tzinfo is not None
    assert row.created_at.utcoffset() == timedelta(0)
    # Defaults made by utcnow() come back aware too.
    assert row.updated_at.utcoffset() == timedelta(0)
    assert abs(datetime.now(UTC) - space.created_at) < timedelta(minutes=5)

    assert type(row.level) is Level and row.level is Level.TEAM
    assert type(row.state) is ObjectiveState and row.state is ObjectiveState.ACTIVE
    assert type(row.confidence) is Confidence and row.confidence is Confidence.AT_RISK
    assert type(space.platform) is Platform and space.platform is Platform.SLACK
    assert (owner.tz, owner.is_admin) == ("Europe/Berlin", False)


async def test_enums_are_stored_as_their_values_and_datetimes_in_utc(session: AsyncSession) -> None:
    await _add_workspace_member_objective(session)
    connection = await session.connection()
    result = await connection.exec_driver_sql("SELECT level, confidence, state, created_at FROM objective")
    level, confidence, state, created_at = tuple(result.one())
    assert (level, confidence, state) == ("team", "at-risk", "active")
    # SQLite keeps naive UTC text (so it sorts), PostgreSQL a TIMESTAMPTZ: both the same UTC instant.
    if isinstance(created_at, str):
        created_at = datetime.fromisoformat(created_at).replace(tzinfo=UTC)
    assert created_at == datetime(2026, 11, 24, 8, 30, 15, 123456, tzinfo=UTC)


async def test_a_naive_datetime_is_refused(session: AsyncSession) -> None:
    workspace = _workspace()
    workspace.created_at = datetime(2026, 11, 24, 9, 30)  # naive: the point of the test
    session.add(workspace)
    with pytest.raises(StatementError, match="naive datetime"):
        await session.commit()


async def test_foreign_keys_are_enforced(session: AsyncSession) -> None:
    session.add(Member(workspace_id=12345, platform_user_id="U1", display_name="Nobody", name_key="nobody"))
    with pytest.raises(IntegrityError):
        await session.commit()


async def test_deleting_a_workspace_deletes_what_belongs_to_it(
    engine: AsyncEngine, session: AsyncSession
) -> None:
    workspace, _, _ = await _add_workspace_member_objective(session)
    await session.delete(workspace)
    await session.commit()
    async with engine.connect() as connection:
        for table in ("workspace", "member", "objective"):
            assert (await connection.exec_driver_sql(f"SELECT count(*) FROM {table}")).scalar_one() == 0


async def test_concurrent_sessions_write_without_locking_each_other_out(engine: AsyncEngine) -> None:
    sessions = session_factory(engine)

    async def add(index: int) -> None:
        async with sessions() as session:
            session.add(Workspace(platform=Platform.CONSOLE, external_id=f"local-{index}"))
            await session.commit()

    await asyncio.gather(*(add(index) for index in range(20)))
    async with sessions() as session:
        assert len((await session.exec(select(Workspace))).all()) == 20


class _SwitchingElsewhere:
    """A cursor on a new file whose journal another connection is switching to WAL: locked once, then done."""

    def __init__(self, error: str = "database is locked") -> None:
        self.error = error
        self.mode = "delete"
        self.executed: list[str] = []

    def execute(self, sql: str) -> None:
        self.executed.append(sql)
        if sql == "PRAGMA journal_mode=WAL":
            self.mode = "wal"  # the other connection's switch completes meanwhile
            raise sqlite3.OperationalError(self.error)

    def fetchone(self) -> tuple[str]:
        return (self.mode,)


def test_a_journal_switch_that_meets_another_in_progress_waits_for_it() -> None:
    cursor = _SwitchingElsewhere()
    _use_wal(cursor)  # no "database is locked" escapes
    assert cursor.executed == ["PRAGMA journal_mode", "PRAGMA journal_mode=WAL", "PRAGMA journal_mode"]


def test_any_other_error_of_the_journal_switch_is_raised() -> None:
    with pytest.raises(sqlite3.OperationalError, match="disk I/O error"):
        _use_wal(_SwitchingElsewhere("disk I/O error"))
