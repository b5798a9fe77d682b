"""An objective's stored progress and confidence, rolled up from its key results and aligned children, and
carried up to every objective above it.

The repository reads the chain and writes it back; the arithmetic is the domain's (bot/domain/progress.py).
"""

from __future__ import annotations

from datetime import datetime

from bot.domain.progress import kr_progress, rolled_up_progress, worst_confidence
from storage.repository import WorkspaceRepository
from storage.tables import Objective


async def refresh_progress(repo: WorkspaceRepository, objective: Objective, *, now: datetime) -> None:
    """Recompute the stored progress and confidence of an objective and of every objective above it."""
    for current in [objective, *await repo.ancestors_of(objective)]:
        assert current.id is not None
        key_results = await repo.key_results_of(current.id)
        children = await repo.children_of(current.id)
        current.progress = rolled_up_progress(
            [
                (kr_progress(kr.kind, kr.start_value, kr.target_value, kr.current_value), kr.weight)
                for kr in key_results
            ],
            [child.progress for child in children],
        )
        current.confidence = worst_confidence(kr.last_confidence for kr in key_results)
        current.updated_at = now
        repo.update(current)
    await repo.flush()
