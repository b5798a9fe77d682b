"""Who is acting, in which workspace, at what time: passed to every use case."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from zoneinfo import ZoneInfo

from bot.domain.cycles import Cycle
from bot.domain.enums import Platform
from bot.invocation import ConversationRef
from bot.service.events import DomainEvent
from storage.repository import WorkspaceRepository
from storage.tables import Member, Workspace


@dataclass
class Context:
    repo: WorkspaceRepository
    workspace: Workspace
    me: Member
    now: datetime
    events: list[DomainEvent] = field(default_factory=list)
    # Where the command was typed: `okr config celebrate here` names it. None outside an invocation.
    conversation: ConversationRef | None = None

    @property
    def platform(self) -> Platform:
        return self.workspace.platform

    @property
    def is_admin(self) -> bool:
        return self.me.is_admin

    @property
    def workspace_id(self) -> int:
        assert self.workspace.id is not None
        return self.workspace.id

    @property
    def me_id(self) -> int:
        assert self.me.id is not None
        return self.me.id

    @property
    def current_cycle(self) -> Cycle:
        """The quarter it is now where the caller lives."""
        return Cycle.containing(self.now.astimezone(ZoneInfo(self.me.tz)).date())
