"""A harness that drives the real core over a real database, as people in one or more workspaces."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import pytest
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlmodel import SQLModel

from adapters.console.render import TextRenderer
from bot.answers import AnswerCache
from bot.core import OkrBot
from bot.domain.enums import Platform
from bot.invocation import ActionPress, Actor, CommandText, ConversationRef, FormSubmit, Invocation
from bot.service.events import DomainEvent
from bot.views.actions import ActionId, FormId
from bot.views.cards import Button, Response
from storage.changes import watch_changes
from storage.engine import session_factory

# Mid-quarter (2026-Q4 runs Oct 1 .. Dec 31), so "expected progress" is about 0.59.
NOW = datetime(2026, 11, 24, 12, 0, tzinfo=UTC)


async def every_row(engine: AsyncEngine) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table, by table name."""
    rows: dict[str, list[tuple[Any, ...]]] = {}
    async with engine.connect() as connection:
        for name, table in SQLModel.metadata.tables.items():
            result = await connection.execute(sa.select(table).order_by(*table.primary_key.columns))
            rows[name] = [tuple(row) for row in result]
    return rows


@dataclass
class Harness:
    bot: OkrBot
    engine: AsyncEngine
    clock: list[datetime]
    events: list[DomainEvent] = field(default_factory=list)
    renderer: TextRenderer = field(default_factory=TextRenderer)

    def actor(self, who: str, *, admin: bool | None, workspace: str, platform: Platform) -> Actor:
        return Actor(platform, workspace, user_id=who, display_name=who, tz="UTC", is_admin=admin)

    async def invoke(
        self,
        what: CommandText | ActionPress | FormSubmit,
        *,
        who: str = "maya",
        admin: bool | None = None,
        workspace: str = "acme",
        platform: Platform = Platform.CONSOLE,
    ) -> Response:
        actor = self.actor(who, admin=admin, workspace=workspace, platform=platform)
        conversation = ConversationRef(platform, workspace, "test")
        return await self.bot.handle(Invocation(actor, conversation, what))

    async def say(self, text: str, **who: Any) -> Response:
        return await self.invoke(CommandText(text), **who)

    async def text(self, text: str, **who: Any) -> str:
        """What the person sees, as the console draws it."""
        return self.renderer.response(await self.say(text, **who))

    async def press(self, button: Button, **who: Any) -> Response:
        return await self.invoke(ActionPress(button.action, button.value), **who)

    async def submit(self, form: FormId, state: str, values: dict[str, str | None], **who: Any) -> Response:
        return await self.invoke(FormSubmit(form, state, values), **who)

    async def ok(self, text: str, **who: Any) -> str:
        """Run a command that must succeed; its rendered text."""
        rendered = await self.text(text, **who)
        assert not rendered.startswith("✗"), f"{text!r} failed: {rendered}"
        return rendered

    async def snapshot(self) -> dict[str, list[tuple[Any, ...]]]:
        """Every row of every table: to assert that a refused command wrote nothing."""
        return await every_row(self.engine)


def button(response: Response, label: str) -> Button:
    for card in response.cards:
        for candidate in [*card.buttons, *(b for section in card.sections for b in section.buttons)]:
            if candidate.label == label:
                return candidate
    raise AssertionError(f"no {label!r} button in {response}")


def all_buttons(response: Response, action: ActionId) -> list[Button]:
    found = []
    for card in response.cards:
        found += [b for b in card.buttons if b.action is action]
        found += [b for section in card.sections for b in section.buttons if b.action is action]
    return found


@pytest.fixture
async def okr(engine: AsyncEngine) -> AsyncIterator[Harness]:
    clock = [NOW]
    harness: Harness

    async def record(session: Any, events: Any) -> None:
        harness.events.extend(events)

    # Answers are kept as `okrbot serve` keeps them: every test that writes and then reads checks that a kept
    # answer never outlives the data it was read from.
    changes = watch_changes(engine)
    await changes.start()
    bot = OkrBot(
        session_factory(engine),
        clock=lambda: clock[0],
        event_hooks=[record],
        answers=AnswerCache(changes),
    )
    harness = Harness(bot, engine, clock)
    yield harness
    await changes.close()


@pytest.fixture
async def company(okr: Harness) -> Harness:
    """A small company: Maya (admin), a Growth team with Sam and Lee, a company objective with KRs."""
    await okr.ok("team create Growth", admin=True)
    await okr.ok("team add Growth @sam @lee", admin=True)
    await okr.ok('new "Become the OKR tool small teams love" --company')  # O1
    await okr.ok("kr O1 Increase NPS from 30 to 50")  # KR1
    await okr.ok("kr O1 Reach 200 paying customers --owner @sam")  # KR2
    await okr.ok("new Turn trials into paying teams --team Growth --parent O1", who="sam")  # O2
    await okr.ok("kr O2 Increase trial conversion from 8% to 15%", who="sam")  # KR3
    return okr
