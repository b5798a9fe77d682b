"""Coaching settings: when people are asked to check in, pauses, and where celebrations and digests go.

Every change that can move someone's next prompt recomputes it at once (bot/service/prompt_schedule.py), so
the check-in planner only ever reads the rows that have come due.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

from bot.commands.types import ChannelRef
from bot.domain.enums import ChannelPurpose
from bot.domain.schedules import DEFAULT_CHECKIN_SLOT, Slot, local_date, next_due
from bot.service import lookup
from bot.service.context import Context
from bot.service.errors import OkrError
from bot.service.permissions import require_admin
from bot.service.prompt_schedule import reschedule, rule_book, slot_of
from storage import coaching as scopes
from storage.tables import ChannelSetting, CoachingRule, Member, MemberCoaching, Team

INDEFINITELY = date.max


@dataclass(frozen=True)
class MySettings:
    slot: Slot | None  # None: check-ins are off for them
    source: str  # whose rule it is: "your own", "the Growth team's", "the workspace's", "the default"
    tz: str
    paused_until: date | None  # INDEFINITELY: until `okr resume`
    next_prompt: datetime | None  # UTC; None when off


async def _source(ctx: Context, rule: CoachingRule | None) -> str:
    if rule is None:
        return "the default"
    if rule.member_id is not None:
        return "your own"
    if rule.team_id is not None:
        teams = await ctx.repo.teams_by_id({rule.team_id})
        return f"the {teams[rule.team_id].name} team's" if rule.team_id in teams else "your team's"
    return "the workspace's"


async def my_settings(ctx: Context) -> MySettings:
    book = await rule_book(ctx.repo.coaching, [ctx.me])
    (row,) = await _rows_for(ctx, [ctx.me])
    return MySettings(
        slot=book.slot_for(ctx.me),
        source=await _source(ctx, book.rule_for(ctx.me)),
        tz=ctx.me.tz,
        paused_until=row.paused_until,
        next_prompt=row.next_due_at,
    )


async def _rows_for(ctx: Context, members: Sequence[Member]) -> list[MemberCoaching]:
    """Their schedule rows, recomputed from the rules as they are now."""
    return await reschedule(ctx.repo.coaching, members, now=ctx.now)


async def set_my_checkin(ctx: Context, slot: Slot | None, *, reset: bool = False) -> MySettings:
    store, scope = ctx.repo.coaching, scopes.member_scope(ctx.me_id)
    if reset:
        await store.delete_rule(workspace_id=ctx.workspace_id, scope=scope)
    else:
        await store.set_rule(
            workspace_id=ctx.workspace_id, scope=scope, slot=slot, now=ctx.now, member_id=ctx.me_id
        )
    return await my_settings(ctx)


async def pause(ctx: Context, until: date | None) -> date:
    today = local_date(ctx.now, ctx.me.tz)
    if until is not None and until < today:
        raise OkrError(
            f"{until.isoformat()} has passed.", "Give a date from today on, like okr pause until 2026-12-24."
        )
    (row,) = await _rows_for(ctx, [ctx.me])
    row.paused_until = until or INDEFINITELY
    ctx.repo.coaching.update_schedule(row)
    return row.paused_until


async def resume(ctx: Context) -> MySettings:
    (row,) = await _rows_for(ctx, [ctx.me])
    if row.paused_until is None or row.paused_until < local_date(ctx.now, ctx.me.tz):
        raise OkrError("Your check-ins are not paused.", "okr settings shows when they come.")
    row.paused_until = None
    ctx.repo.coaching.update_schedule(row)
    return await my_settings(ctx)


# -- workspace-wide, for admins --------------------------------------------------------------------------


@dataclass(frozen=True)
class TeamRule:
    team: Team
    slot: Slot | None


@dataclass(frozen=True)
class WorkspaceConfig:
    default: Slot | None
    default_set: bool  # False: nobody changed Monday 09:00
    teams: Sequence[TeamRule]
    channels: Sequence[tuple[ChannelSetting, Team | None]]
    reminder_hours: int | None
    tz: str  # the workspace's zone, for digests


async def workspace_config(ctx: Context) -> WorkspaceConfig:
    store = ctx.repo.coaching
    workspace_rule = await store.rule(workspace_id=ctx.workspace_id, scope=scopes.WORKSPACE_SCOPE)
    team_rules = await store.team_rules(workspace_id=ctx.workspace_id)
    channels = await store.channels(workspace_id=ctx.workspace_id)
    teams = await ctx.repo.teams_by_id(
        {r.team_id for r in team_rules if r.team_id} | {c.team_id for c in channels if c.team_id}
    )
    hours = await store.reminder_hours([ctx.workspace_id])
    return WorkspaceConfig(
        default=slot_of(workspace_rule) if workspace_rule else DEFAULT_CHECKIN_SLOT,
        default_set=workspace_rule is not None,
        teams=[TeamRule(teams[r.team_id], slot_of(r)) for r in team_rules if r.team_id in teams],
        channels=[(c, teams.get(c.team_id) if c.team_id else None) for c in channels],
        reminder_hours=hours[ctx.workspace_id],
        tz=ctx.workspace.default_tz,
    )


async def _team(ctx: Context, name: str | None) -> Team | None:
    return await lookup.team(ctx, name) if name is not None else None


async def config_checkin(
    ctx: Context, slot: Slot | None, *, team_name: str | None, reset: bool
) -> Team | None:
    """Set (or with `reset`, drop) the check-in rule of the workspace or of one team; reschedule who it moves."""
    require_admin(ctx, "change the workspace's check-in schedule")
    store = ctx.repo.coaching
    team = await _team(ctx, team_name)
    scope = scopes.team_scope(team.id) if team is not None and team.id is not None else scopes.WORKSPACE_SCOPE
    if reset:
        if not await store.delete_rule(workspace_id=ctx.workspace_id, scope=scope):
            raise OkrError(f"{team.name if team else 'The workspace'} has no check-in schedule of its own.")
    else:
        await store.set_rule(
            workspace_id=ctx.workspace_id,
            scope=scope,
            slot=slot,
            now=ctx.now,
            team_id=team.id if team else None,
        )
    if team is not None and team.id is not None:
        members = list((await ctx.repo.members_by_id(await ctx.repo.team_member_ids(team.id))).values())
    else:
        members = list(await store.workspace_members(workspace_id=ctx.workspace_id))
    await reschedule(store, members, now=ctx.now)
    return team


def _channel_address(ctx: Context, channel: ChannelRef) -> tuple[str, str]:
    """The stored address (ConversationRef.opaque) of a channel as typed, and how to name it to people."""
    if channel.here:
        if ctx.conversation is None:
            raise OkrError("There is no conversation here to post in.", "Name a channel, like #wins.")
        return ctx.conversation.opaque, "the conversation where this was set"
    if channel.channel_id is not None:
        return channel.channel_id, f"#{channel.name or channel.channel_id}"
    assert channel.name is not None
    if ctx.platform.mentions_are_names:  # the console: a channel is just its name
        return channel.name, f"#{channel.name}"
    raise OkrError(
        f"I can't tell which channel #{channel.name} is.",
        "Pick it from the list that appears as you type #, or type the command in that channel with here.",
    )


async def config_celebrate(ctx: Context, channel: ChannelRef | None, *, team_name: str | None) -> str | None:
    """Where celebrations go (None: nowhere, owners get DMs); the channel's label."""
    require_admin(ctx, "choose where celebrations are posted")
    return await _set_channel(ctx, ChannelPurpose.CELEBRATE, channel, team_name, None)


