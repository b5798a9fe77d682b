"""Fixtures shared by every test.

Databases: `database_url` runs a test on SQLite (a file in tmp_path) and on PostgreSQL (a fresh database on
the server in OKRBOT_TEST_POSTGRES_URL, dropped afterwards). Start a throwaway server with
`eval "$(.ci/postgres.sh start)"`. Without the variable the PostgreSQL runs are skipped, except when CI=true,
where they fail: CI never passes without PostgreSQL. `engine` and `session` are the same, migrated to head.

Time: `pytest --at 2027-03-28T00:30:00Z` runs the suite as if the clock said so (time-machine moves Python's
clock for the whole process, and for every Python process a test starts), from that moment on at the real pace.
No test may build an expectation from the real date: CI runs the suite today and at such instants.
"""

from __future__ import annotations

import os
import time
import uuid
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path

import asyncpg
import pytest
import time_machine
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.engine import create_engine, session_factory
from storage.migrate import upgrade

# --------------------------------------------------------------------------------------------------- time

TRAVEL_SITE = Path(__file__).parent / "travel"  # its sitecustomize moves child processes' clocks too


DATABASES = ("sqlite", "postgres")


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--at",
        metavar="TIME",
        help="run the tests as if it were TIME (ISO 8601, e.g. 2027-03-28T00:30:00Z; UTC without an offset)",
    )
    parser.addoption(
        "--databases",
        default=",".join(DATABASES),
        help="which databases to run the database tests on: sqlite, postgres or both (default sqlite,postgres)",
    )


def _instant(text: str) -> datetime:
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise pytest.UsageError(f"--at {text!r} is not a time like 2027-03-28T00:30:00Z") from None
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def pytest_configure(config: pytest.Config) -> None:
    text = config.getoption("--at")
    if not text:
        return
    moment = _instant(text)
    os.environ["OKRBOT_TEST_AT"] = moment.isoformat()
    os.environ["OKRBOT_TEST_AT_SET_AT"] = repr(time.time())  # the real time it was set at, before travelling
    os.environ["PYTHONPATH"] = os.pathsep.join(filter(None, [str(TRAVEL_SITE), os.environ.get("PYTHONPATH")]))
    time_machine.travel(moment, tick=True).start()


def pytest_report_header(config: pytest.Config) -> str | None:
    text = config.getoption("--at")
    return f"clock moved to {_instant(text).isoformat()} (--at)" if text else None


# ---------------------------------------------------------------------------------------------- databases

POSTGRES_URL_VARIABLE = "OKRBOT_TEST_POSTGRES_URL"


def _libpq_url(url: str, *, database: str | None = None) -> str:
    """`url` as asyncpg.connect takes it (no `+driver`), optionally naming another database."""
    parsed = make_url(url).set(drivername="postgresql")
    if database is not None:
        parsed = parsed.set(database=database)
    return parsed.render_as_string(hide_password=False)


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    """A URL to an SQLite file that does not exist yet."""
    return f"sqlite:///{tmp_path / 'okrbot.db'}"


@pytest.fixture
async def postgres_url() -> AsyncIterator[str]:
    """A URL to a new, empty PostgreSQL database of this test's own."""
    server_url = os.environ.get(POSTGRES_URL_VARIABLE)
    if not server_url:
        if os.environ.get("CI") == "true":
            pytest.fail(f"{POSTGRES_URL_VARIABLE} is not set, and CI=true: CI must test PostgreSQL too")
        pytest.skip(f'PostgreSQL: set {POSTGRES_URL_VARIABLE} (eval "$(.ci/postgres.sh start)") to run')

    name = f"okrbot_test_{uuid.uuid4().hex[:16]}"
    maintenance = await asyncpg.connect(_libpq_url(server_url))
    try:
        await maintenance.execute(f'CREATE DATABASE "{name}"')
    finally:
        await maintenance.close()
    try:
        yield _libpq_url(server_url, database=name)
    finally:
        maintenance = await asyncpg.connect(_libpq_url(server_url))
        try:
            # FORCE: a connection a failed test left open must not keep the database alive.
            await maintenance.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        finally:
            await maintenance.close()


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Leave out the tests of the databases `--databases` does not name."""
    wanted = {name.strip() for name in config.getoption("--databases").split(",") if name.strip()}
    if unknown := wanted - set(DATABASES):
        raise pytest.UsageError(
            f"--databases: unknown {', '.join(sorted(unknown))}; use sqlite, postgres or both"
        )
    if wanted == set(DATABASES):
        return
    kept, left_out = [], []
    for item in items:
        callspec = getattr(item, "callspec", None)
        database = callspec.params.get("database_url") if callspec is not None else None
        uses = (
            {database}
            if database
            else {name.removesuffix("_url") for name in getattr(item, "fixturenames", ())}
        )
        (left_out if uses & (set(DATABASES) - wanted) else kept).append(item)
    if left_out:
        config.hook.pytest_deselected(items=left_out)
        items[:] = kept


@pytest.fixture(params=["sqlite", "postgres"])
def database_url(request: pytest.FixtureRequest) -> str:
    """An empty database, once on SQLite and once on PostgreSQL."""
    url: str = request.getfixturevalue(f"{request.param}_url")
    return url


@pytest.fixture
async def engine(database_url: str) -> AsyncIterator[AsyncEngine]:
    """An engine on `database_url`, migrated to head."""
    await upgrade(database_url)
    engine = create_engine(database_url)
    try:
        yield engine
    finally:
        await engine.dispose()


@pytest.fixture
async def session(engine: AsyncEngine) -> AsyncIterator[AsyncSession]:
    async with session_factory(engine)() as session:
        yield session
