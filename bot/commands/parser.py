"""Typed words -> the verb they name and the typed command they make, read once per invocation.

Pure text in, no I/O. `read_words` never raises: a mistake comes back as the UsageError to show, beside the
verb's name, so that the kept-answer key, telemetry and dispatch all share the one reading.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass

from bot.commands.grammar import HELP_FLAGS, Args, shown
from bot.commands.registry import BY_WORD
from bot.commands.tokens import ref_of, tokenize
from bot.commands.types import Command, Help, RefKind, UsageError
from bot.commands.usage import COMMANDS_HINT, USAGE

UNKNOWN_VERB = "unknown"  # a verb no command has: what people typed must never become a name


@dataclass(frozen=True)
class ParsedWords:
    name: str  # the verb typed, aliases folded in (`ci` -> `checkin`), or UNKNOWN_VERB
    command: Command | None  # None when the words make no command
    error: UsageError | None = None  # what is wrong with them, then


def read_words(text: str) -> ParsedWords:
    """What these words ask for; a mistake in them is returned, not raised."""
    tokens = tokenize(text)
    while tokens and not tokens[0].quoted and tokens[0].text.lower() in ("okr", "/okr"):
        tokens.pop(0)
    if not tokens:
        return ParsedWords("help", Help())
    word = tokens[0].text.lower()
    if word in (*HELP_FLAGS, "-h", "?"):
        word = "help"
    verb = BY_WORD.get(word)
    if verb is None:
        return ParsedWords(UNKNOWN_VERB, None, _unknown_command(tokens[0].text))
    args = Args(verb.name, verb.usage, tokens[1:])
    if any(not token.quoted and token.text.lower() in HELP_FLAGS for token in args.words):
        return ParsedWords(verb.name, Help(verb.name))
    try:
        return ParsedWords(verb.name, verb.parse(args))
    except UsageError as error:
        return ParsedWords(verb.name, None, error)


def parse(text: str) -> Command:
    """The command these words mean; raises UsageError when they mean none."""
    parsed = read_words(text)
    if parsed.error is not None:
        raise parsed.error
    assert parsed.command is not None
    return parsed.command


def _unknown_command(verb: str) -> UsageError:
    ref = ref_of(verb)
    if ref is not None and ref.kind is not RefKind.INITIATIVE:
        return UsageError(
            f'Unknown command {shown(verb)}. Did you mean "okr show {ref}"?', USAGE["show"], "show"
        )
    close = difflib.get_close_matches(verb.lower(), list(BY_WORD), n=1)
    if close:
        meant = BY_WORD[close[0]].name
        return UsageError(f'Unknown command {shown(verb)}. Did you mean "{close[0]}"?', USAGE[meant], meant)
    return UsageError(f'Unknown command {shown(verb)}. Type "okr help" to see the commands.', COMMANDS_HINT)
