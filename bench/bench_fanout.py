"""Fan-out of check-in DMs through the outbox sender, and the cost of one tick on a big schedule.

    .venv/bin/python -m bench.bench_fanout [--database-url URL] [--workspaces 20] [--members 500]
        [--rate 20] [--failure-share 0.05] [--port module:function] [--tick-members 100000]

1. Fan-out: `workspaces x members` check-in DMs enqueued at once and sent by one Sender against a fake Slack
   Web API on loopback (tests/jobs/fake_slack.py, in a process of its own) that allows `rate`
   chat.postMessage per second per workspace (429 + Retry-After past it) and answers `failure-share` of calls
   with 429 or 500 at random. Prints the total time against the ideal the limit allows (each workspace's
   messages back to back at `rate`), and duplicates and losses as the fake saw them.
2. Tick cost: `tick-members` members, a trivial planner that plans one prompt each (due tomorrow, so nothing
   is sent): the first tick (every row new), a second (every key already there: the steady state when
   planners re-plan) and a tick that plans nothing (the sender's look at an outbox full of rows not yet due).

The ChatPort is pluggable: `--port module:function` names `async def function(api_url: str) -> ChatPort`; the
port is given the fake's URL (Slack's `https://slack.com/api/` stand-in) and must send bot token `xoxb-<team>`
for workspace `<team>`. The default is tests.jobs.fake_slack.SlackLikePort over aiohttp.
Run by hand; the figures go into notes, not into assertions.
"""

from __future__ import annotations

import argparse
import asyncio
import importlib
import math
import subprocess
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable, Sequence
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import aiohttp
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.domain.enums import Platform
from bot.jobs.messages import PlannedMessage, ToMember
from bot.jobs.outbox import enqueue_many
from bot.jobs.sender import Sender, SenderConfig
from bot.jobs.tick import Planner, tick
from bot.ports import ChatPort
from bot.views.cards import Card
from storage import migrate
from storage.engine import create_engine, session_factory
from storage.tables import Member, Outbox, Workspace
from storage.types import utcnow
from tests.jobs.fake_slack import SlackLikePort

PortFactory = Callable[[str], Awaitable[ChatPort]]


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
        ids = (await connection.execute(sa.select(Workspace.id).order_by(Workspace.id))).scalars().all()  # type: ignore[arg-type]
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


async def _fresh_database(url: str | None, folder: Path, name: str) -> tuple[str, AsyncEngine]:
    if url is None:
        url = f"sqlite:///{folder / name}"
    await migrate.upgrade(url)
    engine = create_engine(url)
    async with engine.begin() as connection:  # start empty on a reused PostgreSQL database
        for table in ("outbox", "member", "workspace"):
            await connection.execute(sa.text(f"DELETE FROM {table}"))
    return url, engine


def _start_fake(rate: float, failure_share: float) -> tuple[subprocess.Popen[str], str]:
    fake = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "tests.jobs.fake_slack",
            "--rate",
            str(rate),
            "--failure-share",
            str(failure_share),
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    assert fake.stdout is not None
    return fake, fake.stdout.readline().strip()


async def _default_port(api_url: str) -> ChatPort:
    return SlackLikePort(aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=200)), api_url)


def _port_factory(spec: str | None) -> PortFactory:
    if spec is None:
        return _default_port
    module, _, function = spec.partition(":")
    factory: PortFactory = getattr(importlib.import_module(module), function)
    return factory


