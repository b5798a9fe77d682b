"""Kept answers (bot/answers.py): a repeated read costs no query, and never outlives the data it shows."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from typing import Any

import pytest
import sqlalchemy as sa
from sqlalchemy import event

from bot.answers import AnswerCache, AnswerKey, dashboard_key
from bot.domain.enums import Platform
from bot.invocation import Actor, ConversationRef
from bot.views.cards import Response
from storage.changes import NothingKept
from storage.engine import create_engine
from tests.harness import NOW, Harness


@contextmanager
def statements(harness: Harness) -> Iterator[list[str]]:
    """The SQL the bot runs inside the block."""
    seen: list[str] = []

    def note(conn: Any, cursor: Any, statement: str, *_: Any) -> None:
        seen.append(statement)

    event.listen(harness.engine.sync_engine, "before_cursor_execute", note)
    try:
        yield seen
    finally:
        event.remove(harness.engine.sync_engine, "before_cursor_execute", note)


async def listening(harness: Harness) -> None:
    """PostgreSQL keeps answers only once its change listener is connected (a moment after start)."""
    answers = harness.bot.answers
    assert answers is not None
    maya = harness.actor("maya", admin=None, workspace="acme", platform=Platform.CONSOLE)
    for _ in range(500):
        if answers.generation(dashboard_key(maya)) is not None:
            return
        await asyncio.sleep(0.01)
    raise AssertionError("the change watch never vouched for the database")


async def test_a_repeated_list_reads_nothing(company: Harness) -> None:
    await listening(company)
    first = await company.say("list all")
    with statements(company) as sql:
        again = await company.say("list   all")  # the same words, however spaced
    assert sql == []
    assert again is first


async def test_a_check_in_shows_in_the_next_list(company: Harness) -> None:
    await listening(company)
    shown = await company.ok("show KR1")
    listed = await company.ok("list all")
    assert "45" not in shown
    await company.ok("checkin KR1 45")
    assert "45" in await company.ok("show KR1")
    assert await company.ok("list all") != listed  # O1's progress moved


async def test_a_change_another_instance_makes_shows(company: Harness) -> None:
    await listening(company)
    assert "Become the OKR tool small teams love" in await company.ok("list all")
    other = create_engine(str(company.engine.url.render_as_string(hide_password=False)))
    try:
        async with other.begin() as connection:
            await connection.execute(
                sa.text("UPDATE objective SET title = 'Renamed elsewhere' WHERE number = 1")
            )
    finally:
        await other.dispose()
    for _ in range(500):  # SQLite sees it at once; PostgreSQL when the notice arrives
        if "Renamed elsewhere" in await company.ok("list all"):
            return
        await asyncio.sleep(0.01)
    raise AssertionError("the kept list outlived a change made by another instance")


async def test_a_dashboard_is_kept_until_a_check_in_changes_it(company: Harness) -> None:
    await listening(company)
    sam = company.actor("sam", admin=None, workspace="acme", platform=Platform.CONSOLE)
    first = await company.bot.dashboard(sam)
    with statements(company) as sql:
        again = await company.bot.dashboard(sam)  # App Home, opened again
    assert sql == []
    assert again is first

    await company.ok("checkin KR2 120", who="sam")
    after = await company.bot.dashboard(sam)

    def shown(cards: tuple[Any, ...]) -> str:
        return "".join(company.renderer.card(card) for card in cards)

    assert shown(after) != shown(first)  # O1's progress, and the check-ins due


async def test_another_workspaces_change_leaves_the_kept_answers_be(company: Harness) -> None:
    if company.engine.dialect.name == "sqlite":
        pytest.skip("SQLite has one generation for every workspace (data_version)")
    await listening(company)
    await company.ok("new Globex's own objective", workspace="globex")
    await asyncio.sleep(0.2)  # its notices are in
    first = await company.say("list all")
    await company.ok("new Another objective at Globex", workspace="globex")
    await asyncio.sleep(0.2)
    with statements(company) as sql:
        again = await company.say("list all")
    assert sql == [] and again is first


async def test_answers_are_kept_per_person(company: Harness) -> None:
    await listening(company)
    mine = await company.say("list")
    sams = await company.say("list", who="sam")
    assert sams is not mine
    assert company.renderer.response(sams) != company.renderer.response(mine)


async def test_shares_forms_and_errors_are_never_kept(company: Harness) -> None:
    await listening(company)
    for words in ("show O1 share", "show O99", "new"):
        await company.say(words)
        with statements(company) as sql:
            await company.say(words)
        assert sql, f"{words!r} was answered from memory"


async def test_a_kept_answer_is_read_again_after_about_a_minute(company: Harness) -> None:
    await listening(company)
    await company.say("list all")
    company.clock[0] += timedelta(seconds=40)  # sooner than any kept answer expires
    with statements(company) as sql:
        await company.say("list all")
    assert sql == []
    company.clock[0] += timedelta(seconds=40)  # later than any does
    with statements(company) as sql:
        await company.say("list all")
    assert sql


def test_the_least_recently_asked_answer_goes_first_when_full() -> None:
    cache = AnswerCache(NothingKept(), max_answers=2)  # get and put are given their generation
    keys = [
        AnswerKey(
            Actor(Platform.CONSOLE, "acme", who, who), ConversationRef(Platform.CONSOLE, "acme", "c"), "list"
        )
        for who in ("maya", "sam", "lee")
    ]
    answers = [Response(), Response(), Response()]
    cache.put(keys[0], 1, NOW, answers[0])
    cache.put(keys[1], 1, NOW, answers[1])
    assert cache.get(keys[0], 1, NOW) is answers[0]  # maya asked again: sam's is now the oldest
    cache.put(keys[2], 1, NOW, answers[2])
    assert len(cache) == 2
    assert cache.get(keys[1], 1, NOW) is None
    assert cache.get(keys[0], 1, NOW) is answers[0] and cache.get(keys[2], 1, NOW) is answers[2]
