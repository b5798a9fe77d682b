"""Handlers of the coaching commands: settings, pause and resume, workspace config, the digest on demand."""

from __future__ import annotations

from bot.commands import types as c
from bot.domain.enums import ChannelPurpose
from bot.service import lookup, settings
from bot.service.context import Context
from bot.service.digests import build_digest, statuses_of
from bot.views import coaching as views
from bot.views import messages
from bot.views.cards import Response
from storage import coaching as store

CoachingCommand = (
    c.ShowSettings
    | c.SetMyCheckin
    | c.Pause
    | c.Resume
    | c.ShowConfig
    | c.ConfigCheckin
    | c.ConfigCelebrate
    | c.ConfigDigest
    | c.ConfigReminder
    | c.ShowDigest
)


async def run_coaching(ctx: Context, command: CoachingCommand) -> Response:
    match command:
        case c.ShowSettings():
            return Response.card(views.settings_card(await settings.my_settings(ctx)))
        case c.SetMyCheckin(slot=slot, reset=reset):
            mine = await settings.set_my_checkin(ctx, slot, reset=reset)
            card = views.settings_card(mine)
            title = "Check-in prompts are off for you" if mine.slot is None else "Check-in schedule saved"
            return Response.card(views.replace_title(card, title))
        case c.Pause(until=until):
            paused = await settings.pause(ctx, until)
            text = "until you type okr resume" if until is None else f"through {paused:%a %d %b %Y}"
            return messages.notice(f"Check-in prompts paused {text}", "Enjoy the time off! Paused weeks don't count as missed.",
                                   hints=("okr resume brings them back early.",))  # fmt: skip
        case c.Resume():
            mine = await settings.resume(ctx)
            return Response.card(views.replace_title(views.settings_card(mine), "Check-in prompts are back"))
        case c.ShowConfig():
            return Response.card(views.config_card(await settings.workspace_config(ctx)))
        case c.ConfigCheckin(slot=slot, team=team_name, reset=reset):
            team = await settings.config_checkin(ctx, slot, team_name=team_name, reset=reset)
            whose = f"{team.name}'s" if team else "The workspace's"
            said = "back to the workspace's" if reset else (slot.describe() if slot else "off")
            return messages.notice(
                f"{whose} check-ins: {said}", "Each person is asked at that time in their own zone."
            )
        case c.ConfigCelebrate(channel=channel, team=team_name):
            label = await settings.config_celebrate(ctx, channel, team_name=team_name)
            scope = f" of {team_name}" if team_name else ""
            if label is None:
                return messages.notice(
                    f"Celebrations{scope} are no longer posted in a channel", "Owners get a DM instead."
                )
            return messages.notice(
                f"Celebrations{scope} go to {label}", "Private objectives are still celebrated by DM."
            )
        case c.ConfigDigest(channel=channel, slot=slot, team=team_name):
            setting = await settings.config_digest(ctx, channel, slot, team_name=team_name)
            scope = f" of {team_name}" if team_name else ""
            if setting is None:
                return messages.notice(f"The weekly digest{scope} is off")
            tz = ctx.workspace.default_tz
            return messages.notice(
                f"The weekly digest{scope} goes to {setting.label}",
                f"First one: {views.when_text(setting.next_due_at, tz)}.",
                hints=("okr digest shows it now, only to you.",),
            )
        case c.ConfigReminder(hours=hours):
            await settings.config_reminder(ctx, hours)
            if hours is None:
                return messages.notice("Reminders are off", "People get the check-in prompt only.")
            return messages.notice(
                f"One reminder {hours} h after each prompt", "Only to those who have not checked in since."
            )
        case c.ShowDigest(team=team_name):
            team = await lookup.team(ctx, team_name) if team_name is not None else None
            scope = (
                store.team_scope(team.id)
                if team is not None and team.id is not None
                else store.WORKSPACE_SCOPE
            )
            last = await ctx.repo.coaching.channel(
                workspace_id=ctx.workspace_id, purpose=ChannelPurpose.DIGEST, scope=scope
            )
            digest = await build_digest(
                ctx.repo,
                ctx.workspace,
                team,
                ctx.now,
                statuses_of(last.last_statuses if last else None),
            )
            return Response.card(views.digest_card(digest, ctx.now))
