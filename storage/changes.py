"""Has anything in the database changed? What lets the core keep read-only answers (bot/answers.py).

`generation(workspace)` returns a value that is different after any change to that workspace's data was committed,
by this process or by any other, and None whenever it cannot vouch for that; then nothing may be kept. It is read
before an answer's transaction starts and stored with the answer, so an answer read while a change was committing
is tagged with the generation from before that change, and is dropped as soon as the change is seen. Workspaces
are named by `workspace_tag`: "slack:T0123".

- SQLite: `PRAGMA data_version` on a connection of our own, which changes whenever another connection, this
  process's pool or another process, commits a change, to any workspace. It reads the WAL index in shared memory:
  microseconds, no thread hop, no lock. SQLite serves one process and a few workspaces: one generation for all.
- PostgreSQL, by workspace: migration 0006's triggers NOTIFY `okrbot_changes` with the workspaces each statement
  touched, which PostgreSQL delivers on commit to every instance, this one included; LISTEN counts them. Another
  instance's change is seen when its notice arrives (milliseconds); while the listening connection is down,
  generation() is None. The bot does not wait for its own notices: after a command it calls `changed(workspace)`
  (its sessions are marked with `announced_by_caller`), so the person's next read already sees what they did.
  Any other write this process commits (the jobs, tools) counts for every workspace as soon as its connection is
  back in the pool, after the commit, never before.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import sqlite3
from collections import Counter
from collections.abc import Hashable
from pathlib import Path
from typing import Any, Protocol

from sqlalchemy import event
from sqlalchemy.engine import Connection, ExecutionContext
from sqlalchemy.engine.interfaces import DBAPIConnection, DBAPICursor
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine
from sqlalchemy.pool import ConnectionPoolEntry
from sqlmodel.ext.asyncio.session import AsyncSession

log = logging.getLogger(__name__)

NOTIFY_CHANNEL = "okrbot_changes"
RECONNECT_AFTER = 2.0  # seconds between attempts to listen again after the connection dropped
_READS = ("SELECT", "PRAGMA", "SAVEPOINT", "RELEASE", "ROLLBACK", "BEGIN", "SET", "SHOW", "LISTEN")
# Tables no answer shows, which only the platforms' plumbing writes (busy during a fan-out): writing them leaves
# kept answers be. Migration 0006 leaves the same tables without a trigger.
UNWATCHED_TABLES = frozenset(
    {
        "alembic_version",
        "outbox",
        "inbound_receipt",
        "slack_bots",
        "slack_installations",
        "slack_oauth_states",
        "teams_conversation",
        "teams_user",
    }
)
_WROTE = "okrbot_wrote"  # in a pooled connection's info: a write ran in the transaction now open
_COMMITTED = "okrbot_committed"  # ... and a transaction that wrote committed since the connection was taken
_ANNOUNCED = "okrbot_announced"  # ... and whoever holds the connection announces its changes itself


def workspace_tag(platform: str, external_id: str) -> str:
    """A workspace as the triggers' notices name it."""
    return f"{platform}:{external_id}"


async def announced_by_caller(session: AsyncSession) -> None:
    """The caller says which workspace this session's writes changed (`ChangeWatch.changed`), after its commit:
    leave them out of the count that stands for every workspace."""
    (await session.connection()).info[_ANNOUNCED] = True


class ChangeWatch(Protocol):
    def generation(self, workspace: str) -> Hashable | None: ...

    def changed(self, workspace: str) -> None: ...

    async def start(self) -> None: ...

    async def close(self) -> None: ...


def watch_changes(engine: AsyncEngine) -> ChangeWatch:
    if engine.url.get_backend_name() == "sqlite":
        path = engine.url.database or ""
        if path in ("", ":memory:") or path.startswith("file::memory:"):
            return NothingKept()  # one connection's private database: nobody else can open it to watch
        return SqliteDataVersion(path)
    return PostgresChanges(engine)


class NothingKept:
    def generation(self, workspace: str) -> Hashable | None:
        return None

    def changed(self, workspace: str) -> None:
        pass

    async def start(self) -> None:
        pass

    async def close(self) -> None:
        pass


class SqliteDataVersion:
    def __init__(self, path: str) -> None:
        self._path = path
        # as_uri() escapes what a URI would read otherwise: a "#" in the file name would open (and create,
        # read-write) a different, truncated file.
        self._uri = f"{Path(path).absolute().as_uri()}?mode=ro"
        self._connection: sqlite3.Connection | None = None

    async def start(self) -> None:
        # Read-only, and never waiting for a lock: a busy moment means "cannot tell", not a stalled event loop.
        try:
            self._connection = sqlite3.connect(self._uri, uri=True, timeout=0, isolation_level=None)
        except sqlite3.Error as error:
            log.warning("cannot watch %s for changes (%s); answers are not kept", self._path, error)

    def generation(self, workspace: str) -> Hashable | None:
        if self._connection is None:
            return None
        try:
            row = self._connection.execute("PRAGMA data_version").fetchone()
        except sqlite3.Error:
            return None
        return int(row[0])

    def changed(self, workspace: str) -> None:
        pass  # data_version has seen it already

    async def close(self) -> None:
        if self._connection is not None:
            self._connection.close()
            self._connection = None


