"""What the Teams adapter must remember to message people later: conversation references and roster ids.

Teams lets a bot start a conversation only through a reference it stored (the service URL, the conversation,
the bot's own id) or, for a 1:1 chat that does not exist yet, through the user's Teams id and the service URL of
a team the user is in. The references are opaque JSON here; only the adapter reads them.
"""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from storage.types import UTCDateTime, utcnow

CONVERSATION_ID_LEN = 512
URL_LEN = 512


class TeamsConversation(SQLModel, table=True):
    """A conversation the bot is in (a personal chat, a channel, a group chat), refreshed on every message."""

    __tablename__ = "teams_conversation"
    __table_args__ = (
        sa.UniqueConstraint("workspace_id", "conversation_id", name="uq_teams_conversation"),
        sa.Index("ix_teams_conversation_user", "workspace_id", "user_id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    workspace_id: int = Field(foreign_key="workspace.id", ondelete="CASCADE", index=False)
    conversation_id: str = Field(max_length=CONVERSATION_ID_LEN)
    kind: str = Field(max_length=16)  # personal, channel, groupChat
    user_id: str | None = Field(default=None, max_length=255)  # the person, in a personal chat
    reference: str = Field(sa_type=sa.Text)  # a Bot Framework ConversationReference as JSON
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class TeamsUser(SQLModel, table=True):
    """A person seen in a roster or a message: enough to open a 1:1 chat with them."""

    __tablename__ = "teams_user"
    __table_args__ = (sa.UniqueConstraint("workspace_id", "user_id", name="uq_teams_user"),)

    id: int | None = Field(default=None, primary_key=True)
    workspace_id: int = Field(foreign_key="workspace.id", ondelete="CASCADE", index=False)
    user_id: str = Field(max_length=255)  # the Teams id (29:...), as members are known in the core
    aad_object_id: str | None = Field(default=None, max_length=64)
    service_url: str = Field(max_length=URL_LEN)
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
