"""What the coach plans when something happens, inside the transaction of the invocation that did it.

- A check-in updates the prompt (and the reminder) it answers, to show it done: an UpdateSent whose own key
  carries how many of the prompt's key results are done (`checkin:<member>:<period>:done:<n>`). That number
  only grows within a period, so each state is planned once and a replay plans nothing new.
- A key result reaching its target, and an objective with all of them: celebrations (bot/jobs/celebrations.py).
- OKRs that change for someone give them a place in the check-in schedule on first need, and move it to
  their time zone when that changed.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlmodel.ext.asyncio.session import AsyncSession

from bot.delivery.planned import PlannedMessage, UpdateSent
from bot.jobs.celebrations import plan_celebrations
from bot.jobs.checkins import checked_in_since, kr_ids_of, prompt_key, reminder_key
from bot.service.events import CheckedIn, DomainEvent, OkrChanged
from bot.service.prompt_schedule import ensure_coaching
from bot.views import coaching as views
from storage.coaching import CoachingStore
from storage.tables import MemberCoaching


async def plan_for_events(
    session: AsyncSession, events: Sequence[DomainEvent], now: datetime
) -> Sequence[PlannedMessage]:
    """Messages that `events` call for (and the schedule rows they touch), in the caller's transaction, at
    the bot clock's `now`."""
    store = CoachingStore(session=session)
    if not events:
        return []
    touched = {e.member_id for e in events if isinstance(e, OkrChanged)}
    touched |= {e.owner_id for e in events if isinstance(e, CheckedIn) and e.owner_id is not None}
    await ensure_coaching(store, touched, now=now)

    planned: list[PlannedMessage] = []
    owners = {e.owner_id for e in events if isinstance(e, CheckedIn) and e.owner_id is not None}
    for row in (await store.coaching_of(owners)).values():
        planned += await _prompt_updates(session, row, now)
    planned += await plan_celebrations(session, events, now)
    return planned


async def _prompt_updates(session: AsyncSession, row: MemberCoaching, now: datetime) -> list[PlannedMessage]:
    """The prompt (and the reminder, if one went) of the member's last period, redrawn with what is done."""
    store = CoachingStore(session=session)
    if row.prompt_period is None or row.prompted_at is None:
        return []
    items = await store.key_results_with_objectives(kr_ids_of(row.prompt_key_results))
    done = {kr.id for kr, _ in items if kr.id is not None and checked_in_since(kr, row.prompted_at)}
    if not done:
        return []
    updates = [
        PlannedMessage(
            key=f"{prompt_key(row.member_id, row.prompt_period)}:done:{len(done)}",
            workspace_id=row.workspace_id,
            target=UpdateSent(prompt_key(row.member_id, row.prompt_period)),
            card=views.checkin_prompt(items, now, done=done),
        )
    ]
    if row.reminded_at is not None:
        updates.append(
            PlannedMessage(
                key=f"{reminder_key(row.member_id, row.prompt_period)}:done:{len(done)}",
                workspace_id=row.workspace_id,
                target=UpdateSent(reminder_key(row.member_id, row.prompt_period)),
                card=views.reminder(items, now, done=done),
            )
        )
    return updates
