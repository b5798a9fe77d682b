"""The weekly digest's content: progress per objective, status changes, what is at risk, stale or silent.

"Changes since last week" compare with the statuses the previous digest of the same channel reported, which
the digest planner stores with the channel (channel_setting.last_statuses). `okr digest`, shown on demand,
compares with the last digest posted for that scope, when there is one.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import datetime, timedelta

from bot.domain.cycles import Cycle
from bot.domain.enums import Status
from bot.domain.progress import expected_progress, is_stale, kr_progress, status_for
from bot.domain.schedules import iso_week, local_date
from bot.views.coaching import Digest, DigestLine
from storage.repository import WorkspaceRepository
from storage.tables import KeyResult, Member, Objective, Team, Workspace

# "Has not checked in this week": no check-in on any of their key results in this long.
WEEK = timedelta(days=7)


def statuses_of(text: str | None) -> dict[int, Status]:
    """The statuses a digest stored, by objective id (unknown values left out)."""
    found: dict[int, Status] = {}
    for key, value in (json.loads(text) if text else {}).items():
        if value in Status._value2member_map_:
            found[int(key)] = Status(value)
    return found


def statuses_text(digest: Digest) -> str:
    return json.dumps({str(line.objective.id): line.status.value for line in digest.lines}, sort_keys=True)


async def build_digest(
    repo: WorkspaceRepository,
    workspace: Workspace,
    team: Team | None,
    now: datetime,
    previous: Mapping[int, Status],
) -> Digest:
    """The digest of a workspace (or of one team's objectives) at `now`; private objectives are left out."""
    assert workspace.id == repo.workspace_id
    today = local_date(now, workspace.default_tz)
    cycle = Cycle.containing(today)
    expected = expected_progress(cycle, now)
    objectives = await repo.public_active_objectives(
        cycle.name, team_id=team.id if team is not None else None
    )
    key_results = await repo.key_results_of_many([o.id for o in objectives if o.id is not None])
    by_objective = {o.id: o for o in objectives}
    all_krs = [(kr, by_objective[oid]) for oid, krs in key_results.items() for kr in krs]
    members = await repo.members_by_id(
        {o.owner_id for o in objectives} | {kr.owner_id for kr, _ in all_krs if kr.owner_id}
    )

    lines = []
    for o in objectives:
        assert o.id is not None
        status = status_for(o.progress, expected, o.confidence)
        lines.append(DigestLine(o, members.get(o.owner_id), status, previous.get(o.id)))
    at_risk = []
    for kr, o in all_krs:
        status = status_for(
            kr_progress(kr.kind, kr.start_value, kr.target_value, kr.current_value),
            expected,
            kr.last_confidence,
        )
        if status is not Status.ON_TRACK:
            at_risk.append((kr, o, status))
    stale = [
        (kr, o)
        for kr, o in all_krs
        if kr.achieved_at is None and is_stale(kr.last_checkin_at, kr.created_at, now)
    ]
    return Digest(
        heading=team.name if team else (workspace.name or "Everyone"),
        cycle=cycle.name,
        week=iso_week(today),
        lines=lines,
        at_risk=at_risk,
        stale=stale,
        not_checked_in=_silent(all_krs, members, now),
    )


def _silent(
    items: list[tuple[KeyResult, Objective]], members: Mapping[int, Member], now: datetime
) -> list[Member]:
    """Owners of open key results with no check-in on any of them for a week, by name."""
    latest: dict[int, datetime | None] = {}
    for kr, _ in items:
        if kr.owner_id is None or kr.achieved_at is not None:
            continue
        seen = latest.get(kr.owner_id)
        moment = kr.last_checkin_at
        latest[kr.owner_id] = moment if seen is None else (max(seen, moment) if moment else seen)
    silent = [members[m] for m, at in latest.items() if m in members and (at is None or now - at > WEEK)]
    return sorted(silent, key=lambda m: m.name_key)
