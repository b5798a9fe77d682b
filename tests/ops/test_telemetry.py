"""The core's telemetry: each invocation is reported once, under a name from a fixed set, with its outcome."""

from __future__ import annotations

from dataclasses import dataclass, field

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.core import OkrBot
from bot.domain.enums import Platform
from bot.invocation import ActionPress, Actor, CommandText, ConversationRef, FormSubmit, Invocation
from bot.telemetry import CommandOutcome, SendResult, command_name
from bot.views.actions import ActionId, FormId
from storage.engine import create_engine, session_factory
from tests.ops.conftest import closed_port

MAYA = Actor(Platform.CONSOLE, "acme", user_id="maya", display_name="maya", tz="UTC", is_admin=True)
HERE = ConversationRef(Platform.CONSOLE, "acme", "C1")


def _asking(what: CommandText | ActionPress | FormSubmit) -> Invocation:
    return Invocation(MAYA, HERE, what)


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("list", "list"),
        ("okr LIST mine", "list"),
        ("/okr checkin KR3 40", "checkin"),
        ("ci KR3 40", "checkin"),  # an alias is its command
        ("", "help"),
        ("--help", "help"),
        ("?", "help"),
        ("launch the Falcon project", "unknown"),  # what people type never becomes a name
        ('"list"', "list"),
    ],
)
def test_a_command_is_named_by_its_verb(text: str, name: str) -> None:
    assert command_name(_asking(CommandText(text))) == name


def test_buttons_and_forms_are_named_by_their_ids() -> None:
    assert command_name(_asking(ActionPress(ActionId.OPEN_CHECKIN, "{}"))) == "action:okr.open_checkin"
    assert command_name(_asking(FormSubmit(FormId.CHECKIN, "", {}))) == "form:okr.form.checkin"


@dataclass
class Recorded:
    commands: list[tuple[str, CommandOutcome]] = field(default_factory=list)

    def command_finished(self, name: str, outcome: CommandOutcome, seconds: float) -> None:
        assert seconds >= 0
        self.commands.append((name, outcome))

    def message_sent(self, platform: Platform, result: SendResult) -> None:
        raise AssertionError("the core sends nothing itself")

    def tick_ran(self, lag_seconds: float) -> None:
        raise AssertionError("the core does not tick")


async def test_each_answer_is_reported_with_its_outcome(engine: AsyncEngine) -> None:
    seen = Recorded()
    bot = OkrBot(session_factory(engine), telemetry=seen)
    await bot.handle(_asking(CommandText("new Grow revenue")))
    await bot.handle(_asking(CommandText("show O99")))  # no such objective
    await bot.handle(_asking(CommandText("frobnicate")))
    await bot.handle(_asking(ActionPress(ActionId.SHOW_OBJECTIVE, "not json")))  # a tampered button
    assert seen.commands == [
        ("new", CommandOutcome.OK),
        ("show", CommandOutcome.USER_ERROR),
        ("unknown", CommandOutcome.USER_ERROR),
        ("action:okr.show_objective", CommandOutcome.USER_ERROR),
    ]


async def test_a_command_the_database_failed_is_reported_as_an_error() -> None:
    seen = Recorded()
    engine = create_engine(f"postgresql://okrbot:secret@127.0.0.1:{closed_port()}/okrbot")
    try:
        with pytest.raises(OSError):
            await OkrBot(session_factory(engine), telemetry=seen).handle(_asking(CommandText("list")))
    finally:
        await engine.dispose()
    assert seen.commands == [("list", CommandOutcome.ERROR)]
