"""A workspace's OKRs as CSV (one row a key result) or JSON (nested, with check-in history)."""

from __future__ import annotations

import csv
import io
import json
from typing import Any

from bot.commands.types import ExportFormat
from bot.service.context import Context
from bot.service.permissions import can_view
from storage.tables import CheckIn, Initiative, KeyResult, Objective

CSV_COLUMNS = (
    "cycle", "objective", "objective_title", "level", "team", "objective_owner", "aligned_under", "aspirational",
    "private", "state", "objective_progress", "score", "key_result", "key_result_title", "kind", "start", "target",
    "current", "unit", "key_result_owner", "weight", "last_confidence", "last_check_in",
)  # fmt: skip


async def export(ctx: Context, format: ExportFormat) -> tuple[str, str]:
    """(file name, content) of everything the caller may see."""
    objectives = [o for o in await ctx.repo.all_objectives() if can_view(ctx, o)]
    ids = [o.id for o in objectives if o.id is not None]
    key_results = await ctx.repo.key_results_of_many(ids)
    kr_ids = [kr.id for krs in key_results.values() for kr in krs if kr.id is not None]
    members = await ctx.repo.members_by_id(
        {o.owner_id for o in objectives}
        | {kr.owner_id for krs in key_results.values() for kr in krs if kr.owner_id}
    )
    teams = await ctx.repo.teams_by_id({o.team_id for o in objectives if o.team_id})
    numbers = {o.id: o.number for o in objectives}
    names = {member_id: member.display_name for member_id, member in members.items()}

    def objective_fields(o: Objective) -> dict[str, Any]:
        return {
            "cycle": o.cycle, "objective": f"O{o.number}", "objective_title": o.title, "level": o.level.value,
            "team": teams[o.team_id].name if o.team_id in teams else None,
            "objective_owner": names.get(o.owner_id),
            "aligned_under": f"O{numbers[o.parent_id]}" if o.parent_id in numbers else None,
            "aspirational": o.aspirational, "private": o.private, "state": o.state.value,
            "objective_progress": round(o.progress, 4), "score": o.score,
        }  # fmt: skip

    def kr_fields(kr: KeyResult) -> dict[str, Any]:
        return {
            "key_result": f"KR{kr.number}", "key_result_title": kr.title, "kind": kr.kind.value,
            "start": kr.start_value, "target": kr.target_value, "current": kr.current_value, "unit": kr.unit,
            "key_result_owner": names.get(kr.owner_id) if kr.owner_id else None, "weight": kr.weight,
            "last_confidence": kr.last_confidence.value if kr.last_confidence else None,
            "last_check_in": kr.last_checkin_at.isoformat() if kr.last_checkin_at else None,
        }  # fmt: skip

    stamp = ctx.now.strftime("%Y-%m-%d")
    if format is ExportFormat.CSV:
        buffer = io.StringIO()
        writer = csv.DictWriter(buffer, fieldnames=CSV_COLUMNS, lineterminator="\n")
        writer.writeheader()
        for o in objectives:
            for kr in key_results.get(o.id or 0) or [None]:  # type: ignore[list-item]
                writer.writerow({**objective_fields(o), **(kr_fields(kr) if kr else {})})
        return f"okrs-{stamp}.csv", buffer.getvalue()

    check_ins = await ctx.repo.all_check_ins(kr_ids)
    initiatives = await ctx.repo.initiatives_of(kr_ids)
    authors = await ctx.repo.members_by_id({c.author_id for cs in check_ins.values() for c in cs})

    def check_in_fields(c: CheckIn) -> dict[str, Any]:
        return {
            "at": c.created_at.isoformat(), "value": c.value, "previous": c.previous_value,
            "confidence": c.confidence.value if c.confidence else None, "note": c.note,
            "by": authors[c.author_id].display_name if c.author_id in authors else None,
        }  # fmt: skip

    def initiative_fields(i: Initiative) -> dict[str, Any]:
        return {"initiative": f"I{i.number}", "title": i.title, "done": i.done}

    document = {
        "exported_at": ctx.now.isoformat(),
        "objectives": [
            {
                **objective_fields(o),
                "key_results": [
                    {
                        **kr_fields(kr),
                        "check_ins": [check_in_fields(c) for c in check_ins.get(kr.id or 0, [])],
                        "initiatives": [initiative_fields(i) for i in initiatives.get(kr.id or 0, [])],
                    }
                    for kr in key_results.get(o.id or 0, [])
                ],
            }
            for o in objectives
        ],
    }
    return f"okrs-{stamp}.json", json.dumps(document, indent=2, ensure_ascii=False)