async def fan_out(args: argparse.Namespace, folder: Path) -> None:
    total = args.workspaces * args.members
    print(f"\n== fan-out: {total:,} check-in DMs in {args.workspaces} workspaces ==")
    url, engine = await _fresh_database(args.database_url, folder, "fanout.db")
    fake, api_url = _start_fake(args.rate, args.failure_share)
    try:
        await _populate(engine, workspaces=args.workspaces, members=args.members)
        sessions = session_factory(engine)
        async with sessions() as session, session.begin():
            planned = await _prompts("2026-W49")(session, utcnow())
            await enqueue_many(session, planned)
        port = await _port_factory(args.port)(api_url)
        config = SenderConfig(rates={Platform.SLACK: args.rate}, poll=0.2)
        sender = Sender(sessions, {Platform.SLACK: port}, config=config)

        started = time.perf_counter()
        running = asyncio.create_task(sender.run())
        marks: dict[float, float] = {}
        while sender.totals.sent + sender.totals.failed < total:
            await asyncio.sleep(0.02)
            for share in (0.5, 0.9, 0.99, 0.999):
                if share not in marks and sender.totals.sent >= share * total:
                    marks[share] = time.perf_counter() - started
        elapsed = time.perf_counter() - started
        sender.stop()
        await running
        http = getattr(port, "http", None)
        if http is not None:
            await http.close()

        async with (
            aiohttp.ClientSession() as client,
            client.get(api_url.replace("/api/", "/stats")) as answer,
        ):
            stats: dict[str, Any] = await answer.json()
        async with engine.connect() as connection:
            statuses = dict(
                (
                    await connection.execute(
                        sa.select(Outbox.status, sa.func.count()).group_by(Outbox.status)
                    )
                ).all()  # type: ignore[arg-type]
            )
        delivered = {(team, text): count for team, _channel, text, count in stats["delivered"]}
        expected = {(f"T{w:03d}", message.key) for w, message in _by_team(planned)}
        ideal = (math.ceil(total / args.workspaces) - 1) / args.rate
        print(f"database            {engine.dialect.name}")
        print(
            f"fake Slack          {args.rate:g} msg/s per workspace, {args.failure_share:.0%} answered 429 or 500"
        )
        print(f"total time          {elapsed:.2f} s")
        print(
            f"ideal (the limit)   {ideal:.2f} s  ({total // args.workspaces} per workspace at {args.rate:g}/s)"
        )
        print(f"over ideal          {100 * (elapsed / ideal - 1):+.1f} %")
        calls = sum(stats["answers"].values())  # refused calls take a slot of the limit too
        with_refused = (math.ceil(calls / args.workspaces) - 1) / args.rate
        print(
            f"ideal incl. refused {with_refused:.2f} s  ({calls:,} calls)   over it: {100 * (elapsed / with_refused - 1):+.1f} %"
        )
        print(f"sent by             {', '.join(f'{share:.1%}: {at:.1f} s' for share, at in marks.items())}")
        print(f"delivered           {len(delivered):,} distinct of {total:,}")
        print(f"duplicates          {sum(count - 1 for count in delivered.values())}")
        print(f"losses              {len(expected - set(delivered))}")
        print(
            f"rows                {', '.join(f'{status}: {count}' for status, count in sorted(statuses.items()))}"
        )
        print(f"platform answers    {dict(sorted(stats['answers'].items()))}")
        print(
            f"sender              sent {sender.totals.sent}, retried {sender.totals.retried}, failed {sender.totals.failed}"
        )
        assert url  # keep the database for a look afterwards
    finally:
        fake.terminate()
        fake.wait()
        await engine.dispose()


def _by_team(planned: Sequence[PlannedMessage]) -> list[tuple[int, PlannedMessage]]:
    first = min(message.workspace_id for message in planned)
    return [(message.workspace_id - first, message) for message in planned]


async def tick_cost(args: argparse.Namespace, folder: Path) -> None:
    members = args.tick_members
    workspaces = args.workspaces
    print(f"\n== one tick with {members:,} members scheduled ({workspaces} workspaces) ==")
    _, engine = await _fresh_database(args.database_url, folder, "tick.db")
    try:
        await _populate(engine, workspaces=workspaces, members=members // workspaces)
        sessions = session_factory(engine)
        sender = Sender(sessions, {Platform.SLACK: await _default_port("http://127.0.0.1:9/api/")})
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
        http = getattr(sender.ports[Platform.SLACK], "http", None)
        if http is not None:
            await http.close()
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
    parser.add_argument("--failure-share", type=float, default=0.05)
    parser.add_argument("--port", help="module:function making the ChatPort to measure")
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
