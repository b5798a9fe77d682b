"""`okr team`: create an OKR team (a group of people with shared objectives), or add people to one."""

from __future__ import annotations

from bot.commands.grammar import Args, short, shown
from bot.commands.tokens import Token, join_words, mention_of
from bot.commands.types import TeamAdd, TeamCreate, UserRef
from bot.commands.verb import Verb
from bot.service import okr_teams
from bot.service.context import Context
from bot.views import messages
from bot.views.cards import Response


def parse_team(args: Args) -> TeamCreate | TeamAdd:
    args.options()
    action = args.pop()
    if action is None:
        args.fail('"okr team" needs create or add, like okr team create Growth')
    if action.text.lower() not in ("create", "add"):
        args.fail(f'Unknown team command {shown(action.text)}: use "okr team create" or "okr team add"')
    if action.text.lower() == "create":
        return TeamCreate(args.title('"okr team create" needs the team\'s name, like okr team create Growth'))
    words: list[Token] = []
    while args.words and mention_of(args.words[0].text) is None:
        words.append(args.words.pop(0))
    name = join_words(words)
    if not name:
        args.fail('"okr team add" needs the team\'s name before the people: okr team add Growth @jane')
    members: list[UserRef] = []
    for token in args.rest():
        if token.text.lower() not in (",", "and"):
            members.append(args.mention(token.text))
    if not members:
        args.fail(f'"okr team add {short(name)}" needs at least one person, like @jane')
    return TeamAdd(name, tuple(members))


async def run_team(ctx: Context, command: TeamCreate | TeamAdd, words: str) -> Response:
    if isinstance(command, TeamCreate):
        team = await okr_teams.create(ctx, command.name)
        return messages.notice(
            f"Created the team {team.name}",
            "You are its first member.",
            hints=(f"okr team add {team.name} @someone adds people.",),
        )
    team, joined, already = await okr_teams.add_members(ctx, command.name, command.members)
    text = ", ".join(m.display_name for m in joined) or "nobody new"
    hints = (f"Already in it: {', '.join(m.display_name for m in already)}.",) if already else ()
    return messages.notice(f"Added to {team.name}: {text}", hints=hints)


TEAM = Verb(
    name="team",
    usage="okr team create <name>\nokr team add <name> @user [@user ...]",
    summary="Create a team, or add people to one.",
    examples=("okr team create Growth Marketing", "okr team add Growth Marketing @jane @omar"),
    commands=(TeamCreate, TeamAdd),
    parse=parse_team,
    run=run_team,
)
