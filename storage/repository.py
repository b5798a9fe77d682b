"""Queries and writes for one workspace. Every method filters by `workspace_id`: nothing leaks across."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.sql.elements import ColumnElement
from sqlmodel import SQLModel, col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.domain.enums import Confidence, Level, ObjectiveState, Platform
from bot.domain.progress import AT_RISK_MARGIN
from storage.coaching import CoachingStore
from storage.tables import (
    CheckIn,
    ClosedCycle,
    Initiative,
    KeyResult,
    Member,
    MemberCoaching,
    Objective,
    Team,
    TeamMembership,
    Workspace,
)

Counter = Literal["next_objective_number", "next_key_result_number", "next_initiative_number"]


async def get_or_create_workspace(
    *, session: AsyncSession, platform: Platform, external_id: str, default_tz: str = "UTC"
) -> Workspace:
    """The workspace for a platform's team/tenant id, made on first sight."""
    query = select(Workspace).where(Workspace.platform == platform, Workspace.external_id == external_id)
    workspace = (await session.exec(query)).first()
    if workspace is not None:
        return workspace
    # Two first requests may race: the unique constraint settles it, and the loser reads the winner's row. Not a
    # SAVEPOINT: on SQLite one opened before any write commits on release, outliving a refused command.
    new = Workspace(platform=platform, external_id=external_id, default_tz=default_tz)
    await _insert_if_absent(session, new, unique=("platform", "external_id"))
    return (await session.exec(query)).one()


async def _insert_if_absent(session: AsyncSession, row: SQLModel, *, unique: tuple[str, ...]) -> None:
    """INSERT `row` unless one with the same `unique` columns exists (or is being inserted by a concurrent
    transaction, which this one then waits for): first requests racing each other all succeed."""
    table = row.__table__  # type: ignore[attr-defined]
    insert = postgresql.insert if session.get_bind().dialect.name == "postgresql" else sqlite.insert
    values = row.model_dump(exclude={"id"})
    await session.execute(insert(table).values(values).on_conflict_do_nothing(index_elements=list(unique)))


@dataclass(frozen=True)
class Identity:
    """Who is asking, as the database knows them: their workspace and member rows (None when new), and the zone
    their check-in schedule follows (None when they have none)."""

    workspace: Workspace | None
    member: Member | None
    schedule_tz: str | None


async def find_identity(
    *, session: AsyncSession, platform: Platform, external_id: str, user_id: str
) -> Identity:
    """Every request starts here, so it is one query, not three (workspace, member, schedule)."""
    member_of_workspace = sa.and_(
        col(Member.workspace_id) == col(Workspace.id), col(Member.platform_user_id) == user_id
    )
    query = (
        select(Workspace, Member, MemberCoaching.tz)
        .outerjoin(Member, member_of_workspace)
        .outerjoin(MemberCoaching, col(MemberCoaching.member_id) == col(Member.id))
        .where(Workspace.platform == platform, Workspace.external_id == external_id)
    )
    row = (await session.exec(query)).first()
    if row is None:
        return Identity(None, None, None)
    workspace, member, schedule_tz = row
    return Identity(workspace, member, schedule_tz)


@dataclass(frozen=True)
class ObjectiveFilter:
    """Which objectives a list shows, before visibility and paging."""

    cycle: str
    owner_or_kr_owner: int | None = None  # a member id: objectives they own or own a key result in
    team_id: int | None = None
    level: Level | None = None
    at_risk_below: float | None = None  # expected progress: keep those at risk or behind it


