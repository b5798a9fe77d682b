"""Every verb of `/okr`, in one table: what parsing, dispatch, `okr help`, kept answers and telemetry read."""

from __future__ import annotations

from typing import Any

from bot.commands.types import Command
from bot.commands.verb import Verb
from bot.commands.verbs import (
    check_in,
    coaching,
    config,
    cycles,
    help,
    key_results,
    listing,
    objectives,
    okr_teams,
    workspace,
)
from bot.service.context import Context
from bot.views.cards import Response

# In the order `okr help` and the "Commands:" hints name them.
VERBS: tuple[Verb[Any], ...] = (
    help.HELP,
    listing.LIST,
    listing.SHOW,
    objectives.NEW,
    key_results.KR,
    check_in.CHECKIN,
    key_results.INITIATIVE,
    key_results.DONE,
    objectives.ALIGN,
    objectives.OWNER,
    objectives.RENAME,
    objectives.ARCHIVE,
    objectives.DELETE,
    cycles.CYCLE,
    listing.EXPORT,
    okr_teams.TEAM,
    workspace.WORKSPACE,
    coaching.SETTINGS,
    coaching.PAUSE,
    coaching.RESUME,
    coaching.DIGEST,
    config.CONFIG,
)

# How the `okr help` overview groups them.
# fmt: off
OVERVIEW: tuple[tuple[str, tuple[Verb[Any], ...]], ...] = (
    ("Objectives", (listing.LIST, listing.SHOW, objectives.NEW, objectives.ALIGN, objectives.OWNER,
                    objectives.RENAME, objectives.ARCHIVE, objectives.DELETE)),
    ("Key results", (key_results.KR, key_results.INITIATIVE, key_results.DONE)),
    ("Check-ins", (check_in.CHECKIN, coaching.SETTINGS, coaching.PAUSE, coaching.RESUME, coaching.DIGEST)),
    ("Teams & cycles", (okr_teams.TEAM, cycles.CYCLE)),
    ("Other", (config.CONFIG, listing.EXPORT, workspace.WORKSPACE, help.HELP)),
)
# fmt: on

# Every word that names a verb, aliases included, lower case.
BY_WORD: dict[str, Verb[Any]] = {verb.name: verb for verb in VERBS} | {
    alias: verb for verb in VERBS for alias in verb.aliases
}
_BY_COMMAND: dict[type[object], Verb[Any]] = {kind: verb for verb in VERBS for kind in verb.commands}


def verb_of(command: Command) -> Verb[Any]:
    """The verb whose handler runs this command (typed, pressed or submitted alike)."""
    return _BY_COMMAND[type(command)]


async def run(ctx: Context, command: Command, words: str = "") -> Response:
    """Carry out one typed command for the caller in `ctx`; `words` are what they typed, if they typed."""
    return await verb_of(command).run(ctx, command, words)
