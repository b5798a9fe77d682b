"""Celebrations: a key result reaching its target (once per cycle, as the core reports it), an objective done.

Posted in the celebration channel of the objective's team, else the workspace's; private objectives, and
workspaces with no channel set, get a DM to the owner instead. The key makes it once:
`celebrate:kr:<kr id>:<cycle>` and `celebrate:o:<objective id>:<cycle>`.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlmodel.ext.asyncio.session import AsyncSession

from bot.delivery.planned import PlannedMessage, Target, ToConversation, ToMember
from bot.invocation import ConversationRef
from bot.service.events import DomainEvent, KeyResultAchieved, ObjectiveAchieved
from bot.views import coaching as views
from storage.coaching import CoachingStore
from storage.repository import WorkspaceRepository
from storage.tables import KeyResult, Member, Objective, Workspace


def key_result_key(key_result_id: int, cycle: str) -> str:
    return f"celebrate:kr:{key_result_id}:{cycle}"


def objective_key(objective_id: int, cycle: str) -> str:
    return f"celebrate:o:{objective_id}:{cycle}"


async def _target(session: AsyncSession, objective: Objective, owner_id: int) -> Target:
    """Where a celebration of something in `objective` goes."""
    store = CoachingStore(session=session)
    if objective.private:
        return ToMember(owner_id)
    setting = await store.celebration_channel(workspace_id=objective.workspace_id, team_id=objective.team_id)
    if setting is None:
        return ToMember(owner_id)
    workspace = await session.get(Workspace, objective.workspace_id)
    assert workspace is not None
    return ToConversation(ConversationRef(workspace.platform, workspace.external_id, setting.conversation))


async def plan_celebrations(
    session: AsyncSession, events: Sequence[DomainEvent], now: datetime
) -> list[PlannedMessage]:
    planned = []
    for event in events:
        if isinstance(event, KeyResultAchieved):
            kr = await session.get(KeyResult, event.key_result_id)
            objective = await session.get(Objective, event.objective_id)
            if kr is None or objective is None:
                continue
            by = await session.get(Member, event.by_member_id)
            owner = await session.get(Member, kr.owner_id) if kr.owner_id is not None else None
            card = views.key_result_celebration(views.Achievement(kr, objective, by, owner), now)
            owner_id = kr.owner_id if kr.owner_id is not None else objective.owner_id
            if objective.private:
                owner_id = objective.owner_id  # a private objective's owner, who alone may see it
            planned.append(
                PlannedMessage(
                    key=key_result_key(event.key_result_id, event.cycle),
                    workspace_id=objective.workspace_id,
                    target=await _target(session, objective, owner_id),
                    card=card,
                )
            )
        elif isinstance(event, ObjectiveAchieved):
            objective = await session.get(Objective, event.objective_id)
            if objective is None:
                continue
            owner = await session.get(Member, objective.owner_id)
            count = sum(1 for kr in await _key_results(session, objective) if kr.kind.celebrates)
            planned.append(
                PlannedMessage(
                    key=objective_key(event.objective_id, event.cycle),
                    workspace_id=objective.workspace_id,
                    target=await _target(session, objective, objective.owner_id),
                    card=views.objective_celebration(objective, owner, count),
                )
            )
    return planned


async def _key_results(session: AsyncSession, objective: Objective) -> Sequence[KeyResult]:
    assert objective.id is not None
    return await WorkspaceRepository(session=session, workspace_id=objective.workspace_id).key_results_of(
        objective.id
    )
