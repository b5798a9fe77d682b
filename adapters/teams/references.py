"""Storing and finding Teams conversation references and roster ids (storage/teams_refs.py)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.domain.enums import Platform
from storage.repository import get_or_create_workspace
from storage.tables import Member, Workspace
from storage.teams_refs import TeamsConversation, TeamsUser


@dataclass(frozen=True)
class Seen:
    """A conversation as an activity shows it."""

    conversation_id: str
    kind: str
    user_id: str | None  # the person, in a personal chat
    reference: str


async def workspace_of(session: AsyncSession, tenant: str, *, default_tz: str) -> Workspace:
    workspace = await get_or_create_workspace(
        session=session, platform=Platform.TEAMS, external_id=tenant, default_tz=default_tz
    )
    return workspace


async def remember_conversation(
    session: AsyncSession, workspace_id: int, seen: Seen, *, now: datetime
) -> bool:
    """Store or refresh a reference (`now` stamps a refresh); True when the bot had never seen that conversation."""
    query = select(TeamsConversation).where(
        TeamsConversation.workspace_id == workspace_id,
        TeamsConversation.conversation_id == seen.conversation_id,
    )
    row = (await session.exec(query)).first()
    if row is None:
        session.add(
            TeamsConversation(
                workspace_id=workspace_id,
                conversation_id=seen.conversation_id,
                kind=seen.kind,
                user_id=seen.user_id,
                reference=seen.reference,
            )
        )
        await session.flush()
        return True
    row.reference = seen.reference
    row.kind = seen.kind
    row.user_id = seen.user_id or row.user_id
    row.updated_at = now
    return False


async def remember_user(
    session: AsyncSession,
    workspace_id: int,
    *,
    user_id: str,
    aad_object_id: str | None,
    service_url: str,
    now: datetime,
) -> None:
    query = select(TeamsUser).where(TeamsUser.workspace_id == workspace_id, TeamsUser.user_id == user_id)
    row = (await session.exec(query)).first()
    if row is None:
        session.add(
            TeamsUser(
                workspace_id=workspace_id,
                user_id=user_id,
                aad_object_id=aad_object_id,
                service_url=service_url,
            )
        )
        await session.flush()
        return
    row.service_url = service_url
    row.aad_object_id = aad_object_id or row.aad_object_id
    row.updated_at = now


async def personal_reference(session: AsyncSession, tenant: str, user_id: str) -> str | None:
    """The stored reference of the 1:1 chat with someone, if the bot has one."""
    query = (
        select(TeamsConversation.reference)
        .join(Workspace, Workspace.id == TeamsConversation.workspace_id)  # type: ignore[arg-type]
        .where(
            Workspace.platform == Platform.TEAMS,
            Workspace.external_id == tenant,
            TeamsConversation.kind == "personal",
            TeamsConversation.user_id == user_id,
        )
        .order_by(TeamsConversation.updated_at.desc())  # type: ignore[attr-defined]
    )
    reference: str | None = (await session.exec(query)).first()
    return reference


async def roster_entry(session: AsyncSession, tenant: str, user_id: str) -> TeamsUser | None:
    query = (
        select(TeamsUser)
        .join(Workspace, Workspace.id == TeamsUser.workspace_id)  # type: ignore[arg-type]
        .where(Workspace.platform == Platform.TEAMS, Workspace.external_id == tenant)
        .where(TeamsUser.user_id == user_id)
    )
    return (await session.exec(query)).first()


async def members_by_name(session: AsyncSession, workspace_id: int, *, limit: int) -> Sequence[Member]:
    query = select(Member).where(Member.workspace_id == workspace_id).order_by(Member.name_key).limit(limit)
    return (await session.exec(query)).all()
