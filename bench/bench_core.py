"""How long `okr list` and `okr show` take on a big workspace, through the whole core, on SQLite.

    .venv/bin/python bench/bench_core.py [--objectives 100000] [--check-ins 1000000] [--calls 300]

Builds the database once (bulk inserts into a migrated SQLite file, default bench/core.db), then times
`OkrBot.handle` — parsing, the transaction, the queries and the cards — over many calls per command and
prints the median and p99. Run by hand; the figures go into notes, not into assertions.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import sqlite3
import statistics
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from bot.core import OkrBot
from bot.domain.enums import Platform
from bot.invocation import ActionPress, Actor, CommandText, ConversationRef, Invocation
from bot.views.actions import ActionId, ShowMorePayload
from storage import migrate
from storage.engine import create_engine, session_factory

NOW = datetime(2026, 11, 24, 12, 0, tzinfo=UTC)
MEMBERS = 1000
KRS_PER_OBJECTIVE = 3
CYCLES = ("2026-Q1", "2026-Q2", "2026-Q3", "2026-Q4")


def _stamp(moment: datetime) -> str:
    return moment.astimezone(UTC).replace(tzinfo=None).isoformat(sep=" ")


def populate(
    path: Path,
    *,
    objectives: int,
    check_ins: int,
    platform: str = "console",
    workspace: str = "bench",
    user_id: str = "user{}",
) -> None:
    """Fill a migrated database with one workspace's worth of OKRs, fast (one transaction, executemany).

    Members' platform user ids are `user_id.format(n)` for n in 1..MEMBERS."""
    rng = random.Random(7)
    created = _stamp(NOW - timedelta(days=50))
    db = sqlite3.connect(path)
    db.execute("PRAGMA journal_mode=WAL")
    with db:
        db.execute(
            "INSERT INTO workspace (id, platform, external_id, default_tz, next_objective_number,"
            " next_key_result_number, next_initiative_number, created_at) VALUES (1, ?, ?, 'UTC', ?, ?, 1, ?)",
            (platform, workspace, objectives + 1, objectives * KRS_PER_OBJECTIVE + 1, created),
        )
        db.executemany(
            "INSERT INTO member (id, workspace_id, platform_user_id, display_name, name_key, tz, is_admin,"
            " created_at) VALUES (?, 1, ?, ?, ?, 'UTC', 0, ?)",
            [(m, user_id.format(m), f"user{m}", f"user{m}", created) for m in range(1, MEMBERS + 1)],
        )
        levels = (("company", 3), ("team", 2), ("personal", 1), ("personal", 1))
        db.executemany(
            "INSERT INTO objective (id, workspace_id, number, cycle, title, level, level_rank, owner_id,"
            " aspirational, private, state, progress, confidence, created_at, updated_at)"
            " VALUES (?, 1, ?, ?, ?, ?, ?, ?, 0, ?, 'active', ?, ?, ?, ?)",
            (
                (
                    o, o, CYCLES[o % 4] if o % 5 else "2026-Q4", f"Objective {o} of the benchmark",
                    *levels[o % 4], 1 + o % MEMBERS, int(o % 17 == 0), rng.random(),
                    rng.choice([None, "on-track", "at-risk", "off-track"]), created, created,
                )
                for o in range(1, objectives + 1)
            ),
        )  # fmt: skip
        db.executemany(
            "INSERT INTO key_result (id, workspace_id, number, objective_id, title, kind, start_value,"
            " target_value, current_value, unit, owner_id, weight, last_checkin_at, last_confidence,"
            " created_at, updated_at) VALUES (?, 1, ?, ?, ?, 'increase', 0, 100, ?, 'points', ?, 1, ?, ?, ?, ?)",
            (
                (k, k, 1 + (k - 1) // KRS_PER_OBJECTIVE, f"Reach 100 points ({k})", rng.uniform(0, 100),
                 1 + k % MEMBERS, created, "on-track", created, created)
                for k in range(1, objectives * KRS_PER_OBJECTIVE + 1)
            ),
        )  # fmt: skip
        key_results = objectives * KRS_PER_OBJECTIVE
        db.executemany(
            "INSERT INTO check_in (workspace_id, key_result_id, value, previous_value, confidence, note,"
            " author_id, created_at) VALUES (1, ?, ?, ?, 'on-track', NULL, ?, ?)",
            (
                (1 + c % key_results, rng.uniform(0, 100), rng.uniform(0, 100), 1 + c % MEMBERS,
                 _stamp(NOW - timedelta(minutes=c % 70000)))
                for c in range(check_ins)
            ),
        )  # fmt: skip
    db.execute("ANALYZE")
    db.close()


