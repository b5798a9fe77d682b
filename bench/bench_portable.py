"""What `okrbot export` and `okrbot import` cost for a large workspace.

    .venv/bin/python bench/bench_portable.py [--objectives 10000] [--database-url postgresql://...]

Makes an export file in memory: `--objectives` objectives (a tenth aligned under another) with three key results
each and ten check-ins per three key results (10,000 / 30,000 / 100,000 by default), 500 members in 20 teams.
Then, on a new SQLite file in a temporary folder (and on `--database-url`, if given, as a new workspace there):
- import: read and check the file, then write it (one transaction, batched inserts);
- export: read the workspace back and write the file.
Prints the figures; run by hand (they go into notes, not assertions).
"""

from __future__ import annotations

import argparse
import asyncio
import io
import json
import tempfile
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from storage import migrate
from storage.engine import create_engine
from storage.portable.checks import read_document
from storage.portable.document import write
from storage.portable.exporter import export_workspace
from storage.portable.importer import import_workspace
from storage.portable.workspaces import WorkspaceKey

START = datetime(2026, 10, 1, 9, 0, tzinfo=UTC)
MEMBERS, TEAMS = 500, 20


def stamp(minutes: int) -> str:
    return (START + timedelta(minutes=minutes)).isoformat()


def document(objectives: int) -> dict[str, Any]:
    members = [f"U{m:05d}" for m in range(1, MEMBERS + 1)]
    key_results = objectives * 3
    check_ins = key_results * 10 // 3
    return {
        "format": "okrbot-workspace",
        "version": 1,
        "exported_at": stamp(0),
        "workspace": {
            "platform": "slack",
            "external_id": "T0BENCH",
            "name": "Bench",
            "default_tz": "UTC",
            "created_at": stamp(0),
            "next_objective_number": objectives + 1,
            "next_key_result_number": key_results + 1,
            "next_initiative_number": 1,
        },
        "coaching": {"reminder_hours": 24},
        "members": [
            {"user_id": u, "display_name": f"Person {u}", "tz": "Europe/Berlin", "is_admin": u == members[0],
             "created_at": stamp(0), "schedule": None}
            for u in members
        ],
        "teams": [
            {"name": f"Team {t}", "created_at": stamp(0), "members": members[t::TEAMS]} for t in range(TEAMS)
        ],
        "objectives": [
            {"ref": f"O{o}", "cycle": "2026-Q4", "title": f"Objective number {o}", "level": "team",
             "owner": members[o % MEMBERS], "team": f"Team {o % TEAMS}",
             "parent": f"O{o - 1}" if o % 10 == 0 else None, "aspirational": o % 3 == 0, "private": False,
             "state": "active", "progress": 0.4, "confidence": "on-track", "score": None,
             "created_at": stamp(o), "updated_at": stamp(o)}
            for o in range(1, objectives + 1)
        ],
        "key_results": [
            {"ref": f"KR{k}", "objective": f"O{(k - 1) // 3 + 1}", "title": f"Reach {k} things",
             "kind": "increase", "start_value": 0, "target_value": 100, "current_value": 40, "unit": "things",
             "owner": members[k % MEMBERS], "weight": 1, "last_checkin_at": stamp(k), "last_confidence": "at-risk",
             "achieved_at": None, "created_at": stamp(k), "updated_at": stamp(k)}
            for k in range(1, key_results + 1)
        ],
        "check_ins": [
            {"key_result": f"KR{c % key_results + 1}", "value": c % 100, "previous_value": 0,
             "confidence": "on-track", "note": "steady progress" if c % 2 else None,
             "author": members[c % MEMBERS], "created_at": stamp(c)}
            for c in range(check_ins)
        ],
        "initiatives": [],
        "closed_cycles": [],
        "check_in_rules": [],
        "channels": [],
        "teams_conversations": [],
        "teams_users": [],
    }  # fmt: skip


async def run(url: str, text: str, into: WorkspaceKey) -> None:
    await migrate.upgrade(url)
    engine = create_engine(url)
    try:
        began = time.perf_counter()
        parsed = read_document(text)
        checked = time.perf_counter()
        await import_workspace(engine, parsed, into=into)
        imported = time.perf_counter()
        exported_doc = await export_workspace(engine, into)
        read = time.perf_counter()
        out = io.StringIO()
        write(exported_doc, out)
        written = time.perf_counter()
    finally:
        await engine.dispose()
    backend = url.split(":", 1)[0]
    print(
        f"{backend:<10} import {imported - began:6.2f} s (read+check {checked - began:.2f} s, write "
        f"{imported - checked:.2f} s) | export {written - imported:6.2f} s (read {read - imported:.2f} s, "
        f"JSON {written - read:.2f} s, {len(out.getvalue()) / 1e6:.1f} MB)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--objectives", type=int, default=10_000)
    parser.add_argument("--database-url", help="a PostgreSQL (or SQLite) database to import into as well")
    args = parser.parse_args()
    data = document(args.objectives)
    text = json.dumps(data)
    print(
        f"{len(data['objectives']):,} objectives, {len(data['key_results']):,} key results, "
        f"{len(data['check_ins']):,} check-ins, {len(data['members'])} members: {len(text) / 1e6:.1f} MB of JSON"
    )
    with tempfile.TemporaryDirectory() as folder:
        asyncio.run(run(f"sqlite:///{Path(folder) / 'bench.db'}", text, WorkspaceKey.parse("slack:T0BENCH")))
    if args.database_url:
        # A workspace of its own each run, so that a shared database never refuses it as already holding data.
        key = WorkspaceKey.parse(f"slack:T0BENCH{uuid.uuid4().hex[:8].upper()}")
        asyncio.run(run(args.database_url, text, key))


if __name__ == "__main__":
    main()
