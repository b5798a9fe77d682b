"""Initiatives: the work that moves a key result."""

from __future__ import annotations

from bot.service import validate
from bot.service.context import Context
from bot.service.errors import OkrError
from bot.service.key_results import require_active
from bot.service.permissions import require_edit_key_result
from storage.tables import Initiative, KeyResult, Objective


async def add(ctx: Context, key_result: KeyResult, objective: Objective, title: str) -> Initiative:
    assert key_result.id is not None
    require_active(objective)
    await require_edit_key_result(ctx, key_result, objective)
    return await ctx.repo.add_initiative(
        Initiative(
            workspace_id=ctx.workspace_id,
            number=0,
            key_result_id=key_result.id,
            title=validate.title(title),
            owner_id=ctx.me_id,
        )
    )


async def complete(ctx: Context, initiative: Initiative, key_result: KeyResult, objective: Objective) -> None:
    if initiative.done:
        raise OkrError(f"I{initiative.number} is already done.")
    if initiative.owner_id != ctx.me_id:
        await require_edit_key_result(ctx, key_result, objective)
    initiative.done = True
    initiative.done_at = ctx.now
    ctx.repo.update(initiative)


async def rename(
    ctx: Context, initiative: Initiative, key_result: KeyResult, objective: Objective, title: str
) -> None:
    if initiative.owner_id != ctx.me_id:
        await require_edit_key_result(ctx, key_result, objective)
    initiative.title = validate.title(title)
    ctx.repo.update(initiative)
