"""When each member is next asked to check in: which rule applies to them, and their next due prompt.

Storage reads and writes the rows (storage/coaching.py); the rule's precedence is here and the calendar
arithmetic in bot/domain/schedules.py. Every change that can move someone's next prompt recomputes it at
once, so the check-in planner only ever reads the rows that have come due.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime

from bot.domain.schedules import DEFAULT_CHECKIN_SLOT, Slot, next_due
from storage.coaching import WORKSPACE_SCOPE, CoachingStore, member_scope, team_scope
from storage.tables import CoachingRule, Member, MemberCoaching


def slot_of(rule: CoachingRule) -> Slot | None:
    return Slot(rule.weekday, rule.minute, rule.cadence) if rule.enabled else None


class RuleBook:
    """The check-in rules of some workspaces and who is in which team: resolves a member's schedule."""

    def __init__(self, rules: Iterable[CoachingRule], teams: dict[int, list[int]]) -> None:
        self.rules = {(rule.workspace_id, rule.scope): rule for rule in rules}
        self.teams = teams

    def rule_for(self, member: Member) -> CoachingRule | None:
        """The most specific rule: the member's own, else their team's (the oldest team), else the workspace's."""
        assert member.id is not None
        scopes = [member_scope(member.id), *(team_scope(t) for t in sorted(self.teams.get(member.id, [])))]
        for scope in [*scopes, WORKSPACE_SCOPE]:
            rule = self.rules.get((member.workspace_id, scope))
            if rule is not None:
                return rule
        return None

    def slot_for(self, member: Member) -> Slot | None:
        """When this member is asked to check in; None when check-ins are off for them."""
        rule = self.rule_for(member)
        return DEFAULT_CHECKIN_SLOT if rule is None else slot_of(rule)


async def rule_book(store: CoachingStore, members: Sequence[Member]) -> RuleBook:
    """The rules that can apply to `members`, read in three queries whatever their number."""
    rules, teams = await store.rules_for(members)
    return RuleBook(rules, teams)


def place(row: MemberCoaching, slot: Slot | None, tz: str, *, after: datetime) -> None:
    """Set a member's next due slot: the first occurrence after `after` in their zone."""
    row.tz = tz
    if slot is None:
        row.next_due_at, row.due_period = None, None
        return
    due = next_due(slot, tz, after)
    row.next_due_at, row.due_period = due.at, due.period


async def reschedule(
    store: CoachingStore, members: Sequence[Member], *, now: datetime
) -> list[MemberCoaching]:
    """Recompute when each member's next prompt is due (creating their row on first need), after `now`."""
    book = await rule_book(store, members)
    rows = await store.coaching_of(m.id for m in members if m.id is not None)
    updated = []
    for member in members:
        assert member.id is not None
        row = rows.get(member.id) or MemberCoaching(member_id=member.id, workspace_id=member.workspace_id)
        place(row, book.slot_for(member), member.tz, after=now)
        updated.append(row)
    await store.save_schedules(updated)
    return updated


async def ensure_coaching(store: CoachingStore, member_ids: Iterable[int], *, now: datetime) -> None:
    """Give members who have none a schedule, and move those whose zone changed to it."""
    ids = set(member_ids)
    if not ids:
        return
    rows = await store.coaching_of(ids)
    members = (await store.members_by_ids(ids)).values()
    stale = [m for m in members if m.id not in rows or rows[m.id].tz != m.tz]
    if stale:
        await reschedule(store, stale, now=now)
