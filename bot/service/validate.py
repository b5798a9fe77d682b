"""Checks on what people type, before anything is written."""

from __future__ import annotations

import math

from bot.domain.limits import MAX_WEIGHT, NAME_MAX, NOTE_MAX, TITLE_MAX, UNIT_MAX
from bot.service.errors import OkrError


def _clean(text: str, *, what: str, limit: int, field: str | None) -> str:
    cleaned = " ".join(text.split())
    if not cleaned:
        raise OkrError(f"The {what} is empty.", field=field)
    if len(cleaned) > limit:
        raise OkrError(
            f"That {what} is {len(cleaned):,} characters long; keep it to {limit}.",
            "Short and specific works best.",
            field=field,
        )
    return cleaned


def title(text: str, *, field: str | None = None) -> str:
    return _clean(text, what="title", limit=TITLE_MAX, field=field)


def name(text: str, *, what: str = "name", field: str | None = None) -> str:
    return _clean(text, what=what, limit=NAME_MAX, field=field)


def unit(text: str | None, *, field: str | None = None) -> str | None:
    if text is None or not text.strip():
        return None
    return _clean(text, what="unit", limit=UNIT_MAX, field=field)


def note(text: str | None, *, field: str | None = None) -> str | None:
    if text is None or not text.strip():
        return None
    cleaned = text.strip()
    if len(cleaned) > NOTE_MAX:
        raise OkrError(f"That note is {len(cleaned):,} characters long; keep it to {NOTE_MAX}.", field=field)
    return cleaned


def weight(value: float | None, *, field: str | None = None) -> float:
    if value is None:
        return 1.0
    if not math.isfinite(value) or value <= 0 or value > MAX_WEIGHT:
        raise OkrError(f"A weight is a number above 0 and at most {MAX_WEIGHT:g}.", field=field)
    return value
