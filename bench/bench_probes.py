"""How fast /readyz and /metrics answer with a large outbox: p50 and p99 over real HTTP on loopback.

    .venv/bin/python -m bench.bench_probes [--database-url URL] [--rows 100000] [--workspaces 50]
        [--requests 500]

The app is `okrbot serve`'s own (adapters/server.py build_app with Readiness and Metrics, the request
middleware included) on a database with `rows` outbox messages spread over `workspaces` workspaces (half Slack,
half Teams), measured twice:
1. every row waiting (pending, a tenth of them claimed): the worst case for the backlog query, which counts
   them all at each scrape;
2. the steady state: all but 1% sent (sent rows stay in the table for good and must cost nothing).
Requests go one at a time (a probe is one request every few seconds, never a burst). The backlog query's
plan is printed too (EXPLAIN; on PostgreSQL with ANALYZE), to show which index it uses.

Run by hand; the figures go into notes, not into assertions.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import statistics
import tempfile
import time
from datetime import timedelta
from pathlib import Path
from typing import Any

import aiohttp
import sqlalchemy as sa
from aiohttp import web
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlmodel import col

from adapters.ops.metrics import Metrics
from adapters.ops.readiness import Readiness
from adapters.server import build_app
from bot.delivery.enqueue import enqueue_many
from bot.delivery.planned import PlannedMessage, ToMember
from bot.domain.enums import Platform
from bot.views.cards import Card
from storage import migrate, outbox
from storage.engine import create_engine, session_factory
from storage.tables import Member, Outbox, OutboxStatus, Workspace
from storage.types import utcnow


async def _fresh(url: str) -> AsyncEngine:
    await migrate.upgrade(url)
    engine = create_engine(url)
    async with engine.begin() as connection:
        if engine.dialect.name == "postgresql":
            await connection.execute(sa.text("TRUNCATE outbox, member, workspace RESTART IDENTITY CASCADE"))
        else:
            for table in ("outbox", "member", "workspace"):
                await connection.execute(sa.text(f"DELETE FROM {table}"))
    return engine


async def _fill(engine: AsyncEngine, rows: int, workspaces: int) -> None:
    sessions = session_factory(engine)
    now = utcnow()
    async with sessions() as session, session.begin():
        members: list[tuple[int, int]] = []
        for number in range(workspaces):
            platform = Platform.SLACK if number % 2 == 0 else Platform.TEAMS
            workspace = Workspace(platform=platform, external_id=f"W{number}")
            session.add(workspace)
            await session.flush()
            assert workspace.id is not None
            member = Member(workspace_id=workspace.id, platform_user_id="U1", display_name="u", name_key="u")
            session.add(member)
            await session.flush()
            members.append((workspace.id, member.id or 0))
    chunk = 10_000
    for start in range(0, rows, chunk):
        planned = []
        for number in range(start, min(rows, start + chunk)):
            workspace_id, member_id = members[number % workspaces]
            # Due over the last hour, or in the hour to come.
            not_before = now + timedelta(seconds=(number % 7200) - 3600)
            planned.append(
                PlannedMessage(
                    f"bench:{number}", workspace_id, ToMember(member_id), Card("x"), not_before=not_before
                )
            )
        async with sessions() as session, session.begin():
            await enqueue_many(session, planned, now=now)
    async with engine.begin() as connection:  # a tenth claimed by a sender, its lease running
        await connection.execute(
            sa.update(Outbox)
            .where(col(Outbox.id) % 10 == 0)
            .values(status=OutboxStatus.SENDING, claimed_by="bench")
        )
    await _analyze(engine)


async def _settle_most(engine: AsyncEngine) -> None:
    """All but 1% sent: the table as it looks most of the time."""
    async with engine.begin() as connection:
        await connection.execute(
            sa.update(Outbox)
            .where((col(Outbox.id) / 50) % 100 != 0)  # runs of 50 ids stay: every workspace keeps some
            .values(status=OutboxStatus.SENT, claimed_by=None)
        )
    await _analyze(engine)


async def _analyze(engine: AsyncEngine) -> None:
    # What autovacuum does on its own soon after a bulk change; without it the planner works from stale counts.
    if engine.dialect.name == "postgresql":
        async with engine.connect() as connection:
            connection = await connection.execution_options(isolation_level="AUTOCOMMIT")
            await connection.execute(sa.text("VACUUM ANALYZE outbox"))
    else:
        async with engine.begin() as connection:
            await connection.execute(sa.text("ANALYZE"))


async def _explain(engine: AsyncEngine) -> str:
    """The backlog query's plan, as the database runs it (the statement and parameters are captured)."""
    captured: list[tuple[str, Any]] = []

    def capture(conn: Any, cursor: Any, statement: str, parameters: Any, *rest: Any) -> None:
        captured.append((statement, parameters))

    sa.event.listen(engine.sync_engine, "before_cursor_execute", capture)
    try:
        async with session_factory(engine)() as session:
            await outbox.backlog(session=session, now=utcnow())
    finally:
        sa.event.remove(engine.sync_engine, "before_cursor_execute", capture)
    statement, parameters = captured[-1]
    postgres = engine.dialect.name == "postgresql"
    prefix = "EXPLAIN (ANALYZE, COSTS OFF) " if postgres else "EXPLAIN QUERY PLAN "
    async with engine.connect() as connection:
        result = await connection.exec_driver_sql(prefix + statement, parameters)
        return "\n".join(f"    {row[0] if postgres else row[-1]}" for row in result)


def _percentiles(samples: list[float]) -> str:
    ordered = sorted(samples)
    p99 = ordered[min(len(ordered) - 1, round(0.99 * (len(ordered) - 1)))]
    return f"p50 {statistics.median(ordered) * 1000:7.2f} ms   p99 {p99 * 1000:7.2f} ms"


async def _measure(base: str, requests: int) -> None:
    async with aiohttp.ClientSession() as http:
        for path in ("/readyz", "/metrics"):
            timings = []
            for _ in range(requests):
                started = time.perf_counter()
                async with http.get(base + path) as response:
                    await response.read()
                    assert response.status == 200, (path, response.status)
                timings.append(time.perf_counter() - started)
            print(f"  GET {path:<9} {_percentiles(timings)}   ({requests} requests)")


async def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--database-url", help="default: an SQLite file in a temporary folder")
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--workspaces", type=int, default=50)
    parser.add_argument("--requests", type=int, default=500)
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING)

    with tempfile.TemporaryDirectory() as folder:
        url = args.database_url or f"sqlite:///{Path(folder) / 'bench.db'}"
        engine = await _fresh(url)
        started = time.perf_counter()
        await _fill(engine, args.rows, args.workspaces)
        print(f"{engine.dialect.name}: {args.rows} outbox rows in {time.perf_counter() - started:.1f}s")
        app = await build_app(readiness=Readiness(engine), metrics=Metrics(session_factory(engine)))
        runner = web.AppRunner(app, access_log=None)
        await runner.setup()
        site = web.TCPSite(runner, "127.0.0.1", 0)
        await site.start()
        port = runner.addresses[0][1]
        base = f"http://127.0.0.1:{port}"
        try:
            print(f"every row waiting ({args.rows}):")
            await _measure(base, args.requests)
            print("  backlog query plan:\n" + await _explain(engine))
            await _settle_most(engine)
            print(f"steady state ({args.rows // 100} waiting, the rest sent):")
            await _measure(base, args.requests)
            print("  backlog query plan:\n" + await _explain(engine))
        finally:
            await runner.cleanup()
            await engine.dispose()


if __name__ == "__main__":
    asyncio.run(main())
