"""GET /readyz: 200 only when the database answers at the code's schema revision; 503 with a reason when it
does not answer (quickly, even when it hangs), is not migrated or is behind, and once shutdown has begun."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator

import pytest
import sqlalchemy as sa
from aiohttp import ClientSession
from sqlalchemy.ext.asyncio import AsyncEngine

from storage import migrate
from storage.engine import create_engine
from tests.ops.conftest import closed_port, probes


async def _get(http: ClientSession, server_url: str) -> tuple[int, dict[str, object]]:
    async with http.get(server_url) as response:
        return response.status, await response.json()


async def test_a_migrated_database_is_ready(engine: AsyncEngine, http: ClientSession) -> None:
    async with probes(engine) as server:
        assert await _get(http, str(server.make_url("/readyz"))) == (200, {"ok": True})
        assert await _get(http, str(server.make_url("/healthz"))) == (200, {"ok": True})


async def test_a_database_never_migrated_is_not_ready(database_url: str, http: ClientSession) -> None:
    engine = create_engine(database_url)
    try:
        async with probes(engine) as server:
            status, body = await _get(http, str(server.make_url("/readyz")))
    finally:
        await engine.dispose()
    assert status == 503
    assert body == {"ok": False, "reason": 'the database is not migrated: run "okrbot db upgrade"'}


async def test_a_database_behind_the_code_is_not_ready(database_url: str, http: ClientSession) -> None:
    await migrate.upgrade(database_url)
    await migrate.downgrade(database_url, "-1")
    engine = create_engine(database_url)
    try:
        behind = await migrate.current_revision(engine)
        async with probes(engine) as server:
            status, body = await _get(http, str(server.make_url("/readyz")))
            assert status == 503
            assert body["reason"] == (
                f"the database is at revision {behind}, this code expects {migrate.head_revision()}"
            )
            await migrate.upgrade(database_url)  # the upgrade is run: ready, without a restart
            assert await _get(http, str(server.make_url("/readyz"))) == (200, {"ok": True})
    finally:
        await engine.dispose()


async def test_a_database_newer_code_migrated_keeps_this_instance_ready(
    database_url: str, http: ClientSession
) -> None:
    """A rolling deploy migrates before the old instances are replaced: they must not all drop out meanwhile."""
    await migrate.upgrade(database_url)
    engine = create_engine(database_url)
    try:
        async with engine.begin() as connection:
            await connection.execute(sa.text("UPDATE alembic_version SET version_num = 'f00dfeed1234'"))
        async with probes(engine) as server:
            assert await _get(http, str(server.make_url("/readyz"))) == (200, {"ok": True})
    finally:
        await engine.dispose()


async def test_a_database_that_is_gone_fails_the_probe_at_once(http: ClientSession) -> None:
    engine = create_engine(f"postgresql://okrbot:secret@127.0.0.1:{closed_port()}/okrbot")
    try:
        async with probes(engine) as server:
            started = time.monotonic()
            status, body = await _get(http, str(server.make_url("/readyz")))
            elapsed = time.monotonic() - started
            # /healthz says nothing about the database: the process is up.
            assert (await _get(http, str(server.make_url("/healthz"))))[0] == 200
    finally:
        await engine.dispose()
    assert status == 503
    assert str(body["reason"]).startswith("the database is unreachable (")
    assert "secret" not in str(body)  # the URL's password stays out of the answer
    assert elapsed < 1.0


@pytest.fixture
async def silent_database() -> AsyncIterator[int]:
    """A port that accepts connections and never says a word, like a database host that hangs."""
    held: list[asyncio.StreamWriter] = []

    async def accept(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        held.append(writer)

    server = await asyncio.start_server(accept, "127.0.0.1", 0)
    try:
        yield server.sockets[0].getsockname()[1]
    finally:
        for writer in held:
            writer.close()
        server.close()
        await server.wait_closed()


async def test_a_hung_database_fails_the_probe_within_its_timeout(
    silent_database: int, http: ClientSession
) -> None:
    engine = create_engine(f"postgresql://okrbot:secret@127.0.0.1:{silent_database}/okrbot")
    try:
        async with probes(engine, ready_within=0.3) as server:
            started = time.monotonic()
            status, body = await _get(http, str(server.make_url("/readyz")))
            elapsed = time.monotonic() - started
    finally:
        await engine.dispose()
    assert (status, body) == (503, {"ok": False, "reason": "the database did not answer within 0.3s"})
    assert 0.3 <= elapsed < 1.5


async def test_once_shutdown_begins_the_probe_says_so(engine: AsyncEngine, http: ClientSession) -> None:
    async with probes(engine) as server:
        url = str(server.make_url("/readyz"))
        assert (await _get(http, url))[0] == 200
        await server.app.shutdown()  # what aiohttp does on SIGTERM, before it waits for requests in flight
        assert await _get(http, url) == (503, {"ok": False, "reason": "shutting down"})
        assert (await _get(http, str(server.make_url("/healthz"))))[0] == 200
