"""What the core tells whoever watches it: commands answered, messages sent, ticks run.

The core knows no metrics library: it calls a `Telemetry` it was given (adapters/ops/metrics.py counts for
Prometheus), and by default one that does nothing, so the core runs unchanged without any.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Protocol

from bot.commands.tokens import tokenize
from bot.commands.usage import ALIASES, USAGE
from bot.domain.enums import Platform
from bot.invocation import ActionPress, CommandText, FormSubmit, Invocation

UNKNOWN_COMMAND = "unknown"  # a verb the grammar does not know: what people typed must not become a label
_ASKING_FOR_HELP = (
    "--help",
    "—help",
    "–help",
    "-h",
    "?",
)  # what the grammar reads as `help` in verb position


class CommandOutcome(StrEnum):
    OK = "ok"
    USER_ERROR = "user_error"  # answered with a one-line explanation (bad words, a missing OKR, no rights)
    ERROR = "error"  # the core raised: a bug or the database


class SendResult(StrEnum):
    SENT = "sent"
    RETRIED = "retried"  # refused for now (429, 5xx, timeout): put back for later
    FAILED = "failed"  # set aside for good


class Telemetry(Protocol):
    def command_finished(self, name: str, outcome: CommandOutcome, seconds: float) -> None:
        """An invocation was answered (or raised) after `seconds`; `name` comes from `command_name`."""

    def message_sent(self, platform: Platform, result: SendResult) -> None:
        """The sender tried one outbox message."""

    def tick_ran(self, lag_seconds: float) -> None:
        """A tick of the clock started `lag_seconds` after the minute it was due."""


class NoTelemetry:
    """The default: nobody is watching."""

    def command_finished(self, name: str, outcome: CommandOutcome, seconds: float) -> None:
        pass

    def message_sent(self, platform: Platform, result: SendResult) -> None:
        pass

    def tick_ran(self, lag_seconds: float) -> None:
        pass


NO_TELEMETRY: Telemetry = NoTelemetry()


def command_name(invocation: Invocation) -> str:
    """A short name for what was asked, from a fixed set (a metric label must not grow with what people type):
    the grammar's verb (`list`, `checkin`; aliases folded in), `action:<id>` for a button, `form:<id>`."""
    match invocation.what:
        case CommandText(text=text):
            words = [token.text for token in tokenize(text)]
            while words and words[0].lower() in ("okr", "/okr"):
                words.pop(0)
            if not words:
                return "help"
            verb = words[0].lower()
            verb = "help" if verb in _ASKING_FOR_HELP else ALIASES.get(verb, verb)
            return verb if verb in USAGE else UNKNOWN_COMMAND
        case ActionPress(action=action):
            return f"action:{action.value}"
        case FormSubmit(form=form):
            return f"form:{form.value}"
    return UNKNOWN_COMMAND
