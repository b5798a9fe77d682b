"""Database URLs as hosting platforms give them: Heroku's `postgres://...?sslmode=require`, and the other libpq
parameters people paste (application_name, connect_timeout), reach a real PostgreSQL as they mean."""

from __future__ import annotations

import asyncpg
import pytest
from sqlalchemy.engine import make_url

from storage.engine import create_engine, normalise_database_url


def _as_host_writes_it(postgres_url: str, query: str) -> str:
    """The test database's URL in Heroku's spelling (`postgres://`), with `query`."""
    return "postgres://" + postgres_url.split("://", 1)[1] + "?" + query


async def _connection_facts(url: str) -> tuple[str, bool]:
    engine = create_engine(url)
    try:
        async with engine.connect() as connection:
            name = (await connection.exec_driver_sql("SHOW application_name")).scalar_one()
            ssl = (
                await connection.exec_driver_sql("SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()")
            ).scalar_one()
            return name, ssl
    finally:
        await engine.dispose()


@pytest.mark.parametrize("sslmode", ["disable", "prefer", "allow"])
async def test_a_heroku_style_url_with_libpq_parameters_connects(postgres_url: str, sslmode: str) -> None:
    url = _as_host_writes_it(postgres_url, f"sslmode={sslmode}&application_name=okrbot-web&connect_timeout=5")

    name, ssl = await _connection_facts(url)

    assert name == "okrbot-web"  # a DSN-only parameter, not dropped
    assert ssl is False  # the test server has no TLS; prefer and allow fall back as libpq would


async def test_sslmode_require_is_enforced_not_dropped(postgres_url: str) -> None:
    """The test server speaks no TLS, so a URL that requires it must fail rather than connect in the clear."""
    engine = create_engine(_as_host_writes_it(postgres_url, "sslmode=require"))
    try:
        with pytest.raises((ConnectionError, OSError, asyncpg.PostgresError)) as refused:
            async with engine.connect():
                pass
        assert "ssl" in str(refused.value).lower()
    finally:
        await engine.dispose()


def test_heroku_database_url_becomes_asyncpg_with_ssl_require() -> None:
    written = "postgres://u:p@ec2-1-2-3-4.compute-1.amazonaws.com:5432/d8abc?sslmode=require"

    url = make_url(normalise_database_url(written))

    assert url.drivername == "postgresql+asyncpg"
    assert (url.host, url.port, url.database, url.password) == (
        "ec2-1-2-3-4.compute-1.amazonaws.com",
        5432,
        "d8abc",
        "p",
    )
    assert dict(url.query) == {"ssl": "require"}


def test_a_connect_timeout_that_is_not_a_number_is_named() -> None:
    with pytest.raises(ValueError, match="connect_timeout='soon'"):
        create_engine("postgres://u@db/okr?connect_timeout=soon")