async def timed(bot: OkrBot, texts: list[str] | list[ActionPress], who: str) -> list[float]:
    actor = Actor(Platform.CONSOLE, "bench", who, who, "UTC", False)
    where = ConversationRef(Platform.CONSOLE, "bench", "bench")
    durations = []
    for text in texts:
        started = time.perf_counter()
        what = CommandText(text) if isinstance(text, str) else text
        response = await bot.handle(Invocation(actor, where, what))
        durations.append((time.perf_counter() - started) * 1000)
        assert response.cards and not response.cards[0].title.startswith(("There is", "Unknown")), response
    return durations


def report(name: str, durations: list[float]) -> None:
    ordered = sorted(durations)
    p99 = ordered[min(len(ordered) - 1, round(0.99 * (len(ordered) - 1)))]
    print(
        f"{name:<28} calls={len(ordered):>5}  median={statistics.median(ordered):7.2f} ms  p99={p99:7.2f} ms"
    )


async def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--objectives", type=int, default=100_000)
    parser.add_argument("--check-ins", type=int, default=1_000_000)
    parser.add_argument("--calls", type=int, default=300)
    parser.add_argument("--db", type=Path, default=Path(__file__).with_name("core.db"))
    args = parser.parse_args()

    url = f"sqlite:///{args.db}"
    if not args.db.exists():
        started = time.perf_counter()
        await migrate.upgrade(url)
        populate(args.db, objectives=args.objectives, check_ins=args.check_ins)
        print(f"built {args.db} in {time.perf_counter() - started:.1f} s")
    engine = create_engine(url)
    bot = OkrBot(session_factory(engine), clock=lambda: NOW)
    rng = random.Random(11)
    calls = args.calls
    await timed(bot, ["list"] * 5, "user1")  # warm the pool and SQLite's page cache
    print(f"{args.objectives:,} objectives, {args.objectives * KRS_PER_OBJECTIVE:,} key results, "
          f"{args.check_ins:,} check-ins; SQLite; {calls} calls each")  # fmt: skip
    users = [f"user{rng.randint(1, MEMBERS)}" for _ in range(calls)]
    report("okr list (mine)", [d for u in users for d in await timed(bot, ["list"], u)])
    report("okr list all", await timed(bot, ["list all"] * calls, "user1"))
    pages = [f"list all --more {rng.randrange(0, 20_000, 20)}" for _ in range(calls)]
    report("okr list all --more N (offset)", await timed(bot, pages, "user1"))
    # The Show more button pages by key: (level rank, number) of the last row seen. Company objectives
    # (rank 3) are numbered 4, 8, 12, ... in this data set.
    presses = [
        ActionPress(
            ActionId.SHOW_MORE, ShowMorePayload(words="list all", offset=n, rank=3, number=4 * n).dump()
        )
        for n in (rng.randrange(0, 20_000, 20) for _ in range(calls))
    ]
    report("Show more button (keyset)", await timed(bot, presses, "user1"))
    report("okr list company", await timed(bot, ["list company"] * calls, "user1"))
    report("okr list at-risk", await timed(bot, ["list at-risk"] * calls, "user1"))
    shown = [f"show O{rng.randrange(1, args.objectives, 17) + 1}" for _ in range(calls)]
    report("okr show O<n>", await timed(bot, shown, "user1"))
    krs = [f"show KR{rng.randint(1, args.objectives * KRS_PER_OBJECTIVE)}" for _ in range(calls)]
    report("okr show KR<n> (history)", await timed(bot, krs, "user1"))
    await engine.dispose()


if __name__ == "__main__":
    asyncio.run(main())
