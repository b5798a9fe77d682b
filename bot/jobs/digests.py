"""Weekly digests: posted in each configured channel at its local day and time (the workspace's zone).

Reads only the channel settings that have come due (ix_channel_setting_due). Key:
`digest:<workspace>:<team id or ws>:<ISO week>`, so a week has one digest per scope however often this runs.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

from sqlmodel.ext.asyncio.session import AsyncSession

from bot.delivery.planned import PlannedMessage, ToConversation
from bot.domain.schedules import Slot, iso_week, local_date, next_due
from bot.invocation import ConversationRef
from bot.service.digests import build_digest, statuses_of, statuses_text
from bot.views.coaching import digest_card
from storage.coaching import CoachingStore
from storage.repository import WorkspaceRepository
from storage.tables import ChannelSetting, Team, Workspace

GRACE = timedelta(hours=6)  # a digest more than this late is skipped until next week
BATCH = 200


def digest_key(workspace_id: int, team_id: int | None, week: str) -> str:
    return f"digest:{workspace_id}:{team_id if team_id is not None else 'ws'}:{week}"


async def plan_digests(session: AsyncSession, now: datetime) -> Sequence[PlannedMessage]:
    store = CoachingStore(session=session)
    planned: list[PlannedMessage] = []
    while True:
        due = await store.due_digests(now=now, limit=BATCH)
        if not due:
            return planned
        for setting in due:
            message = await _plan_one(session, setting, now)
            if message is not None:
                planned.append(message)
        await session.flush()


async def _plan_one(session: AsyncSession, setting: ChannelSetting, now: datetime) -> PlannedMessage | None:
    workspace = await session.get(Workspace, setting.workspace_id)
    assert workspace is not None and workspace.id is not None
    due_at = setting.next_due_at
    assert due_at is not None
    if setting.weekday is None or setting.minute is None:
        setting.next_due_at = None
        return None
    slot = Slot(setting.weekday, setting.minute)
    following = next_due(slot, workspace.default_tz, now)
    setting.next_due_at, setting.due_period = following.at, following.period
    session.add(setting)
    if now - due_at > GRACE:
        return None
    team = await session.get(Team, setting.team_id) if setting.team_id is not None else None
    repo = WorkspaceRepository(session=session, workspace_id=workspace.id)
    digest = await build_digest(repo, workspace, team, now, statuses_of(setting.last_statuses))
    setting.last_statuses = statuses_text(digest)
    week = iso_week(local_date(due_at, workspace.default_tz))
    return PlannedMessage(
        key=digest_key(workspace.id, setting.team_id, week),
        workspace_id=workspace.id,
        target=ToConversation(
            ConversationRef(workspace.platform, workspace.external_id, setting.conversation)
        ),
        card=digest_card(digest, now),
    )
