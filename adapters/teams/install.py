"""The bot joins a personal chat, a team or a group chat: remember where, link the roster, say hello."""

from __future__ import annotations

import logging
from datetime import datetime

from botbuilder.core import TurnContext
from botbuilder.core.teams import TeamsInfo
from botbuilder.schema.teams import TeamsChannelAccount
from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel.ext.asyncio.session import AsyncSession

from adapters.teams import references
from bot.views.cards import Card, Section, Tone
from storage.repository import WorkspaceRepository

log = logging.getLogger(__name__)

ROSTER_PAGE_SIZE = 200  # the most Teams returns per page (pagedmembers)


def welcome_card(*, personal: bool) -> Card:
    how = (
        "Type a command, for example **list** or **checkin KR3 40**."
        if personal
        else ("Mention me with a command, for example **@OKR list** or **@OKR show O1**.")
    )
    return Card(
        title="👋 Hi! I keep your team's OKRs right here in Teams.",
        tone=Tone.NEUTRAL,
        sections=(
            Section(text=how),
            Section(text="I'll send each key-result owner a weekly check-in, in their own time zone."),
        ),
        hints=("help shows everything I understand.", "new creates an objective."),
    )


async def roster(context: TurnContext) -> list[TeamsChannelAccount]:
    """Every member of the conversation (or the team), page by page."""
    members: list[TeamsChannelAccount] = []
    token: str | None = None
    while True:
        page = await TeamsInfo.get_paged_members(context, token, ROSTER_PAGE_SIZE)
        members += page.members or []
        token = page.continuation_token
        if not token:
            return members


async def link_members(
    sessions: async_sessionmaker[AsyncSession],
    *,
    tenant: str,
    default_tz: str,
    service_url: str,
    members: list[TeamsChannelAccount],
    now: datetime,
) -> int:
    """Members of the core for the people in a roster (created in the workspace's zone); how many were new."""
    created = 0
    async with sessions() as session, session.begin():
        workspace = await references.workspace_of(session, tenant, default_tz=default_tz)
        assert workspace.id is not None
        repo = WorkspaceRepository(session=session, workspace_id=workspace.id)
        for account in members:
            if not account.id:
                continue
            name = (account.name or "").strip() or account.id
            known = await repo.member_by_user_id(account.id)
            if known is None:
                created += 1
            # A new member starts in the workspace's zone; Teams tells us theirs with their first message.
            await repo.upsert_member(
                user_id=account.id, display_name=name, tz=None if known else workspace.default_tz
            )
            await references.remember_user(
                session,
                workspace.id,
                user_id=account.id,
                aad_object_id=account.aad_object_id,
                service_url=service_url,
                now=now,
            )
    return created
