"""What the parts of one sender share: its name, settings and clock, its way to the database, its running
totals, and whether it is stopping."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from dataclasses import dataclass, field

from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.delivery.sender_config import SenderConfig, SendReport
from bot.domain.clock import Clock


@dataclass
class SenderState:
    name: str
    config: SenderConfig
    clock: Clock
    sessions: async_sessionmaker[AsyncSession]
    totals: SendReport = field(default_factory=SendReport)
    stopping: bool = False  # set once by Sender.stop (or when run ends); every part looks before it starts
    write_lock: asyncio.Lock | None = None

    def __post_init__(self) -> None:
        # SQLite has one writer: queueing writes here is far cheaper than SQLite's busy-wait between connections.
        bind = self.sessions.kw.get("bind")
        if bind is not None and bind.dialect.name == "sqlite":
            self.write_lock = asyncio.Lock()

    @contextlib.asynccontextmanager
    async def writing(self) -> AsyncIterator[AsyncSession]:
        """A session in a write transaction (one at a time on SQLite)."""
        async with contextlib.AsyncExitStack() as stack:
            if self.write_lock is not None:
                await stack.enter_async_context(self.write_lock)
            session = await stack.enter_async_context(self.sessions())
            await stack.enter_async_context(session.begin())
            yield session
