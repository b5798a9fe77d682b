"""What the core tells whoever watches it: commands answered, messages sent, ticks run.

The core knows no metrics library: it calls a `Telemetry` it was given (adapters/ops/metrics.py counts for
Prometheus), and by default one that does nothing, so the core runs unchanged without any.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Protocol

from bot.commands.request import read_request
from bot.domain.enums import Platform
from bot.invocation import Invocation


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
        """An invocation was answered (or raised) after `seconds`; `name` is its reading's (`command_name`)."""

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
    the verb's name from the registry (`list`, `checkin`; aliases folded in; `unknown` for a word no verb has),
    `action:<id>` for a button, `form:<id>` for a form. The core takes it from the reading it already has."""
    return read_request(invocation).name
