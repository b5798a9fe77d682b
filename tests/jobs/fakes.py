"""Test doubles for the sender: a chat port that records what it delivered, and a clock tests move by hand."""

from __future__ import annotations

import asyncio
import itertools
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.domain.enums import Platform
from bot.invocation import ConversationRef
from bot.ports import MessageRef, Recipient
from bot.views.cards import Card
from storage.tables import Member, Workspace


class VirtualTime:
    """A clock that only moves when told to, or when someone sleeps on it (sleeping is instant).

    Sleepers that overlap do not add up: the clock moves to the latest wake-up asked for, like real time.
    """

    def __init__(self, start: datetime) -> None:
        self.now = start
        self.sleeps: list[float] = []

    def clock(self) -> datetime:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        target = self.now + timedelta(seconds=seconds)
        await asyncio.sleep(0)
        self.now = max(self.now, target)

    def advance(self, seconds: float) -> None:
        self.now += timedelta(seconds=seconds)


@dataclass(frozen=True)
class Call:
    kind: str  # "dm", "post", "update"
    workspace: str
    to: str  # user id, channel, or the updated message's id
    title: str
    at: datetime
    delivered: bool


@dataclass
class RecordingPort:
    """A ChatPort that delivers unless `script` says otherwise for a card title.

    `script[title]` is a list of what the next calls for that title do: an exception to raise, or "hang" to
    never answer. When the list is empty the call is delivered. Every call is recorded, delivered or not.
    """

    clock: Callable[[], datetime]
    script: dict[str, list[BaseException | str]] = field(default_factory=dict)
    calls: list[Call] = field(default_factory=list)
    platform: Platform = Platform.SLACK
    _ids: itertools.count[int] = field(default_factory=lambda: itertools.count(1))

    @property
    def delivered(self) -> list[Call]:
        return [call for call in self.calls if call.delivered]

    async def _call(self, kind: str, workspace: str, to: str, card: Card) -> str:
        at = self.clock()  # first thing: the moment the platform sees the request
        plan = self.script.get(card.title)
        step = plan.pop(0) if plan else None
        self.calls.append(Call(kind, workspace, to, card.title, at, delivered=step is None))
        if step == "hang":
            await asyncio.Event().wait()
        if isinstance(step, BaseException):
            raise step
        await asyncio.sleep(0)
        return f"m{next(self._ids)}"

    async def send_dm(self, recipient: Recipient, card: Card) -> MessageRef:
        message = await self._call("dm", recipient.workspace_id, recipient.user_id, card)
        return MessageRef(
            ConversationRef(self.platform, recipient.workspace_id, f"D-{recipient.user_id}"), message
        )

    async def post(self, conversation: ConversationRef, card: Card) -> MessageRef:
        message = await self._call("post", conversation.workspace_id, conversation.opaque, card)
        return MessageRef(conversation, message)

    async def update(self, message: MessageRef, card: Card) -> None:
        await self._call("update", message.conversation.workspace_id, message.opaque, card)

    async def close(self) -> None:
        pass


async def add_workspace(
    sessions: async_sessionmaker[AsyncSession],
    external_id: str,
    users: list[str],
    *,
    platform: Platform = Platform.SLACK,
) -> tuple[int, dict[str, int]]:
    """A workspace with members; its id and each user's member id."""
    async with sessions() as session, session.begin():
        workspace = Workspace(platform=platform, external_id=external_id)
        session.add(workspace)
        await session.flush()
        assert workspace.id is not None
        members = [
            Member(workspace_id=workspace.id, platform_user_id=user, display_name=user, name_key=user)
            for user in users
        ]
        session.add_all(members)
        await session.flush()
        return workspace.id, {member.platform_user_id: member.id or 0 for member in members}
