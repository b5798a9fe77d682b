"""Checking in on a key result: the new value, a confidence, a note; and what that achieves."""

from __future__ import annotations

import math
from dataclasses import dataclass

from bot.domain.enums import Confidence, KRKind
from bot.domain.numbers import MAX_ABS_VALUE
from bot.domain.progress import is_achieved
from bot.service import validate
from bot.service.context import Context
from bot.service.errors import OkrError
from bot.service.events import CheckedIn, KeyResultAchieved, ObjectiveAchieved, OkrChanged
from bot.service.key_results import require_active
from bot.service.permissions import require_edit_key_result
from bot.service.roll_up import refresh_progress
from storage.tables import CheckIn, KeyResult, Objective


@dataclass(frozen=True)
class CheckInOutcome:
    """What a check-in recorded and whether it achieved the key result (the event is events.CheckedIn)."""

    key_result: KeyResult
    objective: Objective
    check_in: CheckIn
    achieved_now: bool  # this check-in reached the target for the first time this cycle


async def check_in(
    ctx: Context,
    key_result: KeyResult,
    objective: Objective,
    *,
    value: float,
    confidence: Confidence | None,
    note: str | None,
) -> CheckInOutcome:
    assert key_result.id is not None and objective.id is not None
    require_active(objective)
    await require_edit_key_result(ctx, key_result, objective)
    if not math.isfinite(value) or abs(value) > MAX_ABS_VALUE:
        raise OkrError("That value is too large to be a goal.", field="value")
    if key_result.kind is KRKind.MILESTONE and value not in (0.0, 1.0):
        raise OkrError(f"KR{key_result.number} is a milestone: check in done or not-done.", field="value")
    note = validate.note(note, field="note")

    record = await ctx.repo.add_check_in(
        CheckIn(
            workspace_id=ctx.workspace_id,
            key_result_id=key_result.id,
            value=value,
            previous_value=key_result.current_value,
            confidence=confidence,
            note=note,
            author_id=ctx.me_id,
            created_at=ctx.now,
        )
    )
    key_result.current_value = value
    key_result.last_checkin_at = ctx.now
    key_result.last_confidence = confidence
    key_result.updated_at = ctx.now
    ctx.events.append(CheckedIn(key_result.id, ctx.me_id, key_result.owner_id, ctx.now))
    reached = is_achieved(key_result.kind, key_result.start_value, key_result.target_value, value)
    # achieved_at is set once and kept: dipping below the target and back does not celebrate again.
    achieved_now = reached and key_result.achieved_at is None
    if achieved_now:
        key_result.achieved_at = ctx.now
        ctx.events.append(KeyResultAchieved(key_result.id, objective.id, objective.cycle, ctx.me_id))
    ctx.repo.update(key_result)
    await refresh_progress(ctx.repo, objective, now=ctx.now)
    if achieved_now:
        siblings = await ctx.repo.key_results_of(objective.id)
        if all(kr.achieved_at is not None for kr in siblings if kr.kind.celebrates):
            ctx.events.append(ObjectiveAchieved(objective.id, objective.cycle))
    ctx.events.append(OkrChanged(member_id=ctx.me_id))
    return CheckInOutcome(key_result, objective, record, achieved_now)
