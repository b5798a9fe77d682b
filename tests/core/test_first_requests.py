"""A person's (and a workspace's) first requests, several at once, as opening App Home while typing /okr does."""

from __future__ import annotations

import asyncio

from sqlmodel import func, select

from storage.tables import Member
from tests.harness import Harness


async def test_two_simultaneous_first_requests_of_fifty_new_people_all_succeed(okr: Harness) -> None:
    await okr.ok("list")  # the workspace exists; its people are all new
    people = [f"new{i:02d}" for i in range(50)]

    answers = await asyncio.gather(*(okr.text("list", who=who) for who in people for _ in range(2)))

    assert all("Your objectives" in answer or "Nothing here yet" in answer for answer in answers), answers[:3]
    async with okr.bot.sessions() as session:
        count = (await session.exec(select(func.count()).select_from(Member))).one()
    assert count == 1 + len(people)
