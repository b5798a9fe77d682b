"""Fixtures for the outbox and sender tests: sessions on both databases, a virtual clock, a recording port."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.engine import session_factory
from tests.jobs.fakes import RecordingPort, VirtualTime

START = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)


@pytest.fixture
def sessions(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    return session_factory(engine)


@pytest.fixture
def time() -> VirtualTime:
    return VirtualTime(START)


@pytest.fixture
def port(time: VirtualTime) -> RecordingPort:
    return RecordingPort(clock=time.clock)


from tests.harness import company, okr  # noqa: E402  (the core over a real database, for the hook tests)

__all__ = ["company", "okr"]
