"""`okrbot tick` and `okrbot worker` on a real SQLite file, printing through the console port."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa

from adapters.cli import main
from bot.domain.enums import Platform
from storage.engine import create_engine, session_factory
from storage.migrate import upgrade
from storage.tables import InboundReceipt, OutboxStatus
from storage.types import utcnow
from tests.children import python_path
from tests.jobs.fakes import add_workspace
from tests.jobs.helpers import dm, put, rows

NOW = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)


async def _prepare(url: str, now: datetime = NOW) -> None:
    await upgrade(url)
    engine = create_engine(url)
    try:
        sessions = session_factory(engine)
        workspace, members = await add_workspace(
            sessions, "local", ["maya", "sam"], platform=Platform.CONSOLE
        )
        await put(
            sessions,
            dm("checkin:maya", workspace, members["maya"], title="Time for your weekly check-in"),
            dm("remind:sam", workspace, members["sam"], title="A reminder", not_before=now),
            now=now - timedelta(hours=1),
        )
    finally:
        await engine.dispose()


async def _statuses(url: str) -> dict[str, tuple[OutboxStatus, str | None]]:
    engine = create_engine(url)
    try:
        return {
            key: (row.status, row.claimed_by) for key, row in (await rows(session_factory(engine))).items()
        }
    finally:
        await engine.dispose()


def test_tick_sends_what_is_due_at_now_and_prints_a_summary(
    sqlite_url: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    asyncio.run(_prepare(sqlite_url))
    monkeypatch.setenv("DATABASE_URL", sqlite_url)

    assert main(["tick", "--now", "2026-11-30T10:00:00+01:00"]) == 0
    out = capsys.readouterr().out
    assert "── to @maya in local · message 1\nTime for your weekly check-in" in out
    assert out.endswith("planned 0 (0 new), sent 2, retried 0, failed 0\n")

    assert main(["tick", "--now", "2026-11-30T09:00:00Z"]) == 0
    assert capsys.readouterr().out == "planned 0 (0 new), sent 0, retried 0, failed 0\n"
    assert {status for status, _ in asyncio.run(_statuses(sqlite_url)).values()} == {OutboxStatus.SENT}


@pytest.mark.parametrize(
    ("given", "error"),
    [
        ("tomorrow", "argument --now: 'tomorrow' is not a time like 2026-11-30T09:00:00Z"),
        ("2026-11-30T09:00", "argument --now: '2026-11-30T09:00' has no time zone: add Z (UTC) or an offset"),
    ],
)
def test_tick_refuses_a_time_it_cannot_read(
    given: str, error: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as exited:
        main(["tick", "--now", given])
    assert exited.value.code == 2
    err = capsys.readouterr().err
    assert err.startswith("usage: okrbot tick") and error in err


def test_tick_on_a_database_not_migrated_says_how_to_fix_it(
    sqlite_url: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("DATABASE_URL", sqlite_url)
    assert main(["tick"]) == 2
    assert 'run "okrbot db upgrade"' in capsys.readouterr().err


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT])
def test_the_worker_sends_until_a_signal_and_leaves_no_claims(
    sqlite_url: str, tmp_path: Path, signum: signal.Signals
) -> None:
    asyncio.run(_prepare(sqlite_url, utcnow()))
    env = {**os.environ, "DATABASE_URL": sqlite_url, "OKRBOT_ENV": "development", "PYTHONPATH": python_path()}
    worker = subprocess.Popen(
        [sys.executable, "-c", "from adapters.cli import main; raise SystemExit(main(['worker']))"],
        env=env,
        cwd=tmp_path,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert worker.stdout is not None
        seen = ""
        deadline = time.monotonic() + 20
        while "A reminder" not in seen or "Time for your weekly check-in" not in seen:
            assert time.monotonic() < deadline, seen
            seen += worker.stdout.readline()
        worker.send_signal(signum)
        assert worker.wait(timeout=20) == 0
    finally:
        if worker.poll() is None:
            worker.kill()
    assert worker.stderr is not None
    assert "stopped" in worker.stderr.read()
    statuses = asyncio.run(_statuses(sqlite_url))
    assert {status for status, _ in statuses.values()} == {OutboxStatus.SENT}


async def _receipt_keys_after(url: str, **ages: timedelta) -> set[str]:
    engine = create_engine(url)
    try:
        async with session_factory(engine)() as session, session.begin():
            session.add_all(InboundReceipt(key=key, received_at=utcnow() - age) for key, age in ages.items())
    finally:
        await engine.dispose()
    return set(ages)


async def _receipt_keys(url: str) -> set[str]:
    engine = create_engine(url)
    try:
        async with engine.connect() as connection:
            return set((await connection.execute(sa.text("SELECT key FROM inbound_receipt"))).scalars())
    finally:
        await engine.dispose()


def test_tick_prunes_by_the_real_time_not_by_now(sqlite_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """Cron-style hosting has no long-running clock: `okrbot tick` does the housekeeping too."""
    asyncio.run(_prepare(sqlite_url))
    asyncio.run(_receipt_keys_after(sqlite_url, old=timedelta(days=2), recent=timedelta(hours=1)))
    monkeypatch.setenv("DATABASE_URL", sqlite_url)

    # A tick planned for next year still keeps the receipt from an hour ago.
    assert main(["tick", "--now", f"{(utcnow() + timedelta(days=365)).date()}T09:00:00Z"]) == 0
    assert asyncio.run(_receipt_keys(sqlite_url)) == {"recent"}