class WorkspaceRepository:
    """All reads and writes of one workspace, over one session (the caller owns the transaction)."""

    def __init__(self, *, session: AsyncSession, workspace_id: int) -> None:
        self.session = session
        self.workspace_id = workspace_id
        self.coaching = CoachingStore(session=session)  # rules, schedules, channels: over the same session

    # -- writing changed rows ----------------------------------------------------------------------

    def update(self, row: SQLModel) -> None:
        """Write a changed row (or a new one) with the transaction's next flush."""
        self.session.add(row)

    async def save(self, row: SQLModel) -> None:
        """Write a changed row (or a new one) now, so that the queries after it see it."""
        self.session.add(row)
        await self.session.flush()

    async def flush(self) -> None:
        """Write the rows updated so far now."""
        await self.session.flush()

    # -- numbering ---------------------------------------------------------------------------------

    async def take_number(self, counter: Counter) -> int:
        """The next short number (O12, KR34, I5); atomic, so concurrent creations never share one."""
        column = getattr(Workspace, counter)
        statement = (
            sa.update(Workspace)
            .where(col(Workspace.id) == self.workspace_id)
            .values({counter: column + 1})
            .returning(column - 1)
        )
        return int((await self.session.execute(statement)).scalar_one())

    # -- members -----------------------------------------------------------------------------------

    async def member_by_user_id(self, user_id: str) -> Member | None:
        query = select(Member).where(
            Member.workspace_id == self.workspace_id, Member.platform_user_id == user_id
        )
        return (await self.session.exec(query)).first()

    async def members_named(self, name: str) -> Sequence[Member]:
        query = select(Member).where(
            Member.workspace_id == self.workspace_id, Member.name_key == name.casefold()
        )
        return (await self.session.exec(query.limit(5))).all()

    async def upsert_member(
        self, *, user_id: str, display_name: str, tz: str | None = None, is_admin: bool | None = None
    ) -> Member:
        """The member with that platform id, created or refreshed with what the platform now says."""
        member = await self.member_by_user_id(user_id)
        if member is not None:
            return self.refresh_member(member, display_name=display_name, tz=tz, is_admin=is_admin)
        new = Member(
            workspace_id=self.workspace_id,
            platform_user_id=user_id,
            display_name=display_name,
            name_key=display_name.casefold(),
            tz=tz or "UTC",
            is_admin=bool(is_admin),
        )
        await _insert_if_absent(self.session, new, unique=("workspace_id", "platform_user_id"))
        member = await self.member_by_user_id(user_id)
        assert member is not None  # inserted now, or by the concurrent first request this one waited for
        return self.refresh_member(member, display_name=display_name, tz=tz, is_admin=is_admin)

    @staticmethod
    def refresh_member(
        member: Member, *, display_name: str, tz: str | None = None, is_admin: bool | None = None
    ) -> Member:
        """`member` updated with what the platform now says (written at the next flush, only if it changed)."""
        if display_name and member.display_name != display_name:
            member.display_name = display_name
            member.name_key = display_name.casefold()
        if tz and member.tz != tz:
            member.tz = tz
        if is_admin is not None and member.is_admin != is_admin:
            member.is_admin = is_admin
        return member

    async def members_by_id(self, ids: set[int]) -> dict[int, Member]:
        if not ids:
            return {}
        query = select(Member).where(Member.workspace_id == self.workspace_id, col(Member.id).in_(ids))
        return {
            member.id: member for member in (await self.session.exec(query)).all() if member.id is not None
        }

    # -- teams -------------------------------------------------------------------------------------

    async def team_named(self, name: str) -> Team | None:
        query = select(Team).where(Team.workspace_id == self.workspace_id, Team.name_key == name.casefold())
        return (await self.session.exec(query)).first()

    async def teams_by_id(self, ids: set[int]) -> dict[int, Team]:
        if not ids:
            return {}
        query = select(Team).where(Team.workspace_id == self.workspace_id, col(Team.id).in_(ids))
        return {team.id: team for team in (await self.session.exec(query)).all() if team.id is not None}

    async def create_team(self, name: str) -> Team:
        team = Team(workspace_id=self.workspace_id, name=name, name_key=name.casefold())
        self.session.add(team)
        await self.session.flush()
        return team

    async def add_to_team(self, *, team: Team, member: Member) -> bool:
        """Add a member; False when they already were one."""
        assert team.id is not None and member.id is not None
        if await self.session.get(TeamMembership, (team.id, member.id)) is not None:
            return False
        self.session.add(TeamMembership(team_id=team.id, member_id=member.id, workspace_id=self.workspace_id))
        await self.session.flush()
        return True

    async def team_member_ids(self, team_id: int) -> set[int]:
        query = select(TeamMembership.member_id).where(
            TeamMembership.workspace_id == self.workspace_id, TeamMembership.team_id == team_id
        )
        return set((await self.session.exec(query)).all())

    async def is_team_member(self, *, team_id: int, member_id: int) -> bool:
        membership = await self.session.get(TeamMembership, (team_id, member_id))
        return membership is not None and membership.workspace_id == self.workspace_id

    # -- objectives --------------------------------------------------------------------------------

    async def objective(self, number: int) -> Objective | None:
        query = select(Objective).where(
            Objective.workspace_id == self.workspace_id, Objective.number == number
        )
        return (await self.session.exec(query)).first()

    async def objective_by_id(self, objective_id: int) -> Objective | None:
        objective = await self.session.get(Objective, objective_id)
        return objective if objective is not None and objective.workspace_id == self.workspace_id else None

    async def objectives_by_id(self, ids: set[int]) -> dict[int, Objective]:
        if not ids:
            return {}
        query = select(Objective).where(
            Objective.workspace_id == self.workspace_id, col(Objective.id).in_(ids)
        )
        return {o.id: o for o in (await self.session.exec(query)).all() if o.id is not None}

    async def add_objective(self, objective: Objective) -> Objective:
        objective.workspace_id = self.workspace_id
        objective.number = await self.take_number("next_objective_number")
        self.session.add(objective)
        await self.session.flush()
        return objective

    def _visible_to(self, viewer_id: int, is_admin: bool) -> ColumnElement[bool]:
        if is_admin:
            return sa.true()
        return sa.or_(col(Objective.private).is_(False), col(Objective.owner_id) == viewer_id)

    async def list_objectives(
        self,
        filter: ObjectiveFilter,
        *,
        viewer_id: int,
        is_admin: bool,
        limit: int,
        offset: int = 0,
        after: tuple[int, int] | None = None,
    ) -> tuple[Sequence[Objective], bool]:
        """One page of the objectives a viewer may see, company first; and whether more follow."""
        conditions: list[ColumnElement[bool]] = [
            col(Objective.workspace_id) == self.workspace_id,
            col(Objective.cycle) == filter.cycle,
            col(Objective.state) != ObjectiveState.ARCHIVED,
            self._visible_to(viewer_id, is_admin),
        ]
        if filter.owner_or_kr_owner is not None:
            owns_a_key_result = select(KeyResult.objective_id).where(
                KeyResult.workspace_id == self.workspace_id, KeyResult.owner_id == filter.owner_or_kr_owner
            )
            conditions.append(
                sa.or_(
                    col(Objective.owner_id) == filter.owner_or_kr_owner,
                    col(Objective.id).in_(owns_a_key_result),
                )
            )
        if filter.team_id is not None:
            conditions.append(col(Objective.team_id) == filter.team_id)
        if filter.level is not None:
            # level_rank, not level: it is in the index, so the rows come out already in order.
            conditions.append(col(Objective.level_rank) == filter.level.rank)
        if filter.at_risk_below is not None:
            # The same rule as bot.domain.progress.status_for, in SQL: a confidence said at the last
            # check-in wins; without one, progress lagging expected by more than the margin.
            conditions.append(col(Objective.progress) < 1.0)
            conditions.append(
                sa.or_(
                    col(Objective.confidence).in_([Confidence.AT_RISK, Confidence.OFF_TRACK]),
                    sa.and_(
                        col(Objective.confidence).is_(None),
                        col(Objective.progress) < filter.at_risk_below - AT_RISK_MARGIN,
                    ),
                )
            )
        if after is not None:
            # Keyset paging: start after the last row seen, so a deep page costs what the first one does.
            rank, number = after
            conditions.append(
                sa.or_(
                    col(Objective.level_rank) < rank,
                    sa.and_(col(Objective.level_rank) == rank, col(Objective.number) > number),
                )
            )
        query = (
            select(Objective)
            .where(*conditions)
            .order_by(col(Objective.level_rank).desc(), col(Objective.number))
            .offset(0 if after is not None else offset)
            .limit(limit + 1)
        )
        rows = (await self.session.exec(query)).all()
        return rows[:limit], len(rows) > limit

    async def count_owned(self, *, owner_id: int, cycle: str) -> int:
        query = select(sa.func.count()).where(
            Objective.workspace_id == self.workspace_id,
            Objective.owner_id == owner_id,
            Objective.cycle == cycle,
            col(Objective.state) != ObjectiveState.ARCHIVED,
        )
        return int((await self.session.exec(query)).one())

    async def children_of(self, objective_id: int) -> Sequence[Objective]:
        query = (
            select(Objective)
            .where(
                Objective.workspace_id == self.workspace_id,
                Objective.parent_id == objective_id,
                col(Objective.state) != ObjectiveState.ARCHIVED,
            )
            .order_by(col(Objective.number))
        )
        return (await self.session.exec(query)).all()

    async def ancestors_of(self, objective: Objective) -> list[Objective]:
        """Parent, grandparent, ...; stops at a loop should one ever exist."""
        chain: list[Objective] = []
        seen = {objective.id}
        parent_id = objective.parent_id
        while parent_id is not None and parent_id not in seen:
            parent = await self.objective_by_id(parent_id)
            if parent is None:
                break
            chain.append(parent)
            seen.add(parent_id)
            parent_id = parent.parent_id
        return chain

    async def delete_objective(self, objective: Objective) -> None:
        """Delete an objective with its key results, check-ins and initiatives; children lose their parent."""
        assert objective.id is not None
        kr_ids = select(KeyResult.id).where(KeyResult.objective_id == objective.id)
        await self.session.execute(sa.delete(CheckIn).where(col(CheckIn.key_result_id).in_(kr_ids)))
        await self.session.execute(sa.delete(Initiative).where(col(Initiative.key_result_id).in_(kr_ids)))
        await self.session.execute(sa.delete(KeyResult).where(col(KeyResult.objective_id) == objective.id))
        await self.session.execute(
            sa.update(Objective).where(col(Objective.parent_id) == objective.id).values(parent_id=None)
        )
        await self.session.delete(objective)
        await self.session.flush()

    async def delete_workspace(self) -> None:
        """Delete the workspace and everything in it (its rows cascade), as one statement."""
        await self.session.execute(sa.delete(Workspace).where(col(Workspace.id) == self.workspace_id))

    # -- key results -------------------------------------------------------------------------------

    async def key_result(self, number: int) -> KeyResult | None:
        query = select(KeyResult).where(
            KeyResult.workspace_id == self.workspace_id, KeyResult.number == number
        )
        return (await self.session.exec(query)).first()

    async def key_result_by_id(self, key_result_id: int) -> KeyResult | None:
        found = await self.session.get(KeyResult, key_result_id)
        return found if found is not None and found.workspace_id == self.workspace_id else None

    async def key_results_of(self, objective_id: int) -> Sequence[KeyResult]:
        query = (
            select(KeyResult)
            .where(KeyResult.workspace_id == self.workspace_id, KeyResult.objective_id == objective_id)
            .order_by(col(KeyResult.number))
        )
        return (await self.session.exec(query)).all()

    async def key_results_of_many(self, objective_ids: Sequence[int]) -> dict[int, list[KeyResult]]:
        grouped: dict[int, list[KeyResult]] = defaultdict(list)
        if not objective_ids:
            return grouped
        query = (
            select(KeyResult)
            .where(
                KeyResult.workspace_id == self.workspace_id, col(KeyResult.objective_id).in_(objective_ids)
            )
            .order_by(col(KeyResult.number))
        )
        for kr in (await self.session.exec(query)).all():
            grouped[kr.objective_id].append(kr)
        return grouped

    async def add_key_result(self, key_result: KeyResult) -> KeyResult:
        key_result.workspace_id = self.workspace_id
        key_result.number = await self.take_number("next_key_result_number")
        self.session.add(key_result)
        await self.session.flush()
        return key_result

    # -- check-ins ---------------------------------------------------------------------------------

    async def add_check_in(self, check_in: CheckIn) -> CheckIn:
        check_in.workspace_id = self.workspace_id
        self.session.add(check_in)
        await self.session.flush()
        return check_in

    async def recent_check_ins(self, key_result_id: int, *, limit: int) -> Sequence[CheckIn]:
        query = (
            select(CheckIn)
            .where(CheckIn.workspace_id == self.workspace_id, CheckIn.key_result_id == key_result_id)
            .order_by(col(CheckIn.created_at).desc(), col(CheckIn.id).desc())
            .limit(limit)
        )
        return (await self.session.exec(query)).all()

    async def count_check_ins(self, key_result_id: int) -> int:
        query = select(sa.func.count()).where(
            CheckIn.workspace_id == self.workspace_id, CheckIn.key_result_id == key_result_id
        )
        return int((await self.session.exec(query)).one())

    # -- initiatives -------------------------------------------------------------------------------

    async def initiative(self, number: int) -> Initiative | None:
        query = select(Initiative).where(
            Initiative.workspace_id == self.workspace_id, Initiative.number == number
        )
        return (await self.session.exec(query)).first()

    async def initiatives_of(self, key_result_ids: Sequence[int]) -> dict[int, list[Initiative]]:
        grouped: dict[int, list[Initiative]] = defaultdict(list)
        if not key_result_ids:
            return grouped
        query = (
            select(Initiative)
            .where(
                Initiative.workspace_id == self.workspace_id,
                col(Initiative.key_result_id).in_(key_result_ids),
            )
            .order_by(col(Initiative.number))
        )
        for initiative in (await self.session.exec(query)).all():
            grouped[initiative.key_result_id].append(initiative)
        return grouped

    async def add_initiative(self, initiative: Initiative) -> Initiative:
        initiative.workspace_id = self.workspace_id
        initiative.number = await self.take_number("next_initiative_number")
        self.session.add(initiative)
        await self.session.flush()
        return initiative

    # -- cycles ------------------------------------------------------------------------------------

    async def cycle_counts(self) -> dict[str, int]:
        """Objectives per cycle (archived ones left out)."""
        query = (
            select(Objective.cycle, sa.func.count())
            .where(
                Objective.workspace_id == self.workspace_id, col(Objective.state) != ObjectiveState.ARCHIVED
            )
            .group_by(col(Objective.cycle))
        )
        return {cycle: int(count) for cycle, count in (await self.session.exec(query)).all()}

    async def closed_cycles(self) -> dict[str, ClosedCycle]:
        query = select(ClosedCycle).where(ClosedCycle.workspace_id == self.workspace_id)
        return {row.name: row for row in (await self.session.exec(query)).all()}

    async def active_objectives_in(self, cycle: str) -> Sequence[Objective]:
        query = select(Objective).where(
            Objective.workspace_id == self.workspace_id,
            Objective.cycle == cycle,
            Objective.state == ObjectiveState.ACTIVE,
        )
        return (await self.session.exec(query.order_by(col(Objective.number)))).all()

    async def close_cycle(self, record: ClosedCycle) -> None:
        record.workspace_id = self.workspace_id
        self.session.add(record)
        await self.session.flush()

    # -- export ------------------------------------------------------------------------------------

    async def public_active_objectives(self, cycle: str, *, team_id: int | None) -> Sequence[Objective]:
        """A cycle's active objectives that are not private (of one team, or all), company first: a digest's."""
        query = select(Objective).where(
            Objective.workspace_id == self.workspace_id,
            Objective.cycle == cycle,
            Objective.state == ObjectiveState.ACTIVE,
            col(Objective.private).is_(False),
        )
        if team_id is not None:
            query = query.where(Objective.team_id == team_id)
        return (
            await self.session.exec(query.order_by(col(Objective.level_rank).desc(), col(Objective.number)))
        ).all()

    async def all_objectives(self) -> Sequence[Objective]:
        query = select(Objective).where(Objective.workspace_id == self.workspace_id)
        return (await self.session.exec(query.order_by(col(Objective.number)))).all()

    async def all_check_ins(self, key_result_ids: Sequence[int]) -> dict[int, list[CheckIn]]:
        grouped: dict[int, list[CheckIn]] = defaultdict(list)
        if not key_result_ids:
            return grouped
        query = (
            select(CheckIn)
            .where(CheckIn.workspace_id == self.workspace_id, col(CheckIn.key_result_id).in_(key_result_ids))
            .order_by(col(CheckIn.created_at), col(CheckIn.id))
        )
        for check_in in (await self.session.exec(query)).all():
            grouped[check_in.key_result_id].append(check_in)
        return grouped
