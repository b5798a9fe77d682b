"""A message the bot has decided to send: what, to whom, and the key that makes it happen once."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from bot.invocation import ConversationRef
from bot.views.cards import Card


@dataclass(frozen=True)
class ToMember:
    """A direct message to a member (storage.tables.Member.id)."""

    member_id: int


@dataclass(frozen=True)
class ToConversation:
    """A post in a channel or group conversation."""

    conversation: ConversationRef


@dataclass(frozen=True)
class UpdateSent:
    """A new look for a message sent earlier: the one planned under `key` (a check-in prompt, once done)."""

    key: str


Target = ToMember | ToConversation | UpdateSent


@dataclass(frozen=True)
class PlannedMessage:
    """One row of the outbox to be. `key` is unique forever: planning the same key twice sends once.

    Keys name what the message is about, e.g. `checkin:<member>:<period>`, `remind:<member>:<period>`,
    `celebrate:<kr>:<cycle>`, `digest:<channel>:<week>`.
    """

    key: str
    workspace_id: int  # storage.tables.Workspace.id
    target: Target
    card: Card
    not_before: datetime | None = None  # send no earlier than this (UTC); None: as soon as possible
