"""What one verb of `/okr` is: its words, its help, its parser, its handler, and whether its answer only reads.

Each verb module in bot/commands/verbs/ builds one or more `Verb`s; bot/commands/registry.py collects them. A
`Verb` is plain data around plain functions, so a parser or a handler can be called and tested on its own.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Generic, TypeVar

from bot.commands.grammar import Args
from bot.service.context import Context
from bot.views.cards import Response

C = TypeVar("C")


def never(command: object) -> bool:
    """The answer changes something (or is a form): it is never kept."""
    return False


def always(command: object) -> bool:
    """The answer only reads: the same words ask for the same answer until the data changes."""
    return True


@dataclass(frozen=True)
class Verb(Generic[C]):
    name: str  # the word after `okr`, as `okr help` lists it
    usage: str  # the usage lines, shown with every mistake in this verb's words
    summary: str  # one sentence for the `okr help` overview
    examples: tuple[str, ...]  # what `okr help <name>` shows under "Examples:"
    commands: tuple[type[object], ...]  # the typed commands the parser makes and the handler runs
    parse: Callable[[Args], C]
    # The words as typed come along ('' for buttons and forms): a list keeps them for its "Show more" button.
    run: Callable[[Context, C, str], Awaitable[Response]]
    aliases: tuple[str, ...] = ()  # other words people type for it, named under it by `okr help`
    read_only: Callable[[C], bool] = never  # whether this command's answer may be kept (bot/answers.py)
