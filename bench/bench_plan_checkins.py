"""What the coach's planners cost in one tick, with many members scheduled.

    .venv/bin/python bench/bench_plan_checkins.py [--members 100000] [--database-url sqlite:///bench/coach.db]

Builds a migrated database once (bulk inserts): `--members` members in 20 workspaces, spread over 8 time zones,
each owning an objective with two key results in 2026-Q4 and a member_coaching row placed at their next
Monday 09:00. Then times, on that database:
- a quiet tick (nobody due): plan_checkins + plan_reminders + plan_digests + plan_cycle_end, median of 50;
- the busiest tick: Monday 09:00 in Auckland, when every member living there comes due at once (1/8 of all).
Prints the figures; run by hand (the figures go into notes, not assertions).
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import time
from datetime import UTC, datetime, timedelta

import sqlalchemy as sa

from bot.domain.schedules import DEFAULT_CHECKIN_SLOT, next_due
from bot.jobs.checkins import plan_checkins, plan_reminders
from bot.jobs.cycle_end import plan_cycle_end
from bot.jobs.digests import plan_digests
from storage import migrate
from storage.engine import create_engine, session_factory

NOW = datetime(2026, 11, 24, 12, 0, tzinfo=UTC)
WORKSPACES = 20
ZONES = (
    "UTC", "Europe/Berlin", "America/Los_Angeles", "Pacific/Auckland",
    "Asia/Kolkata", "America/New_York", "Asia/Tokyo", "Australia/Sydney",
)  # fmt: skip


async def populate(url: str, members: int) -> None:
    await migrate.upgrade(url)
    engine = create_engine(url)
    async with engine.begin() as db:
        if (await db.execute(sa.text("SELECT count(*) FROM member_coaching"))).scalar_one() >= members:
            await engine.dispose()
            return  # built by an earlier run
        created = NOW - timedelta(days=50)
        per_ws = members // WORKSPACES
        await db.execute(
            sa.text(
                "INSERT INTO workspace (id, platform, external_id, default_tz, next_objective_number,"
                " next_key_result_number, next_initiative_number, created_at)"
                " VALUES (:id, 'slack', :ext, 'UTC', :n, :k, 1, :at)"
            ),
            [
                {"id": w, "ext": f"T{w}", "n": per_ws + 1, "k": 2 * per_ws + 1, "at": created}
                for w in range(1, WORKSPACES + 1)
            ],
        )
        rows_m, rows_o, rows_k, rows_c = [], [], [], []
        for m in range(1, members + 1):
            ws, tz = (m - 1) % WORKSPACES + 1, ZONES[m % len(ZONES)]
            due = next_due(DEFAULT_CHECKIN_SLOT, tz, NOW)
            rows_m.append({"id": m, "ws": ws, "u": f"U{m}", "tz": tz, "at": created})
            rows_o.append({"id": m, "ws": ws, "n": m, "owner": m, "at": created})
            for k in (0, 1):
                rows_k.append({"id": 2 * m - k, "ws": ws, "n": 2 * m - k, "o": m, "owner": m, "at": created})
            rows_c.append({"m": m, "ws": ws, "tz": tz, "due": due.at, "p": due.period})
        await db.execute(
            sa.text(
                "INSERT INTO member (id, workspace_id, platform_user_id, display_name, name_key, tz, is_admin,"
                " created_at) VALUES (:id, :ws, :u, :u, :u, :tz, false, :at)"
            ),
            rows_m,
        )
        await db.execute(
            sa.text(
                "INSERT INTO objective (id, workspace_id, number, cycle, title, level, level_rank, owner_id,"
                " aspirational, private, state, progress, created_at, updated_at)"
                " VALUES (:id, :ws, :n, '2026-Q4', 'Delight customers', 'personal', 1, :owner, false, false,"
                " 'active', 0.2, :at, :at)"
            ),
            rows_o,
        )
        await db.execute(
            sa.text(
                "INSERT INTO key_result (id, workspace_id, number, objective_id, title, kind, start_value,"
                " target_value, current_value, owner_id, weight, created_at, updated_at)"
                " VALUES (:id, :ws, :n, :o, 'Raise NPS', 'increase', 0, 50, 10, :owner, 1, :at, :at)"
            ),
            rows_k,
        )
        await db.execute(
            sa.text(
                "INSERT INTO member_coaching (member_id, workspace_id, tz, next_due_at, due_period)"
                " VALUES (:m, :ws, :tz, :due, :p)"
            ),
            rows_c,
        )
    # Statistics, as autovacuum (PostgreSQL) or a long-lived database would have them: without them the
    # planner guesses the bulk-loaded tables are tiny.
    async with engine.connect() as db:
        await db.execution_options(isolation_level="AUTOCOMMIT")
        await db.exec_driver_sql("ANALYZE")
    await engine.dispose()


async def tick(factory, at: datetime, *, commit: bool) -> tuple[float, int]:  # type: ignore[no-untyped-def]
    started = time.perf_counter()
    async with factory() as session:
        planned = 0
        for planner in (plan_checkins, plan_reminders, plan_digests, plan_cycle_end):
            planned += len(await planner(session, at))
        if commit:
            await session.commit()
        else:
            await session.rollback()
    return time.perf_counter() - started, planned


async def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--members", type=int, default=100_000)
    parser.add_argument("--database-url", default="sqlite:///bench/coach.db")
    args = parser.parse_args()
    started = time.perf_counter()
    await populate(args.database_url, args.members)
    print(f"database ready in {time.perf_counter() - started:.1f}s ({args.members} members scheduled)")
    engine = create_engine(args.database_url)
    factory = session_factory(engine)
    quiet = datetime(2026, 11, 26, 12, 0, tzinfo=UTC)  # a Thursday: nobody is due
    times = [(await tick(factory, quiet, commit=False))[0] for _ in range(50)]
    print(
        f"quiet tick (nobody due): median {statistics.median(times) * 1000:.2f} ms, max {max(times) * 1000:.2f} ms"
    )
    # Monday 09:00 in Auckland (Sunday 20:00 UTC): every member living there comes due in one tick.
    busiest = datetime(2026, 11, 29, 20, 0, tzinfo=UTC)
    elapsed, planned = await tick(factory, busiest, commit=False)
    print(f"busiest tick (Monday 09:00 in Auckland): {planned} prompts planned in {elapsed:.2f}s "
          f"({elapsed / max(planned, 1) * 1e6:.0f} µs per prompt), rolled back")  # fmt: skip
    await engine.dispose()


if __name__ == "__main__":
    asyncio.run(main())
