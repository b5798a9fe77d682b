"""OKR teams (groups of members who share objectives, not Microsoft Teams): creating them, adding people."""

from __future__ import annotations

from collections.abc import Sequence

from bot.commands.types import UserRef
from bot.service import lookup, validate
from bot.service.context import Context
from bot.service.errors import OkrError
from bot.service.prompt_schedule import reschedule
from storage.tables import Member, Team


async def create(ctx: Context, name: str) -> Team:
    name = validate.name(name, what="team name")
    if await ctx.repo.team_named(name) is not None:
        raise OkrError(
            f'There is already a team called "{name}".', f"okr team add {name} @someone adds people."
        )
    team = await ctx.repo.create_team(name)
    await ctx.repo.add_to_team(team=team, member=ctx.me)
    return team


async def add_members(
    ctx: Context, name: str, who: Sequence[UserRef]
) -> tuple[Team, list[Member], list[Member]]:
    """Add people to a team; returns the team, who was added, and who already was in it."""
    team = await lookup.team(ctx, name)
    assert team.id is not None
    if not ctx.is_admin and not await ctx.repo.is_team_member(team_id=team.id, member_id=ctx.me_id):
        raise OkrError(f"Only members of {team.name} or an admin can add people to it.")
    members = [await lookup.member(ctx, mention) for mention in who]
    added: list[Member] = []
    already: list[Member] = []
    for member in members:
        (added if await ctx.repo.add_to_team(team=team, member=member) else already).append(member)
    # A team may have its own check-in schedule: the new members follow it from now on.
    await reschedule(ctx.repo.coaching, added, now=ctx.now)
    return team, added, already
