"""Who may see and change what: owners their own, team members their team's, admins everything."""

from __future__ import annotations

from bot.commands.types import Ref
from bot.service.context import Context
from bot.service.errors import Forbidden, NotFound
from storage.tables import KeyResult, Objective


def can_view(ctx: Context, objective: Objective) -> bool:
    return not objective.private or ctx.is_admin or objective.owner_id == ctx.me_id


def require_view(ctx: Context, objective: Objective, ref: Ref | str) -> None:
    if not can_view(ctx, objective):
        # Say it exists but is private, rather than pretend it doesn't: refs are visible in exports anyway.
        raise NotFound(f"{ref} is private to its owner.")


async def can_edit_objective(ctx: Context, objective: Objective) -> bool:
    if ctx.is_admin or objective.owner_id == ctx.me_id:
        return True
    if objective.team_id is not None:
        return await ctx.repo.is_team_member(team_id=objective.team_id, member_id=ctx.me_id)
    return False


async def require_edit_objective(ctx: Context, objective: Objective) -> None:
    if not await can_edit_objective(ctx, objective):
        raise Forbidden(
            f"Only O{objective.number}'s owner, its team or an admin can change it.",
            "Ask its owner, or an admin.",
        )


async def require_edit_key_result(ctx: Context, key_result: KeyResult, objective: Objective) -> None:
    if key_result.owner_id == ctx.me_id or await can_edit_objective(ctx, objective):
        return
    raise Forbidden(
        f"Only KR{key_result.number}'s owner, its objective's owner or team, or an admin can change it.",
        "Ask its owner, or an admin.",
    )


def require_admin(ctx: Context, what: str) -> None:
    if not ctx.is_admin:
        raise Forbidden(f"Only a workspace admin can {what}.")


def require_owner_or_admin(ctx: Context, objective: Objective, what: str) -> None:
    if not (ctx.is_admin or objective.owner_id == ctx.me_id):
        raise Forbidden(f"Only O{objective.number}'s owner or an admin can {what}.")
