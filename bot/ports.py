"""What the core needs from a chat platform for messages it sends on its own (not replies)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from bot.invocation import ConversationRef
from bot.views.cards import Card


@dataclass(frozen=True)
class MessageRef:
    """A message the bot sent, so that it can update it later."""

    conversation: ConversationRef
    opaque: str  # Slack's ts, Teams' activity id


@dataclass(frozen=True)
class Recipient:
    """A member to message directly."""

    workspace_id: str
    user_id: str


class ChatPort(Protocol):
    async def send_dm(self, recipient: Recipient, card: Card) -> MessageRef: ...

    async def post(self, conversation: ConversationRef, card: Card) -> MessageRef: ...

    async def update(self, message: MessageRef, card: Card) -> None: ...
