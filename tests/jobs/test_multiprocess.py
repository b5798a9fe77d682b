"""Several sender processes on one real PostgreSQL: each message goes once; a sender killed with SIGKILL in the
middle of a fan-out loses nothing, and another finishes its work once its leases run out.

PostgreSQL only (SQLite is one machine, one writer); like every PostgreSQL test these fail, not skip, when
CI=true and no server is configured (tests/conftest.py).
"""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
from collections import Counter
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.engine import create_engine, session_factory
from storage.migrate import upgrade
from storage.tables import OutboxStatus
from storage.types import utcnow
from tests.children import python_path
from tests.jobs.fakes import add_workspace
from tests.jobs.helpers import dm, put, rows

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
async def pg_sessions(postgres_url: str) -> AsyncIterator[async_sessionmaker[AsyncSession]]:
    await upgrade(postgres_url)
    engine = create_engine(postgres_url)
    try:
        yield session_factory(engine)
    finally:
        await engine.dispose()


async def _fan_out(sessions: async_sessionmaker[AsyncSession], *, workspaces: int, members: int) -> set[str]:
    keys = set()
    for w in range(workspaces):
        workspace, ids = await add_workspace(sessions, f"T{w}", [f"U{i}" for i in range(members)])
        planned = [dm(f"checkin:T{w}:{user}", workspace, member) for user, member in ids.items()]
        await put(sessions, *planned, now=utcnow())
        keys |= {message.key for message in planned}
    return keys


def _start(url: str, log: Path, name: str, *extra: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "tests.jobs.sender_process", url, str(log), "--name", name, *extra],
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": python_path()},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _delivered(*logs: Path) -> Counter[str]:
    return Counter(line for log in logs if log.exists() for line in log.read_text().splitlines())


async def _finish(process: subprocess.Popen[str], within: float = 90) -> str:
    out, err = await asyncio.to_thread(process.communicate, timeout=within)
    assert process.returncode == 0, err
    return out


async def test_two_sender_processes_send_each_message_once(
    postgres_url: str, pg_sessions: async_sessionmaker[AsyncSession], tmp_path: Path
) -> None:
    keys = await _fan_out(pg_sessions, workspaces=4, members=100)
    go = tmp_path / "go"
    logs = [tmp_path / "a.log", tmp_path / "b.log"]
    # Each sends to two workspaces at a time, and a workspace's 100 take four seconds at 25 a second: whichever
    # sees the go file first leaves the other two workspaces to the other. (With every workspace at once, the
    # first could claim all four before the other looked, and the test would not show them sharing.)
    processes = [
        _start(
            postgres_url, log, name, "--go", str(go), "--rate", "25", "--latency", "0.005", "--parallel", "2"
        )
        for log, name in zip(logs, ["sender-a", "sender-b"], strict=True)
    ]
    for process in processes:  # both connected and waiting
        assert process.stdout is not None
        assert await asyncio.to_thread(process.stdout.readline) == "ready\n"
    go.touch()
    for process in processes:
        await _finish(process)

    delivered = _delivered(*logs)
    assert set(delivered) == keys
    assert set(delivered.values()) == {1}
    stored = await rows(pg_sessions)
    assert {row.status for row in stored.values()} == {OutboxStatus.SENT}
    by_sender = Counter(row.claimed_by for row in stored.values())
    assert set(by_sender) == {"sender-a", "sender-b"}, by_sender  # they really shared the work
    assert Counter(line for line in _delivered(logs[0])) == Counter(
        key for key, row in stored.items() if row.claimed_by == "sender-a"
    )


async def test_a_sender_killed_mid_fan_out_loses_nothing_and_another_finishes(
    postgres_url: str, pg_sessions: async_sessionmaker[AsyncSession], tmp_path: Path
) -> None:
    keys = await _fan_out(pg_sessions, workspaces=3, members=100)
    victim_log, survivor_log = tmp_path / "victim.log", tmp_path / "survivor.log"
    victim = _start(
        postgres_url,
        victim_log,
        "victim",
        "--rate",
        "50",
        "--latency",
        "0.01",
        "--lease",
        "2",
        "--hang-after",
        "60",
    )
    async with asyncio.timeout(60):
        while len(_delivered(victim_log)) < 60:  # noqa: ASYNC110  (another process writes it)
            await asyncio.sleep(0.02)
    await asyncio.sleep(0.5)  # what it delivered is recorded; what it sends now hangs, claimed
    victim.send_signal(signal.SIGKILL)
    victim.wait(timeout=10)
    before = _delivered(victim_log)
    stored = await rows(pg_sessions)
    held = {key for key, row in stored.items() if row.status == OutboxStatus.SENDING}
    assert held and {stored[key].claimed_by for key in held} == {"victim"}
    assert 60 <= len(before) < len(keys)  # killed in the middle

    survivor = _start(
        postgres_url, survivor_log, "survivor", "--rate", "100", "--latency", "0.005", "--lease", "2"
    )
    await _finish(survivor)

    delivered = _delivered(victim_log, survivor_log)
    assert set(delivered) == keys  # nothing lost
    assert set(delivered.values()) == {1}  # and, as the victim recorded all it delivered, nothing twice
    stored = await rows(pg_sessions)
    assert {row.status for row in stored.values()} == {OutboxStatus.SENT}
    assert {stored[key].claimed_by for key in held} == {"survivor"}  # its claims came back through the leases
