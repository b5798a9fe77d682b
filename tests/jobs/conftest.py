"""Fixtures for the jobs tests.

- The coach's planners: the real core over a real database, with the coach's event hook wired as the lead wires
  it (planned messages collected instead of enqueued), and a clock the test moves.
- The outbox and sender: sessions on both databases, a virtual clock, a recording port.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker
from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.core import OkrBot
from bot.delivery.planned import PlannedMessage
from bot.domain.enums import Platform
from bot.invocation import Actor, CommandText, ConversationRef, Invocation
from bot.jobs.events import plan_for_events
from bot.service.events import DomainEvent
from storage.engine import session_factory
from storage.tables import Member
from tests.harness import NOW, Harness, company, okr
from tests.jobs.fakes import RecordingPort, VirtualTime

Planner = Callable[[AsyncSession, datetime], Awaitable[Sequence[PlannedMessage]]]


@dataclass
class Coach(Harness):
    """The harness, plus: people in their own time zones, the messages events planned, planners to run."""

    zones: dict[str, str] = field(default_factory=dict)
    from_events: list[PlannedMessage] = field(default_factory=list)

    def actor(self, who: str, *, admin: bool | None, workspace: str, platform: Platform) -> Actor:
        tz = self.zones.get(who, "UTC")
        return Actor(platform, workspace, user_id=who, display_name=who, tz=tz, is_admin=admin)

    async def in_channel(
        self, text: str, channel: str, *, who: str = "maya", admin: bool | None = True
    ) -> str:
        """A command typed in a channel (not the default test conversation)."""
        actor = self.actor(who, admin=admin, workspace="acme", platform=Platform.CONSOLE)
        response = await self.bot.handle(
            Invocation(actor, ConversationRef(Platform.CONSOLE, "acme", channel), CommandText(text))
        )
        return self.renderer.response(response)

    async def member_id(self, who: str) -> int:
        async with session_factory(self.engine)() as session:
            member = (await session.exec(select(Member).where(Member.platform_user_id == who))).one()
            assert member.id is not None
            return member.id

    async def run(self, planner: Planner, at: datetime | None = None) -> Sequence[PlannedMessage]:
        """One planner run at `at` (the clock by default), in its own committed transaction."""
        async with session_factory(self.engine)() as session, session.begin():
            return await planner(session, at or self.clock[0])

    async def sweep(
        self, planner: Planner, start: datetime, end: datetime, step: timedelta = timedelta(minutes=1)
    ) -> list[tuple[datetime, PlannedMessage]]:
        """Run `planner` every `step` from `start` to `end`, as a clock would: what it planned, and when."""
        found: list[tuple[datetime, PlannedMessage]] = []
        at = start
        async with session_factory(self.engine)() as session:
            while at <= end:
                async with session.begin():
                    found += [(at, message) for message in await planner(session, at)]
                at += step
        return found


@pytest.fixture
async def coach(engine: AsyncEngine) -> AsyncIterator[Coach]:
    clock = [NOW]
    harness: Coach

    async def hook(session: AsyncSession, events: Sequence[DomainEvent]) -> None:
        harness.events.extend(events)
        harness.from_events.extend(await plan_for_events(session, events, clock[0]))

    bot = OkrBot(session_factory(engine), clock=lambda: clock[0], event_hooks=[hook])
    harness = Coach(bot, engine, clock)
    yield harness


def keys(found: Sequence[Any]) -> list[str]:
    return [item[1].key if isinstance(item, tuple) else item.key for item in found]


# -- the outbox and the sender ----------------------------------------------------------------------------

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


__all__ = ["company", "okr"]  # the core over a real database, for the hook tests
