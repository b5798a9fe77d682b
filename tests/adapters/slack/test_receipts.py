"""Event receipts: one INSERT per event on the request path; pruning old ones is housekeeping's, hourly."""

from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.engine import session_factory
from storage.tables import InboundReceipt
from storage.types import utcnow
from tests.adapters.slack import wire
from tests.adapters.slack.conftest import SlackRig


async def _keys(session: AsyncSession) -> set[str]:
    return set((await session.execute(sa.text("SELECT key FROM inbound_receipt"))).scalars())


async def test_an_event_records_its_receipt_and_deletes_nothing(slack: SlackRig) -> None:
    async with session_factory(slack.engine)() as session, session.begin():
        session.add(InboundReceipt(key="slack:Ev_LONG_AGO", received_at=utcnow() - timedelta(days=30)))
    payload = wire.event("app_home_opened.json")

    reply = await slack.event(payload)
    await slack.settled()

    assert reply.status == 200
    async with session_factory(slack.engine)() as session:
        assert await _keys(session) == {"slack:Ev_LONG_AGO", f"slack:{payload['event_id']}"}
