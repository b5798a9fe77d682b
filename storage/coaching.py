"""Queries and writes for coaching: check-in rules, each member's next due prompt, channels for posts.

Storage only: which rule applies to whom and when a prompt comes due are the core's to compute
(bot/service/prompt_schedule.py, with bot/domain/schedules.py); this module reads and writes the rows.
The planners read across workspaces (one tick serves them all), always through an index on a due instant;
everything else is filtered by workspace like storage/repository.py.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from datetime import datetime

import sqlalchemy as sa
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.domain.enums import ChannelPurpose, ObjectiveState
from bot.domain.schedules import Slot
from storage.tables import (
    ChannelSetting,
    CoachingRule,
    KeyResult,
    Member,
    MemberCoaching,
    Objective,
    TeamMembership,
    WorkspaceCoaching,
)

WORKSPACE_SCOPE = "workspace"
DEFAULT_REMINDER_HOURS = 24


def team_scope(team_id: int) -> str:
    return f"team:{team_id}"


def member_scope(member_id: int) -> str:
    return f"member:{member_id}"


class CoachingStore:
    """Coaching's rows over one session (the caller owns the transaction). Reads and writes only: when a
    prompt is due is computed by the core (bot/service/prompt_schedule.py)."""

    def __init__(self, *, session: AsyncSession) -> None:
        self.session = session

    # -- rules ----------------------------------------------------------------------------------------------

    async def rules_for(
        self, members: Sequence[Member]
    ) -> tuple[Sequence[CoachingRule], dict[int, list[int]]]:
        """The rules that can apply to `members`, and the teams each is in; three queries whatever their number."""
        member_ids = [m.id for m in members if m.id is not None]
        workspace_ids = {m.workspace_id for m in members}
        if not member_ids:
            return [], {}
        teams: dict[int, list[int]] = defaultdict(list)
        memberships = select(TeamMembership.member_id, TeamMembership.team_id).where(
            col(TeamMembership.member_id).in_(member_ids)
        )
        for member_id, team_id in (await self.session.exec(memberships)).all():
            teams[member_id].append(team_id)
        query = select(CoachingRule).where(
            col(CoachingRule.workspace_id).in_(workspace_ids),
            sa.or_(col(CoachingRule.member_id).is_(None), col(CoachingRule.member_id).in_(member_ids)),
        )
        return (await self.session.exec(query)).all(), teams

    async def rule(self, *, workspace_id: int, scope: str) -> CoachingRule | None:
        query = select(CoachingRule).where(
            CoachingRule.workspace_id == workspace_id, CoachingRule.scope == scope
        )
        return (await self.session.exec(query)).first()

    async def set_rule(
        self,
        *,
        workspace_id: int,
        scope: str,
        slot: Slot | None,
        now: datetime,
        team_id: int | None = None,
        member_id: int | None = None,
    ) -> CoachingRule:
        """Create or replace the rule of a scope; `slot` None turns check-ins off there."""
        found = await self.rule(workspace_id=workspace_id, scope=scope)
        if found is None:
            found = CoachingRule(workspace_id=workspace_id, scope=scope, team_id=team_id, member_id=member_id)
        found.enabled = slot is not None
        if slot is not None:
            found.weekday, found.minute, found.cadence = slot.weekday, slot.minute, slot.cadence
        found.updated_at = now
        self.session.add(found)
        await self.session.flush()
        return found

    async def delete_rule(self, *, workspace_id: int, scope: str) -> bool:
        found = await self.rule(workspace_id=workspace_id, scope=scope)
        if found is None:
            return False
        await self.session.delete(found)
        await self.session.flush()
        return True

    async def team_rules(self, *, workspace_id: int) -> Sequence[CoachingRule]:
        query = select(CoachingRule).where(
            CoachingRule.workspace_id == workspace_id, col(CoachingRule.team_id).is_not(None)
        )
        return (await self.session.exec(query)).all()

    # -- workspace settings ---------------------------------------------------------------------------------

    async def reminder_hours(self, workspace_ids: Iterable[int]) -> dict[int, int | None]:
        """Hours from a prompt to its reminder, per workspace (None: reminders off)."""
        ids = set(workspace_ids)
        found: dict[int, int | None] = dict.fromkeys(ids, DEFAULT_REMINDER_HOURS)
        if ids:
            query = select(WorkspaceCoaching).where(col(WorkspaceCoaching.workspace_id).in_(ids))
            for row in (await self.session.exec(query)).all():
                found[row.workspace_id] = row.reminder_hours or None
        return found

    async def set_reminder_hours(self, *, workspace_id: int, hours: int | None) -> None:
        row = await self.session.get(WorkspaceCoaching, workspace_id)
        if row is None:
            row = WorkspaceCoaching(workspace_id=workspace_id)
        row.reminder_hours = hours or 0  # 0 rather than NULL: an INSERT of NULL would take the default
        self.session.add(row)
        await self.session.flush()

    # -- each member's schedule -----------------------------------------------------------------------------

    async def coaching_of(self, member_ids: Iterable[int]) -> dict[int, MemberCoaching]:
        ids = list(set(member_ids))
        if not ids:
            return {}
        query = select(MemberCoaching).where(col(MemberCoaching.member_id).in_(ids))
        return {row.member_id: row for row in (await self.session.exec(query)).all()}

    def update_schedule(self, row: MemberCoaching) -> None:
        """Write a member's changed schedule row with the transaction's next flush."""
        self.session.add(row)

    async def save_schedules(self, rows: Sequence[MemberCoaching]) -> None:
        """Write schedule rows (new or changed) now, in one flush."""
        for row in rows:
            self.session.add(row)
        await self.session.flush()

    async def unscheduled_owners(self, *, limit: int) -> Sequence[Member]:
        """Owners of key results in active objectives who have no schedule row yet (data from before 0003)."""
        has_row = select(MemberCoaching.member_id).where(col(MemberCoaching.member_id) == col(Member.id))
        owns = (
            select(KeyResult.id)
            .join(Objective, col(Objective.id) == col(KeyResult.objective_id))
            .where(col(KeyResult.owner_id) == col(Member.id), col(Objective.state) == ObjectiveState.ACTIVE)
        )
        query = select(Member).where(~sa.exists(has_row), sa.exists(owns)).limit(limit)
        return (await self.session.exec(query)).all()

    async def workspace_members(self, *, workspace_id: int) -> Sequence[Member]:
        return (await self.session.exec(select(Member).where(Member.workspace_id == workspace_id))).all()

    async def members_by_ids(self, ids: Iterable[int]) -> dict[int, Member]:
        wanted = list(set(ids))
        if not wanted:
            return {}
        rows = (await self.session.exec(select(Member).where(col(Member.id).in_(wanted)))).all()
        return {m.id: m for m in rows if m.id is not None}

    async def due_prompts(self, *, now: datetime, limit: int) -> Sequence[tuple[MemberCoaching, Member]]:
        """Members whose next prompt has come due, oldest first (through ix_member_coaching_due)."""
        query = (
            select(MemberCoaching, Member)
            .join(Member, col(Member.id) == col(MemberCoaching.member_id))
            .where(col(MemberCoaching.next_due_at) <= now)
            .order_by(col(MemberCoaching.next_due_at), col(MemberCoaching.member_id))
            .limit(limit)
            # PostgreSQL: a second instance planning at the same moment skips the rows this one holds (planning
            # them again would be harmless, only wasted). SQLite has no row locks and ignores this.
            .with_for_update(of=MemberCoaching, skip_locked=True)
        )
        return (await self.session.exec(query)).all()

    async def due_reminders(self, *, now: datetime, limit: int) -> Sequence[tuple[MemberCoaching, Member]]:
        query = (
            select(MemberCoaching, Member)
            .join(Member, col(Member.id) == col(MemberCoaching.member_id))
            .where(col(MemberCoaching.remind_at) <= now)
            .order_by(col(MemberCoaching.remind_at), col(MemberCoaching.member_id))
            .limit(limit)
            .with_for_update(of=MemberCoaching, skip_locked=True)
        )
        return (await self.session.exec(query)).all()

    # -- key results to check in on -------------------------------------------------------------------------

    async def open_key_results_owned(
        self, *, owners: dict[int, set[int]], cycles: set[str]
    ) -> dict[int, list[tuple[KeyResult, Objective]]]:
        """Key results not yet achieved, of active objectives in `cycles`, by owner (owners: workspace -> ids)."""
        found: dict[int, list[tuple[KeyResult, Objective]]] = defaultdict(list)
        member_ids = {m for ids in owners.values() for m in ids}
        if not member_ids or not cycles:
            return found
        query = (
            select(KeyResult, Objective)
            .join(Objective, col(Objective.id) == col(KeyResult.objective_id))
            .where(
                # Member ids are unique across workspaces; the workspaces are there for ix_key_result_owner.
                col(KeyResult.workspace_id).in_(list(owners)),
                col(KeyResult.owner_id).in_(member_ids),
                col(KeyResult.achieved_at).is_(None),
                col(Objective.state) == ObjectiveState.ACTIVE,
                col(Objective.cycle).in_(cycles),
            )
            .order_by(col(Objective.number), col(KeyResult.number))
        )
        for kr, objective in (await self.session.exec(query)).all():
            assert kr.owner_id is not None
            found[kr.owner_id].append((kr, objective))
        return found

    async def key_results_with_objectives(self, ids: Iterable[int]) -> list[tuple[KeyResult, Objective]]:
        wanted = list(set(ids))
        if not wanted:
            return []
        query = (
            select(KeyResult, Objective)
            .join(Objective, col(Objective.id) == col(KeyResult.objective_id))
            .where(col(KeyResult.id).in_(wanted))
            .order_by(col(Objective.number), col(KeyResult.number))
        )
        return [(kr, o) for kr, o in (await self.session.exec(query)).all()]

    # -- channels -------------------------------------------------------------------------------------------

    async def channel(
        self, *, workspace_id: int, purpose: ChannelPurpose, scope: str
    ) -> ChannelSetting | None:
        query = select(ChannelSetting).where(
            ChannelSetting.workspace_id == workspace_id,
            ChannelSetting.purpose == purpose,
            ChannelSetting.scope == scope,
        )
        return (await self.session.exec(query)).first()

    async def save_channel(self, setting: ChannelSetting) -> None:
        self.session.add(setting)
        await self.session.flush()

    async def delete_channel(self, setting: ChannelSetting) -> None:
        await self.session.delete(setting)
        await self.session.flush()

    async def channels(self, *, workspace_id: int) -> Sequence[ChannelSetting]:
        query = select(ChannelSetting).where(ChannelSetting.workspace_id == workspace_id)
        return (
            await self.session.exec(query.order_by(col(ChannelSetting.purpose), col(ChannelSetting.scope)))
        ).all()

    async def celebration_channel(self, *, workspace_id: int, team_id: int | None) -> ChannelSetting | None:
        """The team's celebration channel, else the workspace's, else None."""
        if team_id is not None:
            found = await self.channel(
                workspace_id=workspace_id, purpose=ChannelPurpose.CELEBRATE, scope=team_scope(team_id)
            )
            if found is not None:
                return found
        return await self.channel(
            workspace_id=workspace_id, purpose=ChannelPurpose.CELEBRATE, scope=WORKSPACE_SCOPE
        )

    async def due_digests(self, *, now: datetime, limit: int) -> Sequence[ChannelSetting]:
        query = (
            select(ChannelSetting)
            .where(col(ChannelSetting.next_due_at) <= now)
            .order_by(col(ChannelSetting.next_due_at), col(ChannelSetting.id))
            .limit(limit)
        )
        return (await self.session.exec(query)).all()
