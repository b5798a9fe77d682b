"""A sender in a process of its own, for the multi-process tests: sends until the outbox is empty.

    python -m tests.jobs.sender_process DATABASE_URL LOG --name NAME [--lease 2] [--latency 0.01] [--go FILE]

Its ChatPort appends each delivered message's title to LOG (one line, O_APPEND) after a simulated platform
latency; a line in LOG is a message the platform took. With --go it waits for FILE to exist before sending,
so that tests can start several at the same moment; with --hang-after N the port stops answering after N
deliveries, so that a test can kill it while it certainly holds claims.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
from pathlib import Path

import sqlalchemy as sa

from bot.delivery.sender import Sender
from bot.delivery.sender_config import SenderConfig
from bot.domain.enums import Platform
from bot.invocation import ConversationRef
from bot.ports import MessageRef, Recipient
from bot.views.cards import Card
from storage.engine import create_engine, session_factory
from storage.tables import Outbox, OutboxStatus


class FileLogPort:
    def __init__(self, path: Path, latency: float, hang_after: int | None) -> None:
        self.fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
        self.latency = latency
        self.hang_after = hang_after
        self.count = 0

    async def _deliver(self, workspace: str, conversation: str, card: Card) -> MessageRef:
        if self.hang_after is not None and self.count >= self.hang_after:
            await asyncio.Event().wait()  # the platform stops answering: calls stay in flight until killed
        await asyncio.sleep(self.latency)
        os.write(self.fd, f"{card.title}\n".encode())
        self.count += 1
        return MessageRef(ConversationRef(Platform.SLACK, workspace, conversation), str(self.count))

    async def send_dm(self, recipient: Recipient, card: Card) -> MessageRef:
        return await self._deliver(recipient.workspace_id, f"D-{recipient.user_id}", card)

    async def post(self, conversation: ConversationRef, card: Card) -> MessageRef:
        return await self._deliver(conversation.workspace_id, conversation.opaque, card)

    async def update(self, message: MessageRef, card: Card) -> None:
        await self._deliver(message.conversation.workspace_id, message.conversation.opaque, card)

    async def close(self) -> None:
        os.close(self.fd)


async def _unfinished(engine: sa.ext.asyncio.AsyncEngine) -> int:
    async with engine.connect() as connection:
        query = sa.select(sa.func.count()).where(
            Outbox.status.in_([OutboxStatus.PENDING, OutboxStatus.SENDING])  # type: ignore[attr-defined]
        )
        return int((await connection.execute(query)).scalar_one())


async def main(args: argparse.Namespace) -> int:
    engine = create_engine(args.database_url)
    try:
        sessions = session_factory(engine)
        config = SenderConfig(
            rates={Platform.SLACK: args.rate},
            lease=args.lease,
            send_timeout=args.lease / 4,
            batch=10,
            in_flight=2,
            parallel_workspaces=args.parallel,
        )
        sender = Sender(
            sessions,
            {Platform.SLACK: FileLogPort(args.log, args.latency, args.hang_after)},
            config=config,
            name=args.name,
        )
        print("ready", flush=True)
        while args.go is not None and not args.go.exists():  # noqa: ASYNC110  (another process makes it)
            await asyncio.sleep(0.01)
        async with asyncio.timeout(120):
            while await _unfinished(engine):
                await sender.send_due()
                await asyncio.sleep(0.1)  # rows another sender holds: wait for them to be sent or expire
        print(f"sent {sender.totals.sent}", flush=True)
        return 0
    finally:
        await engine.dispose()


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("database_url")
    parser.add_argument("log", type=Path)
    parser.add_argument("--name", required=True)
    parser.add_argument("--lease", type=float, default=2.0)
    parser.add_argument("--latency", type=float, default=0.01)
    parser.add_argument("--rate", type=float, default=100.0)
    parser.add_argument("--go", type=Path)
    parser.add_argument("--parallel", type=int, default=32, help="workspaces this sender sends to at once")
    parser.add_argument("--hang-after", type=int, help="deliver this many, then never answer again")
    sys.exit(asyncio.run(main(parser.parse_args())))
