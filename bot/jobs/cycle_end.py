"""The end-of-cycle nudge: a week before a cycle ends, owners of its active objectives are asked to score them
and close it. Key: `cycle-ending:<member>:<cycle>`; member_coaching.cycle_end_asked keeps the planner from
reading the same owners again every minute of that week.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.delivery.planned import PlannedMessage, ToMember
from bot.domain.cycles import Cycle
from bot.domain.enums import ObjectiveState
from bot.domain.schedules import zone
from bot.service.prompt_schedule import ensure_coaching
from bot.views.coaching import cycle_ending
from storage.coaching import CoachingStore
from storage.tables import ClosedCycle, Member, MemberCoaching, Objective

NOTICE_DAYS = 7  # asked when this many days of the cycle are left, counting the day itself
ASK_FROM_MINUTE = 9 * 60  # and not before 09:00 their time


def cycle_end_key(member_id: int, cycle: str) -> str:
    return f"cycle-ending:{member_id}:{cycle}"


def ending_cycles(now: datetime) -> list[Cycle]:
    """Cycles whose last week contains `now` somewhere on Earth (UTC-12 .. UTC+14)."""
    found = []
    for day in {(now + timedelta(hours=h)).date() for h in (-12, 0, 14)}:
        cycle = Cycle.containing(day)
        if cycle.days_left(day) <= NOTICE_DAYS and cycle not in found:
            found.append(cycle)
    return found


async def plan_cycle_end(session: AsyncSession, now: datetime) -> Sequence[PlannedMessage]:
    store = CoachingStore(session=session)
    cycles = ending_cycles(now)
    if not cycles:
        return []
    names = [c.name for c in cycles]
    closed = select(ClosedCycle.id).where(
        ClosedCycle.workspace_id == Objective.workspace_id, ClosedCycle.name == Objective.cycle
    )
    query = (
        select(Objective, Member, MemberCoaching)
        .join(Member, col(Member.id) == col(Objective.owner_id))
        .outerjoin(MemberCoaching, col(MemberCoaching.member_id) == col(Objective.owner_id))
        .where(
            col(Objective.cycle).in_(names),
            col(Objective.state) == ObjectiveState.ACTIVE,
            ~sa.exists(closed),
            sa.or_(
                col(MemberCoaching.cycle_end_asked).is_(None),
                col(MemberCoaching.cycle_end_asked) != col(Objective.cycle),
            ),
        )
        .order_by(col(Objective.number))
    )
    grouped: dict[tuple[int, str], list[Objective]] = defaultdict(list)
    owners: dict[int, Member] = {}
    for objective, member, _ in (await session.exec(query)).all():
        assert member.id is not None
        grouped[(member.id, objective.cycle)].append(objective)
        owners[member.id] = member
    planned = []
    asked: dict[int, str] = {}
    for (member_id, cycle_name), objectives in grouped.items():
        member = owners[member_id]
        local = now.astimezone(zone(member.tz))
        cycle = Cycle.parse(cycle_name)
        days_left = cycle.days_left(local.date())
        if not 1 <= days_left <= NOTICE_DAYS or local.hour * 60 + local.minute < ASK_FROM_MINUTE:
            if days_left <= NOTICE_DAYS and local.date() > cycle.ends_on:
                asked[member_id] = cycle_name  # over where they are: too late to ask
            continue
        planned.append(
            PlannedMessage(
                key=cycle_end_key(member_id, cycle_name),
                workspace_id=member.workspace_id,
                target=ToMember(member_id),
                card=cycle_ending(cycle_name, days_left, objectives, now),
            )
        )
        asked[member_id] = cycle_name
    if asked:
        await ensure_coaching(store, asked, now=now)
        for member_id, row in (await store.coaching_of(asked)).items():
            row.cycle_end_asked = asked[member_id]
            session.add(row)
        await session.flush()
    return planned