class PostgresChanges:
    def __init__(self, engine: AsyncEngine, *, reconnect_after: float = RECONNECT_AFTER) -> None:
        self._engine = engine
        self._reconnect_after = reconnect_after
        self._everywhere = 0  # this process's other writes, and TRUNCATEs: every workspace
        self._here: Counter[str] = Counter()  # the bot's own changes, by workspace
        self._noticed_in: Counter[str] = Counter()  # notices, by workspace
        self._listening: AsyncConnection | None = None
        self._pid: int | None = None
        self._task: asyncio.Task[None] | None = None
        count_committed_writes(engine, self._bump_everywhere)

    def _bump_everywhere(self) -> None:
        self._everywhere += 1

    def _noticed(self, connection: Any, pid: int, channel: str, payload: str) -> None:
        if payload:
            self._noticed_in[payload] += 1
        else:
            self._everywhere += 1

    def changed(self, workspace: str) -> None:
        self._here[workspace] += 1

    @property
    def listening_pid(self) -> int | None:
        """The server process of the listening connection (for tests that cut it)."""
        return self._pid

    def generation(self, workspace: str) -> Hashable | None:
        if self._listening is None:
            return None
        # id(): a new listening connection starts afresh, whatever was missed while none was listening.
        return (self._everywhere, self._here[workspace], self._noticed_in[workspace], id(self._listening))

    async def start(self) -> None:
        self._task = asyncio.create_task(self._listen_forever(), name="okrbot-listen-changes")

    async def _listen_forever(self) -> None:
        while True:
            lost = asyncio.Event()
            try:
                connection = await self._engine.connect()
                raw = await connection.get_raw_connection()
                driver = raw.driver_connection
                assert driver is not None
                raw.detach()  # ours for good: the pool neither counts it nor hands it out again
                await driver.add_listener(NOTIFY_CHANNEL, self._noticed)
                driver.add_termination_listener(lambda *_, lost=lost: lost.set())
                self._pid = driver.get_server_pid()
                self._listening = connection
                await lost.wait()
                log.warning(
                    "the connection listening for changes dropped; kept answers are off until it is back"
                )
            except asyncio.CancelledError:
                raise
            except Exception as error:
                log.warning("cannot listen for changes (%r); kept answers are off for now", error)
            finally:
                listening, self._listening = self._listening, None
                if listening is not None:
                    with contextlib.suppress(Exception):
                        await listening.close()
            await asyncio.sleep(self._reconnect_after)

    async def close(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None


def count_committed_writes(engine: AsyncEngine, bump: Any) -> None:
    """Call `bump()` each time a pooled connection that committed a write goes back to the pool, unless its
    session was `announced_by_caller`.

    Back in the pool means the COMMIT has completed: bumping at the COMMIT itself would let an answer read
    just before it be tagged with the new generation, and kept."""
    sync_engine = engine.sync_engine

    def after_execute(
        conn: Connection,
        cursor: DBAPICursor,
        statement: str,
        parameters: Any,
        context: ExecutionContext | None,
        executemany: bool,
    ) -> None:
        if statement.lstrip().upper().startswith(_READS):
            return
        table = getattr(getattr(context, "compiled", None), "statement", None)
        if getattr(getattr(table, "table", None), "name", None) in UNWATCHED_TABLES:
            return  # an INSERT, UPDATE or DELETE built on an unwatched table (raw SQL always counts)
        conn.info[_WROTE] = True

    def on_commit(conn: Connection) -> None:
        if conn.info.pop(_WROTE, False):
            conn.info[_COMMITTED] = True

    def on_rollback(conn: Connection) -> None:
        conn.info.pop(_WROTE, None)

    def on_checkin(dbapi_connection: DBAPIConnection | None, record: ConnectionPoolEntry) -> None:
        announced = record.info.pop(_ANNOUNCED, False)
        if record.info.pop(_COMMITTED, False) and not announced:
            bump()

    event.listen(sync_engine, "after_cursor_execute", after_execute)
    event.listen(sync_engine, "commit", on_commit)
    event.listen(sync_engine, "rollback", on_rollback)
    event.listen(sync_engine.pool, "checkin", on_checkin)
