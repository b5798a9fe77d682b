"""Fan-out of check-in DMs through the outbox sender and the Slack adapter, and the cost of one tick.

    .venv/bin/python -m bench.bench_fanout [--database-url URL] [--workspaces 20] [--members 500]
        [--rate 20] [--sender-rate R] [--failure-rate 0.05] [--seed 1] [--tick-members 100000]
        [--batch N] [--pool-size N --max-overflow M] [--skip fan-out|tick]

1. Fan-out: `workspaces x members` check-in DMs enqueued at once and sent by one Sender through the real Slack
   adapter (adapters/slack/chat_port.py SlackChatPort, slack_sdk's retry handlers, a bot token `xoxb-<team>` per
   workspace) to the fake Slack Web API on loopback in a process of its own (`python -m tests.fakes.slack_api
   --port P --rate 20 --failure-rate 0.05 --seed 1`: it takes each new xoxb- token as a workspace of its own,
   allows `rate` chat.postMessage in any sliding second per workspace, 429 + Retry-After past it, and answers
   `failure-rate` of calls with 429 or 500 at random, before its rate counts them). The sender's pace is set to the fake's rate (the
   default OUTBOX_RATE_SLACK is 10/s, which could never reach the ideal). Prints the total time against the
   ideal the limit allows (each workspace's messages back to back at `rate`), the same counting the refused
   calls' slots too, and duplicates and losses as the fake saw them (/_fake/stats, /_fake/delivered).
2. Tick cost: `tick-members` members, a trivial planner that plans one prompt each (due tomorrow, so nothing
   is sent): the first tick (every row new), a second (every key already there: the steady state when
   planners re-plan) and a tick that plans nothing (the sender's look at an outbox full of rows not yet due).

`--pool-size` / `--max-overflow` give PostgreSQL's connection pool other sizes than storage/engine.py's (the
SQLAlchemy defaults, 5 + 10), to see whether the pool holds the fan-out back; the busiest the pool got is
printed. Run by hand; the figures go into notes, not into assertions.
"""

from __future__ import annotations

import argparse
import asyncio
import math
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import aiohttp
import sqlalchemy as sa
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine
from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from adapters.slack.chat_port import SlackChatPort
from adapters.slack.render import fallback_text
from adapters.slack.tokens import TokensByWorkspace
from bot.delivery.enqueue import enqueue_many
from bot.delivery.planned import PlannedMessage, ToMember
from bot.delivery.sender import Sender
from bot.delivery.sender_config import SenderConfig
from bot.domain.enums import Platform
from bot.jobs.tick import Planner, tick
from bot.views.cards import Card
from storage import migrate
from storage.engine import create_engine, normalise_database_url, session_factory
from storage.tables import Member, Workspace
from storage.types import utcnow


async def _populate(engine: AsyncEngine, *, workspaces: int, members: int) -> None:
    now = utcnow()
    async with engine.begin() as connection:
        await connection.execute(
            sa.insert(Workspace),
            [
                {
                    "platform": Platform.SLACK,
                    "external_id": f"T{w:03d}",
                    "default_tz": "UTC",
                    "next_objective_number": 1,
                    "next_key_result_number": 1,
                    "next_initiative_number": 1,
                    "created_at": now,
                }
                for w in range(workspaces)
            ],
        )
        ids = (await connection.execute(sa.text("SELECT id FROM workspace ORDER BY id"))).scalars().all()
        if members == 0:
            return
        await connection.execute(
            sa.insert(Member),
            [
                {
                    "workspace_id": workspace_id,
                    "platform_user_id": f"U{m:05d}",
                    "display_name": f"member {m}",
                    "name_key": f"member {m}",
                    "tz": "UTC",
                    "is_admin": False,
                    "created_at": now,
                }
                for workspace_id in ids
                for m in range(members)
            ],
        )


def _prompts(week: str, *, not_before: Callable[[datetime], datetime | None] = lambda now: None) -> Planner:
    """A trivial planner: a check-in prompt for every member, once per `week`."""

    async def plan(session: AsyncSession, now: datetime) -> Sequence[PlannedMessage]:
        members = await session.exec(select(Member.id, Member.workspace_id))
        due = not_before(now)
        return [
            PlannedMessage(
                f"checkin:{member_id}:{week}",
                workspace_id,
                ToMember(member_id or 0),
                Card(f"checkin:{member_id}:{week}"),
                not_before=due,
            )
            for member_id, workspace_id in members
        ]

    return plan


def _planned_nothing() -> Planner:
    async def plan(session: AsyncSession, now: datetime) -> Sequence[PlannedMessage]:
        return []

    return plan


def _engine(url: str, pool_size: int | None, max_overflow: int | None) -> AsyncEngine:
    if url.startswith("sqlite") or (pool_size is None and max_overflow is None):
        return create_engine(url)
    # storage/engine.py's settings with another pool size: for this bench's look at the pool only.
    sizes = {"pool_size": pool_size or 5, "max_overflow": 10 if max_overflow is None else max_overflow}
    return create_async_engine(make_url(normalise_database_url(url)), pool_pre_ping=True, **sizes)


