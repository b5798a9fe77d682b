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
    """Sends on the bot's own initiative. Raises DeliveryFailed when the platform would not take it."""

    async def send_dm(self, recipient: Recipient, card: Card) -> MessageRef: ...

    async def post(self, conversation: ConversationRef, card: Card) -> MessageRef: ...

    async def update(self, message: MessageRef, card: Card) -> None: ...

    async def close(self) -> None:
        """Let go of what the port holds open (connections, pools), at shutdown; sends nothing."""
        ...


class DeliveryFailed(Exception):
    """A platform did not take a message after the adapter's own retries.

    `retryable` says whether trying again later may work (429, 5xx, timeouts) or never will (the channel is
    gone, the bot was removed). `retry_after` is the platform's own wait in seconds, when it gave one.
    `turned_away`: the platform answered with a refusal (a 429 or a 5xx) rather than a result, so the call
    most likely did not count against its rate limit (a 429 never does); the sender's pacer may let another
    send have its place.
    """

    def __init__(
        self, reason: str, *, retryable: bool, retry_after: float | None = None, turned_away: bool = False
    ) -> None:
        super().__init__(reason)
        self.reason = reason
        self.retryable = retryable
        self.retry_after = retry_after
        self.turned_away = turned_away
