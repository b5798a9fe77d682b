"""One invocation, read once: the typed command it stands for, whether typed, pressed or submitted.

The core reads each invocation here before anything else; the kept-answer key (bot/answers.py), telemetry's
name for it and dispatch (bot/core.py) all use this one reading, so the words are parsed once per request.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

from bot.commands.interactions import FieldErrors, command_from_form, command_from_press
from bot.commands.parser import read_words
from bot.commands.registry import verb_of
from bot.commands.types import Command, UsageError
from bot.invocation import ActionPress, CommandText, FormSubmit, Invocation
from bot.service.errors import OkrError
from bot.views.actions import BadPayload

# What an invocation can be refused with before it reaches a handler: shown to the person, never a stack trace.
ReadError = UsageError | FieldErrors | OkrError | BadPayload


class Reply(Enum):
    AS_IS = "as_is"
    REPLACE_ORIGINAL = "replace_original"  # a button's answer takes the place of the card it was on
    CARDS_ONLY = "cards_only"  # a submitted form closes: only its cards (and who sees them) remain


@dataclass(frozen=True)
class Request:
    name: str  # for telemetry, from a fixed set: a verb's name, "unknown", `action:<id>` or `form:<id>`
    command: Command | None  # None: `error` says why there is none
    error: ReadError | None = None
    words: str = ""  # the words as typed ('' for a form; the list's words for a "Show more" button)
    read_only: bool = False  # typed words whose answer only reads, so it may be kept
    reply: Reply = Reply.AS_IS


def read_request(invocation: Invocation) -> Request:
    """The command an invocation stands for; a mistake in it comes back in `error`, never raised."""
    match invocation.what:
        case CommandText(text=text):
            parsed = read_words(text)
            command = parsed.command
            read_only = command is not None and verb_of(command).read_only(command)
            return Request(parsed.name, command, parsed.error, words=text, read_only=read_only)
        case ActionPress(action=action, value=value):
            name = f"action:{action.value}"
            try:
                pressed = command_from_press(action, value)
            except (UsageError, OkrError, BadPayload) as error:
                return Request(name, None, error)
            reply = Reply.REPLACE_ORIGINAL if pressed.replaces else Reply.AS_IS
            return Request(name, pressed.command, words=pressed.words, reply=reply)
        case FormSubmit(form=form, state=state, values=values):
            name = f"form:{form.value}"
            try:
                return Request(name, command_from_form(form, state, values), reply=Reply.CARDS_ONLY)
            except (FieldErrors, BadPayload) as error:
                return Request(name, None, error)
    raise TypeError(f"not an invocation: {invocation.what!r}")  # pragma: no cover
