"""Quarterly cycles: which exist, and closing one with a score."""

from __future__ import annotations

from dataclasses import dataclass

from bot.domain.cycles import Cycle
from bot.domain.enums import ObjectiveState
from bot.domain.progress import cycle_score
from bot.service.context import Context
from bot.service.errors import OkrError
from bot.service.permissions import require_admin
from storage.tables import ClosedCycle, Objective


@dataclass(frozen=True)
class CycleSummary:
    cycle: Cycle
    objectives: int
    closed: ClosedCycle | None
    current: bool


async def summaries(ctx: Context) -> list[CycleSummary]:
    counts = await ctx.repo.cycle_counts()
    closed = await ctx.repo.closed_cycles()
    current = ctx.current_cycle
    names = set(counts) | set(closed) | {current.name}
    return [
        CycleSummary(cycle, counts.get(cycle.name, 0), closed.get(cycle.name), cycle == current)
        for cycle in sorted((Cycle.parse(name) for name in names), reverse=True)
    ]


@dataclass(frozen=True)
class ClosedResult:
    record: ClosedCycle
    objectives: list[Objective]


async def close(ctx: Context, cycle: Cycle) -> ClosedResult:
    require_admin(ctx, "close a cycle")
    if cycle > ctx.current_cycle:
        raise OkrError(f"{cycle} has not started yet.")
    if cycle.name in await ctx.repo.closed_cycles():
        raise OkrError(f"{cycle} is already closed.", "okr cycle list shows every cycle's score.")
    objectives = list(await ctx.repo.active_objectives_in(cycle.name))
    for objective in objectives:
        # The score is the progress at close, key results rolled up with aligned children.
        objective.score = objective.progress
        objective.state = ObjectiveState.CLOSED
        objective.updated_at = ctx.now
        ctx.repo.update(objective)
    record = ClosedCycle(
        workspace_id=ctx.workspace_id,
        name=cycle.name,
        score=cycle_score([objective.progress for objective in objectives]),
        objective_count=len(objectives),
        closed_by_id=ctx.me_id,
        closed_at=ctx.now,
    )
    await ctx.repo.close_cycle(record)
    return ClosedResult(record, objectives)
