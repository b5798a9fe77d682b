"""Check-in prompts and their one reminder: what has come due at `now`, as messages to plan.

A member's row in member_coaching says when their next prompt is due; this reads only the rows that have come
due (an index on next_due_at), decides, and moves each row on to its next slot, in the caller's transaction.
Keys: `checkin:<member>:<period>` and `remind:<member>:<period>`, the period being the local date of the slot,
so that planning twice (two ticks, two instances) sends once.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import datetime, timedelta

from sqlmodel.ext.asyncio.session import AsyncSession

from bot.delivery.planned import PlannedMessage, ToMember
from bot.domain.cycles import Cycle
from bot.domain.enums import ObjectiveState
from bot.domain.schedules import next_due, zone
from bot.service.prompt_schedule import place, reschedule, rule_book
from bot.views import coaching as views
from storage.coaching import CoachingStore
from storage.tables import KeyResult, Member, MemberCoaching, Objective

# A prompt is planned at most this late: after a longer outage the slot is skipped, not sent at night.
GRACE = timedelta(hours=6)
# Someone who checked in on all their key results this recently is not asked again.
RECENTLY = timedelta(days=3)
BATCH = 1000


def prompt_key(member_id: int, period: str) -> str:
    return f"checkin:{member_id}:{period}"


def reminder_key(member_id: int, period: str) -> str:
    return f"remind:{member_id}:{period}"


def is_paused(row: MemberCoaching, at: datetime) -> bool:
    return row.paused_until is not None and at.astimezone(zone(row.tz)).date() <= row.paused_until


def kr_ids_text(ids: Sequence[int]) -> str:
    return ",".join(str(i) for i in ids)


def kr_ids_of(text: str | None) -> list[int]:
    return [int(part) for part in (text or "").split(",") if part]


def checked_in_since(kr: KeyResult, moment: datetime | None) -> bool:
    return moment is not None and kr.last_checkin_at is not None and kr.last_checkin_at >= moment


async def plan_checkins(
    session: AsyncSession, now: datetime, *, max_members: int | None = None
) -> Sequence[PlannedMessage]:
    """Check-in prompts that have come due at `now` (UTC), and each member moved on to their next slot.

    `max_members` bounds one call's work (a tick that must stay short): the rest stay due for the next call,
    oldest first, and are still planned as long as they are less than GRACE late.
    """
    store = CoachingStore(session=session)
    planned: list[PlannedMessage] = []
    left = max_members
    while left is None or left > 0:
        due = await store.due_prompts(now=now, limit=BATCH if left is None else min(BATCH, left))
        if not due:
            break
        planned += await _plan_batch(session, due, now)
        left = None if left is None else left - len(due)
    return planned


async def _plan_batch(
    session: AsyncSession, due: Sequence[tuple[MemberCoaching, Member]], now: datetime
) -> list[PlannedMessage]:
    store = CoachingStore(session=session)
    members = [member for _, member in due]
    book = await rule_book(store, members)
    hours = await store.reminder_hours({m.workspace_id for m in members})
    # Which slot each is due for, in their zone as it is now (it may have changed since the row was placed).
    slots: dict[int, tuple[MemberCoaching, Member, str, datetime]] = {}
    for row, member in due:
        assert member.id is not None
        slot = book.slot_for(member)
        if slot is None:
            place(row, None, member.tz, after=now)
            continue
        occurrence = next_due(slot, member.tz, now - GRACE)
        if occurrence.at > now:  # their zone or rule moved it later: not due yet
            place(row, slot, member.tz, after=now - GRACE)
            continue
        place(row, slot, member.tz, after=now)  # moved on whatever is decided below
        if occurrence.period == row.prompt_period or is_paused(row, occurrence.at):
            continue
        slots[member.id] = (row, member, occurrence.period, occurrence.at)

    owners: dict[int, set[int]] = defaultdict(set)
    cycles: set[str] = set()
    for _, member, _, at in slots.values():
        assert member.id is not None
        owners[member.workspace_id].add(member.id)
        cycles.add(Cycle.containing(at.astimezone(zone(member.tz)).date()).name)
    open_krs = await store.open_key_results_owned(owners=owners, cycles=cycles)

    planned = []
    for member_id, (row, member, period, at) in slots.items():
        cycle = Cycle.containing(at.astimezone(zone(member.tz)).date()).name
        items = [(kr, o) for kr, o in open_krs.get(member_id, []) if o.cycle == cycle]
        if not items or all(checked_in_since(kr, now - RECENTLY) for kr, _ in items):
            continue
        items = items[: views.MAX_SECTIONS]  # what one message can show (and prompt_key_results can hold)
        planned.append(
            PlannedMessage(
                key=prompt_key(member_id, period),
                workspace_id=member.workspace_id,
                target=ToMember(member_id),
                card=views.checkin_prompt(items, now),
            )
        )
        row.prompt_period, row.prompted_at = period, now
        row.prompt_key_results = kr_ids_text([kr.id for kr, _ in items if kr.id is not None])
        after = hours.get(member.workspace_id)
        row.remind_at = at + timedelta(hours=after) if after else None
        row.reminded_at = None
    for row, _ in due:
        session.add(row)
    await session.flush()
    return planned


async def schedule_unscheduled(session: AsyncSession, now: datetime) -> int:
    """Give a schedule to key-result owners who have none (rows made before the coach existed): run it once
    at start-up or after a migration; afterwards the core's events keep every owner scheduled. How many."""
    store = CoachingStore(session=session)
    count = 0
    while owners := await store.unscheduled_owners(limit=BATCH):
        await reschedule(store, owners, now=now)
        count += len(owners)
    return count


async def plan_reminders(session: AsyncSession, now: datetime) -> Sequence[PlannedMessage]:
    """The one reminder per prompt, for members who have still not checked in on all of it since."""
    store = CoachingStore(session=session)
    planned: list[PlannedMessage] = []
    while True:
        due = await store.due_reminders(now=now, limit=BATCH)
        if not due:
            return planned
        items_by_id = {
            kr.id: (kr, o)
            for kr, o in await store.key_results_with_objectives(
                (i for row, _ in due for i in kr_ids_of(row.prompt_key_results))
            )
        }
        for row, member in due:
            row.remind_at = None
            items = _still_open(row, items_by_id)
            if row.prompt_period is None or is_paused(row, now):
                continue
            if items and not all(checked_in_since(kr, row.prompted_at) for kr, _ in items):
                done = {kr.id for kr, _ in items if checked_in_since(kr, row.prompted_at) and kr.id}
                planned.append(
                    PlannedMessage(
                        key=reminder_key(row.member_id, row.prompt_period),
                        workspace_id=member.workspace_id,
                        target=ToMember(row.member_id),
                        card=views.reminder([i for i in items if i[0].id not in done], now),
                    )
                )
                row.reminded_at = now
            session.add(row)
        await session.flush()


def _still_open(
    row: MemberCoaching, items_by_id: dict[int | None, tuple[KeyResult, Objective]]
) -> list[tuple[KeyResult, Objective]]:
    """The prompt's key results that still exist, still belong to the member and are in an active objective."""
    items = [items_by_id[i] for i in kr_ids_of(row.prompt_key_results) if i in items_by_id]
    return [(kr, o) for kr, o in items if kr.owner_id == row.member_id and o.state is ObjectiveState.ACTIVE]
