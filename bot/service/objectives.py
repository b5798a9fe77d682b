"""Use cases on objectives: create, align, hand over, rename, archive, delete."""

from __future__ import annotations

from dataclasses import dataclass

from bot.commands.types import NewObjective
from bot.domain import hygiene
from bot.domain.enums import Level, ObjectiveState
from bot.service import lookup, validate
from bot.service.context import Context
from bot.service.errors import OkrError
from bot.service.events import OkrChanged
from bot.service.permissions import require_admin, require_edit_objective, require_owner_or_admin
from bot.service.roll_up import refresh_progress
from storage.tables import Member, Objective


@dataclass(frozen=True)
class Created:
    objective: Objective
    hints: tuple[str, ...]


async def create(ctx: Context, command: NewObjective) -> Created:
    assert command.title is not None
    title = validate.title(command.title, field="title")
    if command.company and command.team:
        raise OkrError("An objective is either the company's or a team's, not both.")
    cycle = lookup.cycle(ctx, command.cycle)
    if cycle.name in await ctx.repo.closed_cycles():
        raise OkrError(f"{cycle} is closed.", "New objectives go into an open cycle: add --cycle 2027-Q1.")
    if cycle < ctx.current_cycle:
        raise OkrError(f"{cycle} is over.", f"New objectives go into {ctx.current_cycle} or later.")

    team_id = None
    if command.company:
        require_admin(ctx, "create company objectives")
        level = Level.COMPANY
    elif command.team:
        team = await lookup.team(ctx, command.team)
        assert team.id is not None
        if not ctx.is_admin and not await ctx.repo.is_team_member(team_id=team.id, member_id=ctx.me_id):
            raise OkrError(
                f"You are not in the team {team.name}.", f"okr team add {team.name} @you adds you."
            )
        level, team_id = Level.TEAM, team.id
    else:
        level = Level.PERSONAL

    parent = None
    if command.parent is not None:
        lookup.expect_kind(command.parent, command.parent.kind.OBJECTIVE)
        parent = await lookup.objective(ctx, command.parent)
        _check_alignment(parent=parent, level=level, cycle=cycle.name)

    objective = await ctx.repo.add_objective(
        Objective(
            workspace_id=ctx.workspace_id,
            number=0,
            cycle=cycle.name,
            title=title,
            level=level,
            level_rank=level.rank,
            owner_id=ctx.me_id,
            team_id=team_id,
            parent_id=parent.id if parent else None,
            aspirational=command.aspirational,
            private=command.private,
        )
    )
    if parent is not None:
        await refresh_progress(ctx.repo, parent, now=ctx.now)
    ctx.events.append(OkrChanged(member_id=ctx.me_id))
    hints = [
        hygiene.objectives_per_owner_hint(await ctx.repo.count_owned(owner_id=ctx.me_id, cycle=cycle.name)),
        hygiene.key_results_count_hint(0, f"O{objective.number}"),
    ]
    return Created(objective, tuple(hint for hint in hints if hint))


def _check_alignment(*, parent: Objective, level: Level, cycle: str) -> None:
    if parent.state != ObjectiveState.ACTIVE:
        raise OkrError(f"O{parent.number} is {parent.state.value}; align under an active objective.")
    if parent.cycle != cycle:
        raise OkrError(f"O{parent.number} is in {parent.cycle}, not {cycle}: align within one cycle.")
    if parent.level.rank < level.rank:
        raise OkrError(
            f"A {level.value} objective can't align under a {parent.level.value} one.",
            "Align personal under team or company, and team under company.",
        )


async def align(ctx: Context, child: Objective, parent: Objective) -> None:
    await require_edit_objective(ctx, child)
    if child.id == parent.id:
        raise OkrError("An objective can't align under itself.")
    if any(ancestor.id == child.id for ancestor in await ctx.repo.ancestors_of(parent)):
        raise OkrError(f"O{parent.number} is already aligned under O{child.number}: that would make a loop.")
    _check_alignment(parent=parent, level=child.level, cycle=child.cycle)
    old_parent = await ctx.repo.objective_by_id(child.parent_id) if child.parent_id else None
    child.parent_id = parent.id
    await ctx.repo.save(child)
    if old_parent is not None:
        await refresh_progress(ctx.repo, old_parent, now=ctx.now)
    await refresh_progress(ctx.repo, parent, now=ctx.now)


async def set_owner(ctx: Context, objective: Objective, owner: Member) -> None:
    await require_edit_objective(ctx, objective)
    objective.owner_id = owner.id  # type: ignore[assignment]
    objective.updated_at = ctx.now
    ctx.repo.update(objective)
    ctx.events.append(OkrChanged(member_id=ctx.me_id))
    if owner.id is not None:
        ctx.events.append(OkrChanged(member_id=owner.id))


async def rename(ctx: Context, objective: Objective, title: str) -> None:
    await require_edit_objective(ctx, objective)
    objective.title = validate.title(title)
    objective.updated_at = ctx.now
    ctx.repo.update(objective)


async def archive(ctx: Context, objective: Objective) -> None:
    await require_edit_objective(ctx, objective)
    if objective.state == ObjectiveState.ARCHIVED:
        raise OkrError(f"O{objective.number} is already archived.")
    objective.state = ObjectiveState.ARCHIVED
    objective.updated_at = ctx.now
    await ctx.repo.save(objective)
    parent = await ctx.repo.objective_by_id(objective.parent_id) if objective.parent_id else None
    if parent is not None:
        await refresh_progress(ctx.repo, parent, now=ctx.now)
    ctx.events.append(OkrChanged(member_id=objective.owner_id))


async def delete(ctx: Context, objective: Objective) -> None:
    require_owner_or_admin(ctx, objective, "delete it")
    parent = await ctx.repo.objective_by_id(objective.parent_id) if objective.parent_id else None
    await ctx.repo.delete_objective(objective)
    if parent is not None:
        await refresh_progress(ctx.repo, parent, now=ctx.now)
    ctx.events.append(OkrChanged(member_id=objective.owner_id))
