"""`okr settings`, `pause`, `resume` and `digest`: each person's check-in prompts, and the digest on demand."""

from __future__ import annotations

import re
from datetime import date

from bot.commands.grammar import OFF_WORDS, RESET_WORDS, Args, shown, slot, team_option
from bot.commands.types import Pause, Resume, SetMyCheckin, ShowDigest, ShowSettings
from bot.commands.verb import Verb
from bot.domain.enums import ChannelPurpose
from bot.service import lookup, settings
from bot.service.context import Context
from bot.service.digests import build_digest, statuses_of
from bot.views import coaching as views
from bot.views import messages
from bot.views.cards import Response
from storage import coaching as store

_ISO_DATE = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})")


def parse_settings(args: Args) -> ShowSettings | SetMyCheckin:
    args.options()
    what = args.pop()
    if what is None:
        return ShowSettings()
    if what.text.lower() not in ("checkin", "check-in", "checkins"):
        args.fail(f'Unknown setting {shown(what.text)}: use "okr settings checkin friday 15:00"')
    word = args.peek_word()
    if word in OFF_WORDS or word in RESET_WORDS:
        args.pop()
        args.end()
        return SetMyCheckin(None, reset=word in RESET_WORDS)
    if not args.words:
        args.fail('"okr settings checkin" needs a day and a time, like friday 15:00, or off')
    return SetMyCheckin(slot(args, args.rest()))


async def run_settings(ctx: Context, command: ShowSettings | SetMyCheckin, words: str) -> Response:
    if isinstance(command, ShowSettings):
        return Response.card(views.settings_card(await settings.my_settings(ctx)))
    mine = await settings.set_my_checkin(ctx, command.slot, reset=command.reset)
    card = views.settings_card(mine)
    title = "Check-in prompts are off for you" if mine.slot is None else "Check-in schedule saved"
    return Response.card(views.replace_title(card, title))


def parse_pause(args: Args) -> Pause:
    args.options()
    if args.peek_word() == "until":
        args.pop()
        if not args.words:
            args.fail('"okr pause until" needs a date, like 2026-12-24')
    token = args.pop()
    args.end()
    if token is None:
        return Pause(None)
    match = _ISO_DATE.fullmatch(token.text)
    try:
        if match is None:
            raise ValueError
        return Pause(date(int(match[1]), int(match[2]), int(match[3])))
    except ValueError:
        args.fail(f"{shown(token.text)} is not a date: write it like 2026-12-24")


async def run_pause(ctx: Context, command: Pause, words: str) -> Response:
    paused = await settings.pause(ctx, command.until)
    text = "until you type okr resume" if command.until is None else f"through {paused:%a %d %b %Y}"
    return messages.notice(
        f"Check-in prompts paused {text}",
        "Enjoy the time off! Paused weeks don't count as missed.",
        hints=("okr resume brings them back early.",),
    )


def parse_resume(args: Args) -> Resume:
    args.options()
    args.end()
    return Resume()


async def run_resume(ctx: Context, command: Resume, words: str) -> Response:
    mine = await settings.resume(ctx)
    return Response.card(views.replace_title(views.settings_card(mine), "Check-in prompts are back"))


def parse_digest(args: Args) -> ShowDigest:
    options = args.options(values=("team",))
    args.end()
    return ShowDigest(team_option(args, options))


async def run_digest(ctx: Context, command: ShowDigest, words: str) -> Response:
    team_name = command.team
    team = await lookup.team(ctx, team_name) if team_name is not None else None
    scope = store.team_scope(team.id) if team is not None and team.id is not None else store.WORKSPACE_SCOPE
    last = await ctx.repo.coaching.channel(
        workspace_id=ctx.workspace_id, purpose=ChannelPurpose.DIGEST, scope=scope
    )
    digest = await build_digest(
        ctx.repo, ctx.workspace, team, ctx.now, statuses_of(last.last_statuses if last else None)
    )
    return Response.card(views.digest_card(digest, ctx.now))


SETTINGS = Verb(
    name="settings",
    usage=(
        "okr settings [checkin <day> <time> [weekly | every 2 weeks | monthly]]\n"
        "okr settings checkin off | default"
    ),
    summary="Show or change when you are asked to check in.",
    examples=(
        "okr settings",
        "okr settings checkin friday 15:00 every 2 weeks",
        "okr settings checkin off",
    ),
    commands=(ShowSettings, SetMyCheckin),
    parse=parse_settings,
    run=run_settings,
)

PAUSE = Verb(
    name="pause",
    usage="okr pause [until 2026-12-24]",
    summary="Pause your check-in prompts, say for a vacation.",
    examples=("okr pause until 2026-12-24", "okr pause"),
    commands=(Pause,),
    parse=parse_pause,
    run=run_pause,
)

RESUME = Verb(
    name="resume",
    usage="okr resume",
    summary="Get your check-in prompts again after a pause.",
    examples=("okr resume",),
    commands=(Resume,),
    parse=parse_resume,
    run=run_resume,
)

DIGEST = Verb(
    name="digest",
    usage="okr digest [--team <name>]",
    summary="Show the weekly digest now, only to you.",
    examples=("okr digest", "okr digest --team Growth"),
    commands=(ShowDigest,),
    parse=parse_digest,
    run=run_digest,
)
