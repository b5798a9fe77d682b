"""Progress, status and scoring: the arithmetic of OKRs, as pure functions of their inputs and `now`."""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from datetime import datetime, timedelta
from enum import StrEnum
from fractions import Fraction

from bot.domain.cycles import Cycle
from bot.domain.enums import Confidence, KRKind, Status

# How far progress may trail the time elapsed before a key result is at risk, then behind.
AT_RISK_MARGIN = 0.10
BEHIND_MARGIN = 0.25
# A key result nobody has checked in on for this long needs a nudge.
STALE_AFTER = timedelta(days=14)

# Thresholds are compared with this much slack, so that 0.4 - 0.3 (0.10000000000000003 in floats)
# counts as a gap of exactly ten points, and a score of 0.7 computed as a mean is still 0.7.
_SLACK = 1e-9
# A committed OKR is met when its score rounds to 100%.
_COMMITTED_MET = 0.999


def _clamp_unit(value: float) -> float:
    """`value` limited to [0, 1]; NaN counts as no progress."""
    if math.isnan(value):
        return 0.0
    return min(max(value, 0.0), 1.0)


def _share_of_way(start: float, target: float, current: float) -> float:
    """How far `current` has come from `start` towards `target` (which differ), clamped to [0, 1].

    Computed exactly with fractions: floats far apart would overflow to inf - inf = NaN.
    """
    if math.isnan(current):
        return 0.0
    if math.isinf(current):
        return 1.0 if (current > 0) == (target > start) else 0.0
    ratio = (Fraction(current) - Fraction(start)) / (Fraction(target) - Fraction(start))
    return float(min(max(ratio, Fraction(0)), Fraction(1)))


def kr_progress(kind: KRKind, start: float, target: float | None, current: float) -> float:
    """How far a key result is towards its target, from 0.0 to 1.0 (never NaN)."""
    if kind is KRKind.MILESTONE:
        return 1.0 if current >= 1 else 0.0
    if target is None or math.isnan(target):
        return 0.0
    if kind is KRKind.ABOVE:
        return 1.0 if current >= target else 0.0
    if kind is KRKind.BELOW:
        return 1.0 if current <= target else 0.0
    # INCREASE and DECREASE share one formula, (current - start) / (target - start), which already
    # measures a mis-entered direction (an "increase" whose target is below its start) the other way.
    # They differ only when there is no way to go: then the kind says which side of the target is done.
    if math.isnan(start) or math.isinf(start) or math.isinf(target):
        return 0.0
    if target == start:
        done = current >= target if kind is KRKind.INCREASE else current <= target
        return 1.0 if done else 0.0
    return _share_of_way(start, target, current)


def weighted_progress(parts: Sequence[tuple[float, float]]) -> float:
    """The weighted mean of (progress, weight) pairs; weights <= 0 are left out; 0.0 when none is left."""
    kept = [(_clamp_unit(progress), weight) for progress, weight in parts if weight > 0]
    if not kept:
        return 0.0
    heaviest = max(weight for _, weight in kept)
    if math.isinf(heaviest):
        # Infinitely heavy parts outweigh the rest: they share the result equally.
        kept = [(progress, 1.0) for progress, weight in kept if math.isinf(weight)]
    else:
        # Scaled to at most 1 so that the sums cannot overflow.
        kept = [(progress, weight / heaviest) for progress, weight in kept]
    mean = math.fsum(progress * weight for progress, weight in kept) / math.fsum(w for _, w in kept)
    # A mean lies between its parts; rounding must not push it outside them.
    lowest = min(progress for progress, _ in kept)
    highest = max(progress for progress, _ in kept)
    return min(max(mean, lowest), highest)


def rolled_up_progress(own: Sequence[tuple[float, float]], children: Sequence[float]) -> float:
    """An objective's progress with the objectives aligned under it.

    Its own key results count by their weights; each aligned child objective counts like one key
    result of weight 1.
    """
    return weighted_progress([*own, *((child, 1.0) for child in children)])


def expected_progress(cycle: Cycle, now: datetime) -> float:
    """Where progress would be at `now` if it moved evenly through the cycle."""
    return cycle.elapsed_fraction(now)


def status_for(progress: float, expected: float, confidence: Confidence | None) -> Status:
    """How well it is going: done is on track; else the owner's confidence; else progress against time."""
    if progress >= 1.0:
        return Status.ON_TRACK
    if confidence is not None:
        return {
            Confidence.ON_TRACK: Status.ON_TRACK,
            Confidence.AT_RISK: Status.AT_RISK,
            Confidence.OFF_TRACK: Status.BEHIND,
        }[confidence]
    gap = expected - _clamp_unit(progress)
    if gap <= AT_RISK_MARGIN + _SLACK:
        return Status.ON_TRACK
    if gap <= BEHIND_MARGIN + _SLACK:
        return Status.AT_RISK
    return Status.BEHIND


def worst_confidence(confidences: Iterable[Confidence | None]) -> Confidence | None:
    """The most worried confidence given, or None when none was given."""
    given = [confidence for confidence in confidences if confidence is not None]
    if not given:
        return None
    return max(given, key=lambda confidence: confidence.severity)


def is_stale(last_checkin_at: datetime | None, created_at: datetime, now: datetime) -> bool:
    """True when nobody has checked in (or, never checked in, since creation) for over STALE_AFTER."""
    since = last_checkin_at if last_checkin_at is not None else created_at
    return now - since > STALE_AFTER


class Verdict(StrEnum):
    """How an end-of-cycle score reads."""

    GREEN = "green"
    YELLOW = "yellow"
    RED = "red"


def score_verdict(score: float, aspirational: bool) -> Verdict:
    """Aspirational OKRs are a success at 70%; committed ones are expected to be met in full."""
    green, yellow = (0.7, 0.4) if aspirational else (_COMMITTED_MET, 0.7)
    if score >= green - _SLACK:
        return Verdict.GREEN
    if score >= yellow - _SLACK:
        return Verdict.YELLOW
    return Verdict.RED


def cycle_score(objective_scores: Sequence[float]) -> float:
    """The mean of the objectives' scores, 0.0 when there are none."""
    if not objective_scores:
        return 0.0
    return math.fsum(objective_scores) / len(objective_scores)


def is_achieved(kind: KRKind, start: float, target: float | None, current: float) -> bool:
    """True when a key result of a celebrating kind has reached its target."""
    return kind.celebrates and target is not None and kr_progress(kind, start, target, current) >= 1.0
