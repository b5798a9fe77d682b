"""`okr config`: the workspace's coaching settings (admins): check-in defaults, celebration and digest
channels, reminders."""

from __future__ import annotations

from bot.commands.grammar import OFF_WORDS, RESET_WORDS, Args, channel, shown, slot, team_option
from bot.commands.types import ConfigCelebrate, ConfigCheckin, ConfigDigest, ConfigReminder, ShowConfig
from bot.commands.verb import Verb
from bot.service import settings
from bot.service.context import Context
from bot.views import coaching as views
from bot.views import messages
from bot.views.cards import Response

ConfigCommand = ShowConfig | ConfigCheckin | ConfigCelebrate | ConfigDigest | ConfigReminder


def parse_config(args: Args) -> ConfigCommand:
    options = args.options(values=("team",))
    team = team_option(args, options)
    what = args.pop()
    if what is None:
        if team is not None:
            args.fail("--team goes with checkin, celebrate or digest")
        return ShowConfig()
    name = what.text.lower()
    word = args.peek_word()
    off = word in OFF_WORDS
    if name in ("checkin", "check-in", "checkins"):
        if off or word in RESET_WORDS:
            args.pop()
            args.end()
            if word in RESET_WORDS and team is None:
                args.fail('"default" goes with --team: okr config checkin default --team Growth')
            return ConfigCheckin(None, team, reset=word in RESET_WORDS)
        if not args.words:
            args.fail('"okr config checkin" needs a day and a time, like monday 09:00, or off')
        return ConfigCheckin(slot(args, args.rest()), team)
    if name in ("celebrate", "celebrations", "celebration"):
        if off:
            args.pop()
            args.end()
            return ConfigCelebrate(None, team)
        where = channel(args, args.pop())
        args.end()
        return ConfigCelebrate(where, team)
    if name in ("digest", "digests"):
        if off:
            args.pop()
            args.end()
            return ConfigDigest(None, None, team)
        where = channel(args, args.pop())
        if not args.words:
            args.fail('"okr config digest" needs the day and time too, like #leads friday 16:00')
        return ConfigDigest(where, slot(args, args.rest(), weekly_only=True), team)
    if name in ("reminder", "reminders", "remind"):
        if team is not None:
            args.fail("Reminders are set for the whole workspace: leave out --team")
        token = args.pop()
        args.end()
        if token is None:
            args.fail('"okr config reminder" needs hours, like 24h, or off')
        if token.text.lower() in OFF_WORDS:
            return ConfigReminder(None)
        digits = token.text.lower().removesuffix("hours").removesuffix("hour").removesuffix("h")
        if not digits.isascii() or not digits.isdigit() or not 1 <= int(digits) <= 7 * 24:
            args.fail(f"{shown(token.text)} is not a number of hours from 1 to 168: write it like 24h")
        return ConfigReminder(int(digits))
    args.fail(f"Unknown setting {shown(what.text)}: use checkin, celebrate, digest or reminder")


async def run_config(ctx: Context, command: ConfigCommand, words: str) -> Response:
    match command:
        case ShowConfig():
            return Response.card(views.config_card(await settings.workspace_config(ctx)))
        case ConfigCheckin(slot=slot_, team=team_name, reset=reset):
            team = await settings.config_checkin(ctx, slot_, team_name=team_name, reset=reset)
            whose = f"{team.name}'s" if team else "The workspace's"
            said = "back to the workspace's" if reset else (slot_.describe() if slot_ else "off")
            return messages.notice(
                f"{whose} check-ins: {said}", "Each person is asked at that time in their own zone."
            )
        case ConfigCelebrate(channel=where, team=team_name):
            label = await settings.config_celebrate(ctx, where, team_name=team_name)
            scope = f" of {team_name}" if team_name else ""
            if label is None:
                return messages.notice(
                    f"Celebrations{scope} are no longer posted in a channel", "Owners get a DM instead."
                )
            return messages.notice(
                f"Celebrations{scope} go to {label}", "Private objectives are still celebrated by DM."
            )
        case ConfigDigest(channel=where, slot=slot_, team=team_name):
            setting = await settings.config_digest(ctx, where, slot_, team_name=team_name)
            scope = f" of {team_name}" if team_name else ""
            if setting is None:
                return messages.notice(f"The weekly digest{scope} is off")
            tz = ctx.workspace.default_tz
            return messages.notice(
                f"The weekly digest{scope} goes to {setting.label}",
                f"First one: {views.when_text(setting.next_due_at, tz)}.",
                hints=("okr digest shows it now, only to you.",),
            )
        case ConfigReminder(hours=hours):
            await settings.config_reminder(ctx, hours)
            if hours is None:
                return messages.notice("Reminders are off", "People get the check-in prompt only.")
            return messages.notice(
                f"One reminder {hours} h after each prompt", "Only to those who have not checked in since."
            )


CONFIG = Verb(
    name="config",
    usage=(
        "okr config [checkin <day> <time> [every 2 weeks|monthly] | checkin off|default] [--team <name>]\n"
        "okr config celebrate|digest #channel|here|off [<day> <time>] [--team <name>] | reminder 24h|off"
    ),
    summary="Admins: check-in defaults, celebration and digest channels, reminders.",
    examples=(
        "okr config checkin friday 15:00 --team Growth",
        "okr config celebrate #wins",
        "okr config digest #leads friday 16:00",
    ),
    commands=(ShowConfig, ConfigCheckin, ConfigCelebrate, ConfigDigest, ConfigReminder),
    parse=parse_config,
    run=run_config,
)
