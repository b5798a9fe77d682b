"""Alembic's environment: how a migration reaches the database.

storage/migrate.py (`okrbot db upgrade`, the tests, startup checks) opens the connection itself, on its own
event loop, and hands it over in `config.attributes["connection"]`. The alembic command line
(storage/migrations/alembic.ini) passes nothing: then this file opens an engine for DATABASE_URL and runs the
migrations on a loop of its own.

One migration run is one transaction on both databases, so a failed upgrade leaves the schema as it was:
- PostgreSQL: transactional DDL, plus an advisory lock so that bot instances starting together migrate one
  after the other (the second finds the work done).
- SQLite: BEGIN IMMEDIATE (the write lock, waited for up to the busy timeout), with foreign keys off while
  the schema changes, as SQLite's own procedure for altering tables asks: a batch migration copies a table
  and drops the original, and with foreign keys on that drop would cascade-delete the rows pointing at it.
  Foreign keys are checked before commit instead.
"""

from __future__ import annotations

import asyncio
from typing import Any

from alembic import context
from sqlalchemy import text
from sqlalchemy.engine import Connection
from sqlmodel import SQLModel

import storage.tables  # noqa: F401  (defines the tables on SQLModel.metadata)
from storage.engine import create_engine, normalise_database_url
from storage.migrate import SDK_TABLES

config = context.config
target_metadata = SQLModel.metadata

# Any fixed number: the key of the PostgreSQL advisory lock held while migrating.
MIGRATION_LOCK_KEY = 0x6F6B72  # "okr"


def _database_url() -> str:
    url = config.attributes.get("database_url")
    if url is None:
        from bot.config import load_settings

        url = load_settings().database_url
    return str(url)


def _include_object(obj: Any, name: str | None, type_: str, reflected: bool, compare_to: Any) -> bool:
    table = obj if type_ == "table" else getattr(obj, "table", None)
    return getattr(table, "name", name) not in SDK_TABLES


def _configure(**options: Any) -> None:
    context.configure(
        target_metadata=target_metadata,
        # Migrations are written once and run on both databases, so always in the form SQLite can run
        # (batch_alter_table: copy, alter, rename). On PostgreSQL a batch is plain ALTER TABLE statements.
        render_as_batch=True,
        compare_type=True,
        include_object=_include_object,
        **options,
    )


def run_migrations_offline() -> None:
    """`alembic upgrade --sql`: print the SQL instead of running it."""
    _configure(url=normalise_database_url(_database_url()), literal_binds=True)
    with context.begin_transaction():
        context.run_migrations()


def run_migrations(connection: Connection) -> None:
    sqlite = connection.dialect.name == "sqlite"
    if sqlite:
        # Only has an effect outside a transaction, hence before it starts.
        connection.exec_driver_sql("PRAGMA foreign_keys=OFF")
        connection.commit()
    try:
        # SQLite can roll DDL back too; Alembic assumes it cannot unless told.
        _configure(connection=connection, transactional_ddl=True)
        with context.begin_transaction():
            if sqlite:
                connection.exec_driver_sql("BEGIN IMMEDIATE")
            else:
                connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": MIGRATION_LOCK_KEY})
            context.run_migrations()
            if sqlite:
                _check_foreign_keys(connection)
    finally:
        if sqlite:
            connection.exec_driver_sql("PRAGMA foreign_keys=ON")
            connection.commit()


def _check_foreign_keys(connection: Connection) -> None:
    broken = connection.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
    if broken:
        tables = sorted({str(row[0]) for row in broken})
        raise RuntimeError(
            f"The migration left {len(broken)} rows whose foreign keys point nowhere "
            f"(in {', '.join(tables)}); nothing was changed."
        )


async def run_migrations_on_own_engine() -> None:
    engine = create_engine(_database_url())
    try:
        async with engine.connect() as connection:
            await connection.run_sync(run_migrations)
    finally:
        await engine.dispose()


if context.is_offline_mode():
    run_migrations_offline()
elif (connection := config.attributes.get("connection")) is not None:
    run_migrations(connection)
else:
    asyncio.run(run_migrations_on_own_engine())
