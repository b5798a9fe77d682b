"""A ChatPort with no chat platform: what the bot sends on its own is written to the terminal as text."""

from __future__ import annotations

import itertools
from collections.abc import Callable

from adapters.console.render import TextRenderer
from bot.domain.enums import Platform
from bot.invocation import ConversationRef
from bot.ports import MessageRef, Recipient
from bot.views.cards import Card


class ConsoleChatPort:
    """Writes each message, with who it is for, through `write` (print by default)."""

    def __init__(
        self, write: Callable[[str], None] = print, *, platform: Platform = Platform.CONSOLE
    ) -> None:
        self.write = write
        self.platform = platform
        self._numbers = itertools.count(1)

    def _show(self, heading: str, card: Card) -> str:
        number = str(next(self._numbers))
        self.write(f"── {heading} · message {number}\n{TextRenderer().card(card)}")
        return number

    async def send_dm(self, recipient: Recipient, card: Card) -> MessageRef:
        number = self._show(f"to @{recipient.user_id} in {recipient.workspace_id}", card)
        conversation = ConversationRef(self.platform, recipient.workspace_id, f"dm:{recipient.user_id}")
        return MessageRef(conversation, number)

    async def post(self, conversation: ConversationRef, card: Card) -> MessageRef:
        number = self._show(f"in {conversation.opaque} of {conversation.workspace_id}", card)
        return MessageRef(conversation, number)

    async def update(self, message: MessageRef, card: Card) -> None:
        self._show(f"replaces message {message.opaque} in {message.conversation.opaque}", card)

    async def close(self) -> None:
        """Nothing to let go of: the terminal is the caller's."""
