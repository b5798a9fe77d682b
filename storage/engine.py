"""The async engine and its sessions: any database URL people write in, the right driver and settings out.

SQLite (a laptop, the console adapter, tests) runs on aiosqlite; PostgreSQL (production, several bot
instances) runs on asyncpg. Nothing else is supported.

SQLite transactions keep the driver's default: BEGIN is sent just before the first write, so a session that
only reads holds no lock, and writers queue behind each other for up to the busy timeout. Do not rely on
SAVEPOINT (`begin_nested`) on SQLite; prefer INSERT ... ON CONFLICT for idempotent inserts.
"""

from __future__ import annotations

import time
from typing import Any
from urllib.parse import quote, urlencode

from sqlalchemy import event
from sqlalchemy.engine import URL, make_url
from sqlalchemy.engine.interfaces import DBAPIConnection
from sqlalchemy.exc import ArgumentError
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker, create_async_engine
from sqlalchemy.pool import ConnectionPoolEntry
from sqlmodel.ext.asyncio.session import AsyncSession

POSTGRES_DRIVER = "postgresql+asyncpg"
SQLITE_DRIVER = "sqlite+aiosqlite"
SQLITE_BUSY_TIMEOUT_MS = 5000

# What stays as is when a bare path is put into a URL (make_url unquotes the rest back).
_PATH_SAFE = "/:\\ +~"
_SUPPORTED = (
    "okrbot works with SQLite (sqlite:///path/okrbot.db) and PostgreSQL (postgresql://user:pw@host/db)"
)

# URL parameters SQLAlchemy may hand asyncpg.connect() as keywords, as strings. The other libpq parameters hosts
# put in their URLs (application_name, sslrootcert for sslmode=verify-full, ...) asyncpg reads only from a DSN:
# as keywords they would fail every connection with a TypeError. create_engine passes those in a DSN.
_ASYNCPG_KEYWORDS = frozenset(
    {"ssl", "target_session_attrs", "krbsrvname", "gsslib", "passfile", "prepared_statement_cache_size"}
)

# Set on every new SQLite connection; busy_timeout first, so that switching to WAL waits for a lock too.
_SQLITE_PRAGMAS = (
    f"busy_timeout={SQLITE_BUSY_TIMEOUT_MS}",
    "foreign_keys=ON",
    "synchronous=NORMAL",
)


class DatabaseUrlError(ValueError):
    """DATABASE_URL names no database okrbot can use; the message says why, without the password."""


def normalise_database_url(url: str) -> str:
    """The async-driver form of a database URL.

    `postgres://`, `postgresql://` and `postgresql+<any driver>://` become `postgresql+asyncpg://`
    (libpq's `sslmode=` becomes asyncpg's `ssl=`); `sqlite://...` and bare file paths become
    `sqlite+aiosqlite:///...`. Other query parameters are kept. Raises ValueError for anything else.
    """
    text = url.strip()
    if not text:
        raise DatabaseUrlError(f"The database URL is empty: {_SUPPORTED}.")
    if "://" not in text:
        # A bare path such as `okr.db` or `/var/lib/okrbot/okr.db`: an SQLite file.
        return f"{SQLITE_DRIVER}:///{quote(text, safe=_PATH_SAFE)}"
    try:
        parsed = make_url(text)
    except ArgumentError:
        scheme = text.split("://", 1)[0]
        raise DatabaseUrlError(f'Cannot read the database URL "{scheme}://...": {_SUPPORTED}.') from None

    backend = parsed.get_backend_name()
    if backend in ("postgres", "postgresql"):
        query = dict(parsed.query)
        if "sslmode" in query:
            query.setdefault("ssl", query["sslmode"])
            del query["sslmode"]
        parsed = parsed.set(drivername=POSTGRES_DRIVER, query=query)
    elif backend == "sqlite":
        # Only the scheme changes: the path and its parameters stay as written (and as readable).
        return f"{SQLITE_DRIVER}://{text.split('://', 1)[1]}"
    else:
        raise DatabaseUrlError(f'Unsupported database "{parsed.drivername}://": {_SUPPORTED}.')
    return parsed.render_as_string(hide_password=False)


def create_engine(url: str, *, echo: bool = False) -> AsyncEngine:
    """An async engine for `url` (any form `normalise_database_url` accepts)."""
    async_url = make_url(normalise_database_url(url))
    if async_url.get_backend_name() == "sqlite":
        engine = create_async_engine(async_url, echo=echo)
        event.listen(engine.sync_engine, "connect", _configure_sqlite_connection)
        return engine
    async_url, connect_args = _asyncpg_arguments(async_url)
    # pre_ping: a connection PostgreSQL closed (restart, failover, idle timeout) is replaced, not handed out.
    return create_async_engine(async_url, echo=echo, pool_pre_ping=True, connect_args=connect_args)


def _asyncpg_arguments(url: URL) -> tuple[URL, dict[str, Any]]:
    """`url` with only the query parameters asyncpg takes as keywords, and connect_args for the others:
    libpq's connect_timeout as asyncpg's `timeout`, the rest in a DSN (which asyncpg parses as libpq does)."""
    query = dict(url.query)
    connect_args: dict[str, Any] = {}
    timeout = query.pop("connect_timeout", None)
    if timeout is not None:
        try:
            connect_args["timeout"] = float(str(timeout))
        except ValueError:
            raise DatabaseUrlError(
                f"connect_timeout={timeout!r} in the database URL is not a number of seconds"
            ) from None
    in_dsn = {name: query.pop(name) for name in list(query) if name not in _ASYNCPG_KEYWORDS}
    if in_dsn:
        # Host, user, password and database stay keywords, and asyncpg lets keywords win over the DSN.
        connect_args["dsn"] = "postgresql://?" + urlencode(in_dsn, doseq=True)
    return url.set(query=query), connect_args


def session_factory(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    """Sessions whose objects stay readable after commit (no lazy refresh, which async code cannot do)."""
    return async_sessionmaker(engine, class_=AsyncSession, expire_on_commit=False)


def _configure_sqlite_connection(dbapi_connection: DBAPIConnection, _record: ConnectionPoolEntry) -> None:
    cursor = dbapi_connection.cursor()
    try:
        for pragma in _SQLITE_PRAGMAS:
            cursor.execute(f"PRAGMA {pragma}")
        _use_wal(cursor)
    finally:
        cursor.close()


def _use_wal(cursor: Any) -> None:
    """The WAL journal. It stays in the file, so only a new file's first connections switch to it.

    The switch takes the whole file for a moment, and SQLite answers "database is locked" at once, without
    waiting out busy_timeout, when another connection is switching too: several instances starting together on
    a new file failed so now and then. So look first, and while locked, look again until the other's switch is
    done (or busy_timeout has passed).
    """
    give_up = time.monotonic() + SQLITE_BUSY_TIMEOUT_MS / 1000
    while True:
        cursor.execute("PRAGMA journal_mode")
        if str(cursor.fetchone()[0]).lower() == "wal":
            return
        try:
            cursor.execute("PRAGMA journal_mode=WAL")
            return
        except Exception as error:  # the driver's OperationalError, whichever driver
            if "database is locked" not in str(error) or time.monotonic() > give_up:
                raise
        time.sleep(0.01)  # only ever while another connection holds the file to switch it