async def config_digest(
    ctx: Context, channel: ChannelRef | None, slot: Slot | None, *, team_name: str | None
) -> ChannelSetting | None:
    require_admin(ctx, "set up digests")
    await _set_channel(ctx, ChannelPurpose.DIGEST, channel, team_name, slot)
    team = await _team(ctx, team_name)
    return await ctx.repo.coaching.channel(
        workspace_id=ctx.workspace_id, purpose=ChannelPurpose.DIGEST, scope=_scope(team)
    )


def _scope(team: Team | None) -> str:
    return scopes.team_scope(team.id) if team is not None and team.id is not None else scopes.WORKSPACE_SCOPE


async def _set_channel(
    ctx: Context,
    purpose: ChannelPurpose,
    channel: ChannelRef | None,
    team_name: str | None,
    slot: Slot | None,
) -> str | None:
    store = ctx.repo.coaching
    team = await _team(ctx, team_name)
    found = await store.channel(workspace_id=ctx.workspace_id, purpose=purpose, scope=_scope(team))
    if channel is None:
        if found is None:
            raise OkrError(f"No {purpose.value} channel is set for {team.name if team else 'the workspace'}.")
        await store.delete_channel(found)
        return None
    opaque, label = _channel_address(ctx, channel)
    if found is None:
        found = ChannelSetting(
            workspace_id=ctx.workspace_id,
            purpose=purpose,
            scope=_scope(team),
            team_id=team.id if team else None,
            conversation=opaque,
            label=label,
        )
    found.conversation, found.label, found.updated_at = opaque, label[:80], ctx.now
    if slot is not None:
        due = next_due(slot, ctx.workspace.default_tz, ctx.now)
        found.weekday, found.minute = slot.weekday, slot.minute
        found.next_due_at, found.due_period = due.at, due.period
    await store.save_channel(found)
    return label


async def config_reminder(ctx: Context, hours: int | None) -> None:
    require_admin(ctx, "change reminders")
    await ctx.repo.coaching.set_reminder_hours(workspace_id=ctx.workspace_id, hours=hours)