async def _fresh_database(args: argparse.Namespace, folder: Path, name: str) -> tuple[str, AsyncEngine]:
    url = args.database_url or f"sqlite:///{folder / name}"
    await migrate.upgrade(url)
    engine = _engine(url, args.pool_size, args.max_overflow)
    async with engine.begin() as connection:  # start empty on a reused PostgreSQL database
        if engine.dialect.name == "postgresql":
            # Not DELETE: with 100,000 members each deleted row checks the foreign keys pointing at it, for
            # minutes; TRUNCATE empties the tables at once.
            await connection.execute(sa.text("TRUNCATE outbox, member, workspace RESTART IDENTITY CASCADE"))
        else:
            for table in ("outbox", "member", "workspace"):
                await connection.execute(sa.text(f"DELETE FROM {table}"))
    return url, engine


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def _start_fake(args: argparse.Namespace) -> tuple[subprocess.Popen[str], str]:
    """The fake Slack Web API in a process of its own; its base URL once it listens."""
    command = [sys.executable, "-m", "tests.fakes.slack_api", "--port", str(args.fake_port or _free_port())]
    command += ["--rate", str(args.rate), "--failure-rate", str(args.failure_rate), "--seed", str(args.seed)]
    fake = subprocess.Popen(command, stdout=subprocess.PIPE, text=True)
    assert fake.stdout is not None
    line = fake.stdout.readline()  # "fake Slack Web API on http://127.0.0.1:P/api/ (bot token ...)"
    if " on " not in line:
        fake.kill()
        raise SystemExit(f"the fake Slack did not start: {line!r}")
    return fake, line.split(" on ", 1)[1].split()[0]


def _slack_port(api_url: str, workspaces: int) -> SlackChatPort:
    # The standalone fake takes any xoxb- token as a workspace of its own: one token per team.
    tokens = TokensByWorkspace({f"T{w:03d}": f"xoxb-T{w:03d}" for w in range(workspaces)})
    return SlackChatPort(tokens, base_url=api_url)


async def _fake_state(api_url: str) -> tuple[dict[str, Any], dict[str, int]]:
    control = api_url.removesuffix("/api/") + "/_fake/"
    async with aiohttp.ClientSession() as client:
        async with client.get(control + "stats") as answer:
            stats: dict[str, Any] = await answer.json()
        async with client.get(control + "delivered") as answer:
            delivered: dict[str, int] = await answer.json()
    return stats, delivered


async def fan_out(args: argparse.Namespace, folder: Path) -> None:
    total = args.workspaces * args.members
    print(f"\n== fan-out: {total:,} check-in DMs in {args.workspaces} workspaces, through SlackChatPort ==")
    _, engine = await _fresh_database(args, folder, "fanout.db")
    fake, api_url = _start_fake(args)
    port: SlackChatPort | None = None
    try:
        await _populate(engine, workspaces=args.workspaces, members=args.members)
        sessions = session_factory(engine)
        async with sessions() as session, session.begin():
            now = utcnow()
            planned = await _prompts("2026-W49")(session, now)
            await enqueue_many(session, planned, now=now)
        port = _slack_port(api_url, args.workspaces)
        config = SenderConfig(
            rates={Platform.SLACK: args.sender_rate or args.rate},
            in_flight=args.in_flight,
            poll=0.2,
            batch=args.batch,
        )
        sender = Sender(sessions, {Platform.SLACK: port}, config=config)

        started = time.perf_counter()
        running = asyncio.create_task(sender.run())
        marks: dict[float, float] = {}
        busiest_pool, pool_samples, pool_full = 0, 0, 0
        limit = _pool_limit(engine)
        while sender.totals.sent + sender.totals.failed < total:
            await asyncio.sleep(0.02)
            in_use = _checked_out(engine)
            busiest_pool, pool_samples = max(busiest_pool, in_use), pool_samples + 1
            pool_full += limit is not None and in_use >= limit
            for share in (0.5, 0.9, 0.99, 0.999):
                if share not in marks and sender.totals.sent >= share * total:
                    marks[share] = time.perf_counter() - started
        elapsed = time.perf_counter() - started
        sender.stop()
        await running

        stats, delivered = await _fake_state(api_url)
        async with engine.connect() as connection:
            counted = sa.text("SELECT status, count(*) FROM outbox GROUP BY status")
            statuses = {
                str(status): int(count) for status, count in (await connection.execute(counted)).all()
            }
        # The fake names a delivery without metadata "<channel>|<text>"; each prompt's text is unique.
        delivered_texts = {marker.split("|", 1)[1] for marker in delivered}
        expected_texts = {fallback_text(message.card) for message in planned}
        ideal = (math.ceil(total / args.workspaces) - 1) / args.rate
        print(f"database            {engine.dialect.name}  (pool {_pool_status(engine)})")
        print(
            f"fake Slack          {args.rate:g} msg/s per workspace, {args.failure_rate:.0%} answered 429 or 500"
            f" (seed {args.seed}); sender's pace {config.rates[Platform.SLACK]:g}/s per workspace"
        )
        print(f"total time          {elapsed:.2f} s")
        print(
            f"ideal (the limit)   {ideal:.2f} s  ({total // args.workspaces} per workspace at {args.rate:g}/s)"
        )
        print(f"over ideal          {100 * (elapsed / ideal - 1):+.1f} %")
        # Refused calls (chaos, over the rate, slack_sdk's retries of them) take a slot of the limit too.
        calls = int(stats["by_method"].get("chat.postMessage", 0))
        with_refused = (math.ceil(calls / args.workspaces) - 1) / args.rate
        print(
            f"ideal incl. refused {with_refused:.2f} s  ({calls:,} calls)"
            f"   over it: {100 * (elapsed / with_refused - 1):+.1f} %"
        )
        print(f"sent by             {', '.join(f'{share:.1%}: {at:.1f} s' for share, at in marks.items())}")
        print(f"delivered           {stats['delivered']:,} distinct of {total:,}")
        print(f"duplicates          {stats['duplicates']}")
        print(f"losses              {len(expected_texts - delivered_texts)}")
        print(
            f"rows                {', '.join(f'{status}: {count}' for status, count in sorted(statuses.items()))}"
        )
        print(
            f"platform answers    ok {stats['ok']:,}, errors {stats['errors']},"
            f" of which over the rate {stats['over_rate']}"
        )
        print(
            f"sender              sent {sender.totals.sent}, retried {sender.totals.retried},"
            f" failed {sender.totals.failed}"
        )
        if limit is not None:
            print(
                f"connection pool     busiest {busiest_pool} of {limit}; full in"
                f" {100 * pool_full / max(1, pool_samples):.0f} % of {pool_samples} looks"
            )
    finally:
        if port is not None:
            await port.close()
        fake.terminate()
        fake.wait()
        await engine.dispose()


