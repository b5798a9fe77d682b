"""Enqueueing is insert-if-absent by key, in the caller's transaction, on SQLite and PostgreSQL."""

from __future__ import annotations

import asyncio

import pytest
from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.delivery.cardjson import card_from_json
from bot.delivery.enqueue import enqueue, enqueue_many
from bot.delivery.planned import PlannedMessage, ToConversation, UpdateSent
from bot.domain.enums import Platform
from bot.invocation import ConversationRef
from bot.views.cards import Card
from storage.tables import OutboxStatus, TargetKind
from tests.jobs.conftest import START
from tests.jobs.fakes import add_workspace
from tests.jobs.helpers import dm, message, rows


async def test_the_same_key_is_enqueued_once_and_keeps_its_first_card(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    workspace, members = await add_workspace(sessions, "T1", ["U1"])
    async with sessions() as session, session.begin():
        assert await enqueue(
            session, dm("checkin:1:2026-W49", workspace, members["U1"], title="first"), now=START
        )
    async with sessions() as session, session.begin():
        assert not await enqueue(
            session, dm("checkin:1:2026-W49", workspace, members["U1"], title="second"), now=START
        )
    stored = await rows(sessions)
    assert list(stored) == ["checkin:1:2026-W49"]
    assert card_from_json(stored["checkin:1:2026-W49"].card) == Card("first")


async def test_enqueue_many_reports_only_the_new_keys_and_ignores_repeats_within_the_call(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    workspace, members = await add_workspace(sessions, "T1", ["U1"])
    async with sessions() as session, session.begin():
        await enqueue(session, dm("old", workspace, members["U1"]), now=START)
        new = await enqueue_many(
            session,
            [dm(key, workspace, members["U1"]) for key in ["old", "a", "b", "a"]],
            now=START,
        )
    assert new == {"a", "b"}
    assert sorted(await rows(sessions)) == ["a", "b", "old"]


async def test_a_rolled_back_transaction_enqueues_nothing(sessions: async_sessionmaker[AsyncSession]) -> None:
    workspace, members = await add_workspace(sessions, "T1", ["U1"])
    with pytest.raises(RuntimeError):
        async with sessions() as session, session.begin():
            assert await enqueue(session, dm("a", workspace, members["U1"]), now=START)
            raise RuntimeError("the invocation failed after planning")
    assert await rows(sessions) == {}


async def test_every_target_is_stored_as_planned(sessions: async_sessionmaker[AsyncSession]) -> None:
    workspace, members = await add_workspace(sessions, "T1", ["U1"])
    channel = ConversationRef(Platform.TEAMS, "tenant-1", '{"conversation": {"id": "19:abc"}}')
    later = START.replace(hour=10)
    async with sessions() as session, session.begin():
        await enqueue_many(
            session,
            [
                dm("dm", workspace, members["U1"]),
                message("post", workspace, ToConversation(channel), not_before=later),
                message("update", workspace, UpdateSent("dm")),
            ],
            now=START,
        )
    stored = await rows(sessions)
    assert (stored["dm"].target_kind, stored["dm"].member_id) == (TargetKind.MEMBER, members["U1"])
    post = stored["post"]
    assert (
        post.target_kind,
        post.conversation_platform,
        post.conversation_workspace,
        post.conversation_opaque,
    ) == (
        TargetKind.CONVERSATION,
        Platform.TEAMS,
        "tenant-1",
        '{"conversation": {"id": "19:abc"}}',
    )
    assert post.next_attempt_at == later and stored["dm"].next_attempt_at == START
    assert (stored["update"].target_kind, stored["update"].update_key) == (TargetKind.UPDATE, "dm")
    assert {row.status for row in stored.values()} == {OutboxStatus.PENDING}
    assert {row.attempts for row in stored.values()} == {0}


async def test_concurrent_enqueues_of_one_key_make_one_row(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    # Two bot instances planning the same celebration at the same moment, in overlapping transactions.
    workspace, members = await add_workspace(sessions, "T1", ["U1"])

    async def plan() -> bool:
        async with sessions() as session, session.begin():
            new = await enqueue(session, dm("celebrate:3:2026-Q4", workspace, members["U1"]), now=START)
            await asyncio.sleep(0.05)  # keep the transaction open while the other one inserts
            return new

    results = await asyncio.gather(plan(), plan(), plan())
    assert sorted(results) == [False, False, True]
    assert list(await rows(sessions)) == ["celebrate:3:2026-Q4"]


async def test_a_key_too_long_for_the_column_is_refused_before_the_database(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    workspace, _ = await add_workspace(sessions, "T1", ["U1"])
    async with sessions() as session, session.begin():
        with pytest.raises(ValueError, match="outbox key longer than 255"):
            await enqueue(
                session,
                PlannedMessage("k" * 256, workspace, dm("x", workspace, 1).target, Card("x")),
                now=START,
            )
