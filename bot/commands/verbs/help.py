"""`okr help [command]`: the overview of every verb, or how to use one."""

from __future__ import annotations

import difflib

from bot.commands.grammar import Args, shown
from bot.commands.types import Help
from bot.commands.verb import Verb, always
from bot.service.context import Context
from bot.views import messages
from bot.views.cards import Response


def parse_help(args: Args) -> Help:
    # Help reads the whole registry, which holds help itself: so it looks the table up when asked, not when loaded.
    from bot.commands.usage import ALIASES, USAGE

    args.options()
    token = args.pop()
    args.end()
    if token is None:
        return Help()
    topic = ALIASES.get(token.text.lower(), token.text.lower())
    if topic not in USAGE:
        close = difflib.get_close_matches(topic, list(USAGE), n=1)
        hint = f' Did you mean "{close[0]}"?' if close else ""
        args.fail(f"There is no command {shown(token.text)}.{hint} Commands: {', '.join(USAGE)}")
    return Help(topic)


async def run_help(ctx: Context, command: Help, words: str) -> Response:
    from bot.commands.usage import help_text  # see parse_help

    return messages.help_card(help_text(command.topic))


HELP = Verb(
    name="help",
    usage="okr help [command]",
    summary="Show this overview, or how to use one command.",
    examples=("okr help", "okr help checkin"),
    commands=(Help,),
    parse=parse_help,
    run=run_help,
    read_only=always,
)