def _pool_limit(engine: AsyncEngine) -> int | None:
    pool = engine.sync_engine.pool
    size, overflow = getattr(pool, "size", None), getattr(pool, "_max_overflow", None)
    return None if size is None or overflow is None else int(size()) + max(0, int(overflow))


def _checked_out(engine: AsyncEngine) -> int:
    checked_out = getattr(engine.sync_engine.pool, "checkedout", None)
    return int(checked_out()) if checked_out is not None else 0


def _pool_status(engine: AsyncEngine) -> str:
    pool = engine.sync_engine.pool
    limit = _pool_limit(engine)
    return f"{type(pool).__name__}, at most {limit}" if limit is not None else type(pool).__name__


async def tick_cost(args: argparse.Namespace, folder: Path) -> None:
    members = args.tick_members
    workspaces = args.workspaces
    print(f"\n== one tick with {members:,} members scheduled ({workspaces} workspaces) ==")
    _, engine = await _fresh_database(args, folder, "tick.db")
    try:
        await _populate(engine, workspaces=workspaces, members=members // workspaces)
        sessions = session_factory(engine)
        # Nothing is due, so nothing reaches this address (the discard port): the tick costs only the database.
        sender = Sender(sessions, {Platform.SLACK: _slack_port("http://127.0.0.1:9/api/", workspaces)})
        planner = _prompts("2026-W49", not_before=lambda now: now + timedelta(days=1))
        now = utcnow()
        print(f"database            {engine.dialect.name}")
        for label, planners in (
            ("first tick (all new)", [planner]),
            ("again (all known)", [planner]),
            ("planning nothing", [_planned_nothing()]),
        ):
            started = time.perf_counter()
            summary = await tick(now, sessions=sessions, planners=planners, sender=sender)
            elapsed = time.perf_counter() - started
            print(f"{label:<20}{elapsed:8.2f} s   {summary.line()}")
    finally:
        await engine.dispose()


async def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--database-url", help="default: SQLite files in a temporary folder")
    parser.add_argument("--workspaces", type=int, default=20)
    parser.add_argument("--members", type=int, default=500, help="per workspace, for the fan-out")
    parser.add_argument("--rate", type=float, default=20.0, help="the fake's limit, and the sender's pace")
    parser.add_argument("--failure-rate", type=float, default=0.05, help="share of calls answered 429/500")
    parser.add_argument("--seed", type=int, default=1, help="the fake's chaos seed")
    parser.add_argument("--sender-rate", type=float, help="the sender's pace per workspace (default: --rate)")
    parser.add_argument(
        "--in-flight", type=int, default=SenderConfig.in_flight, help="sender's calls at once"
    )
    parser.add_argument("--fake-port", type=int, default=0, help="the fake Slack's port (0: a free one)")
    parser.add_argument("--pool-size", type=int, help="PostgreSQL: connections kept (default 5)")
    parser.add_argument("--max-overflow", type=int, help="PostgreSQL: connections beyond (default 10)")
    parser.add_argument("--batch", type=int, help="rows a lane claims at once (default: the sender's)")
    parser.add_argument("--tick-members", type=int, default=100_000)
    parser.add_argument("--skip", choices=["fan-out", "tick"], action="append", default=[])
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        if "fan-out" not in args.skip:
            await fan_out(args, Path(folder))
        if "tick" not in args.skip:
            await tick_cost(args, Path(folder))


if __name__ == "__main__":
    asyncio.run(main())
