"""Use cases on key results: add one (reading its measure from the title), hand over, rename."""

from __future__ import annotations

from dataclasses import dataclass

from bot.commands.types import NewKeyResult
from bot.domain import hygiene
from bot.domain.enums import KRKind, ObjectiveState
from bot.domain.numbers import format_number
from bot.domain.titles import measure_from_title
from bot.service import lookup, validate
from bot.service.context import Context
from bot.service.errors import OkrError
from bot.service.events import OkrChanged
from bot.service.permissions import require_edit_key_result, require_edit_objective
from bot.service.roll_up import refresh_progress
from storage.tables import KeyResult, Member, Objective

MEASURE_HINT = "okr kr O12 <title> --target N [--start N] [--type increase|decrease|above|below|milestone]"


@dataclass(frozen=True)
class Added:
    key_result: KeyResult
    objective: Objective
    owner: Member
    hints: tuple[str, ...]


def require_active(objective: Objective) -> None:
    if objective.state != ObjectiveState.ACTIVE:
        raise OkrError(f"O{objective.number} is {objective.state.value}; it no longer changes.")


def _measure(command: NewKeyResult, title: str) -> tuple[KRKind, float, float | None, str | None]:
    """Kind, start, target and unit: what was typed as options wins over what the title says."""
    read = measure_from_title(title)
    target = command.target if command.target is not None else read.target
    start = command.start if command.start is not None else read.start
    unit = command.unit if command.unit is not None else read.unit
    kind = command.kind or read.kind or KRKind.INCREASE
    if (
        command.kind is None
        and read.kind is None
        and target is not None
        and start is not None
        and target < start
    ):
        kind = KRKind.DECREASE
    if kind is KRKind.MILESTONE:
        return kind, 0.0, 1.0, None
    if kind in (KRKind.ABOVE, KRKind.BELOW):
        if target is None:
            raise OkrError(f"A stay-{kind.value} key result needs a threshold.", MEASURE_HINT, field="target")
        return kind, start if start is not None else 0.0, target, unit
    if kind is KRKind.DECREASE and target is not None and start is None:
        raise OkrError("A decreasing key result needs the value it starts from: add --start N.", MEASURE_HINT)
    start = start if start is not None else 0.0
    if target is not None:
        if target == start:
            raise OkrError(
                f"Start and target are both {format_number(start)}: nothing to move.", MEASURE_HINT
            )
        if kind is KRKind.INCREASE and target < start:
            raise OkrError(
                f"An increase from {format_number(start)} to {format_number(target)} goes down.",
                "Use --type decrease, or swap --start and --target.",
            )
        if kind is KRKind.DECREASE and target > start:
            raise OkrError(
                f"A decrease from {format_number(start)} to {format_number(target)} goes up.",
                "Use --type increase, or swap --start and --target.",
            )
    return kind, start, target, unit


async def add(ctx: Context, objective: Objective, command: NewKeyResult) -> Added:
    assert command.title is not None and objective.id is not None
    require_active(objective)
    await require_edit_objective(ctx, objective)
    title = validate.title(command.title, field="title")
    kind, start, target, unit = _measure(command, title)
    unit = validate.unit(unit, field="unit")
    weight = validate.weight(command.weight, field="weight")
    owner = await lookup.member(ctx, command.owner) if command.owner is not None else ctx.me
    key_result = await ctx.repo.add_key_result(
        KeyResult(
            workspace_id=ctx.workspace_id,
            number=0,
            objective_id=objective.id,
            title=title,
            kind=kind,
            start_value=start,
            target_value=target,
            current_value=start,
            unit=unit,
            owner_id=owner.id,
            weight=weight,
        )
    )
    await refresh_progress(ctx.repo, objective, now=ctx.now)
    ctx.events.append(OkrChanged(member_id=owner.id))  # type: ignore[arg-type]
    count = len(await ctx.repo.key_results_of(objective.id))
    hints = [
        *hygiene.key_result_hints(
            has_target=target is not None, has_owner=True, kr_ref=f"KR{key_result.number}"
        ),
        hygiene.key_results_count_hint(count, f"O{objective.number}") if count > 1 else None,
    ]
    return Added(key_result, objective, owner, tuple(hint for hint in hints if hint))


async def set_owner(ctx: Context, key_result: KeyResult, objective: Objective, owner: Member) -> None:
    await require_edit_key_result(ctx, key_result, objective)
    previous = key_result.owner_id
    key_result.owner_id = owner.id
    key_result.updated_at = ctx.now
    ctx.repo.update(key_result)
    for member_id in {previous, owner.id} - {None}:
        ctx.events.append(OkrChanged(member_id=member_id))  # type: ignore[arg-type]


async def rename(ctx: Context, key_result: KeyResult, objective: Objective, title: str) -> None:
    await require_edit_key_result(ctx, key_result, objective)
    key_result.title = validate.title(title)
    key_result.updated_at = ctx.now
    ctx.repo.update(key_result)
