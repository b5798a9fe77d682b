"""What a list or a detail view needs, fetched in a few queries (never one per row)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from bot.commands.types import ListObjectives, ListScope
from bot.domain.cycles import Cycle
from bot.domain.enums import Level
from bot.domain.limits import PAGE_SIZE
from bot.domain.progress import expected_progress
from bot.service import lookup
from bot.service.context import Context
from bot.service.permissions import can_view
from storage.repository import ObjectiveFilter
from storage.tables import CheckIn, Initiative, KeyResult, Member, Objective, Team


@dataclass(frozen=True)
class ObjectivePage:
    heading: str
    cycle: Cycle
    objectives: Sequence[Objective]
    key_results: dict[int, list[KeyResult]]
    members: dict[int, Member]
    teams: dict[int, Team]
    offset: int
    has_more: bool


async def objective_page(ctx: Context, command: ListObjectives) -> ObjectivePage:
    cycle = lookup.cycle(ctx, command.cycle)
    heading, filter = await _scope(ctx, command, cycle)
    objectives, has_more = await ctx.repo.list_objectives(
        filter,
        viewer_id=ctx.me_id,
        is_admin=ctx.is_admin,
        limit=PAGE_SIZE,
        offset=command.offset,
        after=command.after,
    )
    key_results = await ctx.repo.key_results_of_many([o.id for o in objectives if o.id is not None])
    member_ids = {o.owner_id for o in objectives}
    members = await ctx.repo.members_by_id(member_ids)
    teams = await ctx.repo.teams_by_id({o.team_id for o in objectives if o.team_id is not None})
    return ObjectivePage(heading, cycle, objectives, key_results, members, teams, command.offset, has_more)


async def _scope(ctx: Context, command: ListObjectives, cycle: Cycle) -> tuple[str, ObjectiveFilter]:
    match command.scope:
        case ListScope.MINE:
            return "Your objectives", ObjectiveFilter(cycle.name, owner_or_kr_owner=ctx.me_id)
        case ListScope.TEAM:
            team = await lookup.team(ctx, command.team or "")
            return f"{team.name}'s objectives", ObjectiveFilter(cycle.name, team_id=team.id)
        case ListScope.USER:
            assert command.user is not None
            member = await lookup.member(ctx, command.user)
            return f"{member.display_name}'s objectives", ObjectiveFilter(
                cycle.name, owner_or_kr_owner=member.id
            )
        case ListScope.COMPANY:
            return "Company objectives", ObjectiveFilter(cycle.name, level=Level.COMPANY)
        case ListScope.AT_RISK:
            expected = expected_progress(cycle, ctx.now)
            return "At risk or behind", ObjectiveFilter(cycle.name, at_risk_below=expected)
        case _:
            return "All objectives", ObjectiveFilter(cycle.name)


@dataclass(frozen=True)
class ObjectiveDetail:
    objective: Objective
    key_results: Sequence[KeyResult]
    children: Sequence[Objective]
    parent: Objective | None
    team: Team | None
    members: dict[int, Member]


async def objective_detail(ctx: Context, objective: Objective) -> ObjectiveDetail:
    assert objective.id is not None
    key_results = await ctx.repo.key_results_of(objective.id)
    children = [child for child in await ctx.repo.children_of(objective.id) if can_view(ctx, child)]
    parent = await ctx.repo.objective_by_id(objective.parent_id) if objective.parent_id else None
    if parent is not None and not can_view(ctx, parent):
        parent = None
    teams = await ctx.repo.teams_by_id({objective.team_id} if objective.team_id else set())
    members = await ctx.repo.members_by_id(
        {objective.owner_id}
        | {kr.owner_id for kr in key_results if kr.owner_id}
        | {c.owner_id for c in children}
    )
    team = teams.get(objective.team_id) if objective.team_id else None
    return ObjectiveDetail(objective, key_results, children, parent, team, members)


@dataclass(frozen=True)
class KeyResultDetail:
    key_result: KeyResult
    objective: Objective
    check_ins: Sequence[CheckIn]  # newest first
    check_in_count: int
    initiatives: Sequence[Initiative]
    members: dict[int, Member]


HISTORY_SHOWN = 10


async def key_result_detail(ctx: Context, key_result: KeyResult, objective: Objective) -> KeyResultDetail:
    assert key_result.id is not None
    check_ins = await ctx.repo.recent_check_ins(key_result.id, limit=HISTORY_SHOWN)
    count = await ctx.repo.count_check_ins(key_result.id)
    initiatives = (await ctx.repo.initiatives_of([key_result.id])).get(key_result.id, [])
    ids = {c.author_id for c in check_ins} | {i.owner_id for i in initiatives if i.owner_id}
    members = await ctx.repo.members_by_id(ids | ({key_result.owner_id} if key_result.owner_id else set()))
    return KeyResultDetail(key_result, objective, check_ins, count, initiatives, members)
