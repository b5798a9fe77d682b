from __future__ import annotations

import math
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from bot.domain.cycles import Cycle
from bot.domain.enums import Confidence, KRKind, Status
from bot.domain.progress import (
    AT_RISK_MARGIN,
    BEHIND_MARGIN,
    STALE_AFTER,
    Verdict,
    cycle_score,
    expected_progress,
    is_achieved,
    is_stale,
    kr_progress,
    rolled_up_progress,
    score_verdict,
    status_for,
    weighted_progress,
    worst_confidence,
)

finite = st.floats(allow_nan=False, allow_infinity=False)
kinds = st.sampled_from(list(KRKind))
unit = st.floats(min_value=0.0, max_value=1.0)
weights = st.floats(min_value=-10.0, max_value=1e6, allow_nan=False)
confidences = st.sampled_from([None, *Confidence])


# --- kr_progress -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "start", "target", "current", "expected"),
    [
        (KRKind.INCREASE, 30, 50, 40, 0.5),
        (KRKind.INCREASE, 30, 50, 30, 0.0),
        (KRKind.INCREASE, 30, 50, 20, 0.0),  # below the start: clamped
        (KRKind.INCREASE, 30, 50, 50, 1.0),
        (KRKind.INCREASE, 30, 50, 80, 1.0),  # beyond the target: clamped
        (KRKind.INCREASE, 0, 200, 50, 0.25),
        (KRKind.INCREASE, 10, 10, 10, 1.0),  # no way to go: done when at or past the target
        (KRKind.INCREASE, 10, 10, 9, 0.0),
        (KRKind.INCREASE, 50, 30, 40, 0.5),  # a mis-entered increase counts like a decrease
        (KRKind.INCREASE, 50, 30, 25, 1.0),
        (KRKind.DECREASE, 5, 3, 4, 0.5),
        (KRKind.DECREASE, 5, 3, 3, 1.0),
        (KRKind.DECREASE, 5, 3, 2, 1.0),
        (KRKind.DECREASE, 5, 3, 6, 0.0),
        (KRKind.DECREASE, 500, 300, 450, 0.25),
        (KRKind.DECREASE, 3, 3, 3, 1.0),
        (KRKind.DECREASE, 3, 3, 4, 0.0),
        (KRKind.DECREASE, 30, 50, 40, 0.5),  # a mis-entered decrease counts like an increase
        (KRKind.DECREASE, -2, -5, -3.5, 0.5),
        (KRKind.ABOVE, 0, 99.9, 99.95, 1.0),
        (KRKind.ABOVE, 0, 99.9, 99.9, 1.0),
        (KRKind.ABOVE, 0, 99.9, 99.8, 0.0),
        (KRKind.BELOW, 0, 2, 1.5, 1.0),
        (KRKind.BELOW, 0, 2, 2, 1.0),
        (KRKind.BELOW, 0, 2, 2.5, 0.0),
        (KRKind.MILESTONE, 0, 1, 1, 1.0),
        (KRKind.MILESTONE, 0, 1, 0, 0.0),
        (KRKind.MILESTONE, 5, 100, 1, 1.0),  # start and target are ignored
        (KRKind.MILESTONE, 0, None, 1, 1.0),
        (KRKind.MILESTONE, 0, None, 0.5, 0.0),
    ],
)
def test_kr_progress_examples(
    kind: KRKind, start: float, target: float | None, current: float, expected: float
) -> None:
    assert kr_progress(kind, start, target, current) == pytest.approx(expected)


@pytest.mark.parametrize("kind", [KRKind.INCREASE, KRKind.DECREASE, KRKind.ABOVE, KRKind.BELOW])
def test_no_target_means_no_progress(kind: KRKind) -> None:
    assert kr_progress(kind, 0, None, 1e9) == 0.0
    assert kr_progress(kind, 0, None, -1e9) == 0.0


def test_huge_spans_do_not_overflow_into_nan() -> None:
    assert kr_progress(KRKind.INCREASE, -1.7e308, 1.7e308, 0.0) == pytest.approx(0.5)
    assert kr_progress(KRKind.DECREASE, 1.7e308, -1.7e308, 1.7e308) == 0.0


def test_nan_and_infinite_values_give_a_number() -> None:
    assert kr_progress(KRKind.INCREASE, 0, 10, math.nan) == 0.0
    assert kr_progress(KRKind.INCREASE, 0, 10, math.inf) == 1.0
    assert kr_progress(KRKind.DECREASE, 10, 0, -math.inf) == 1.0
    assert kr_progress(KRKind.INCREASE, 0, math.nan, 5) == 0.0
    assert kr_progress(KRKind.INCREASE, math.nan, 10, 5) == 0.0


@given(kinds, finite, st.none() | finite, finite)
def test_kr_progress_is_always_within_zero_and_one(
    kind: KRKind, start: float, target: float | None, current: float
) -> None:
    progress = kr_progress(kind, start, target, current)
    assert not math.isnan(progress)
    assert 0.0 <= progress <= 1.0


@given(finite, finite, finite, finite)
def test_increase_never_goes_down_as_the_value_goes_up(
    start: float, target: float, a: float, b: float
) -> None:
    assume(target >= start)
    low, high = sorted([a, b])
    assert kr_progress(KRKind.INCREASE, start, target, low) <= kr_progress(
        KRKind.INCREASE, start, target, high
    )


@given(finite, finite, finite, finite)
def test_decrease_never_goes_up_as_the_value_goes_up(start: float, target: float, a: float, b: float) -> None:
    assume(target <= start)
    low, high = sorted([a, b])
    assert kr_progress(KRKind.DECREASE, start, target, low) >= kr_progress(
        KRKind.DECREASE, start, target, high
    )


@given(finite, finite)
def test_reaching_the_target_is_full_progress(start: float, target: float) -> None:
    for kind in (KRKind.INCREASE, KRKind.DECREASE, KRKind.ABOVE, KRKind.BELOW):
        assert kr_progress(kind, start, target, target) == 1.0


@given(finite, finite, finite)
def test_a_mis_entered_direction_is_measured_the_other_way(
    start: float, target: float, current: float
) -> None:
    assume(target != start)
    assert kr_progress(KRKind.INCREASE, start, target, current) == kr_progress(
        KRKind.DECREASE, start, target, current
    )


# --- weighted and rolled-up progress ---------------------------------------------------------------


def test_weighted_progress_examples() -> None:
    assert weighted_progress([(1.0, 1.0), (0.0, 1.0)]) == 0.5
    assert weighted_progress([(1.0, 3.0), (0.0, 1.0)]) == 0.75
    assert weighted_progress([(1.0, 1.0), (0.0, 0.0), (0.0, -2.0)]) == 1.0  # non-positive weights ignored
    assert weighted_progress([]) == 0.0
    assert weighted_progress([(0.8, 0.0)]) == 0.0
    assert weighted_progress([(1.5, 1.0), (-0.5, 1.0)]) == 0.5  # inputs clamped to [0, 1]


def test_weighted_progress_survives_extreme_weights() -> None:
    assert weighted_progress([(1.0, 1e308), (0.0, 1e308)]) == pytest.approx(0.5)
    assert weighted_progress([(1.0, math.inf), (0.0, 1.0)]) == 1.0
    assert weighted_progress([(0.4, 1.0), (0.6, math.nan)]) == 0.4


@given(st.lists(st.tuples(unit, weights), max_size=20))
def test_weighted_progress_lies_between_the_parts(parts: list[tuple[float, float]]) -> None:
    result = weighted_progress(parts)
    kept = [progress for progress, weight in parts if weight > 0]
    if not kept:
        assert result == 0.0
    else:
        assert min(kept) <= result <= max(kept)


@given(st.lists(st.tuples(finite, st.floats(allow_nan=True)), max_size=20))
def test_weighted_progress_is_always_a_fraction(parts: list[tuple[float, float]]) -> None:
    result = weighted_progress(parts)
    assert 0.0 <= result <= 1.0


@given(st.lists(st.tuples(unit, weights), max_size=20))
def test_rolled_up_without_children_is_the_weighted_progress(parts: list[tuple[float, float]]) -> None:
    assert rolled_up_progress(parts, []) == weighted_progress(parts)


def test_rolled_up_counts_each_child_like_one_key_result() -> None:
    assert rolled_up_progress([], []) == 0.0
    assert rolled_up_progress([], [0.2, 0.4]) == pytest.approx(0.3)
    assert rolled_up_progress([(1.0, 2.0)], [0.0]) == pytest.approx(2 / 3)
    assert rolled_up_progress([(1.0, 1.0)], [0.0]) == pytest.approx(0.5)


# --- status ----------------------------------------------------------------------------------------


def test_margins() -> None:
    assert AT_RISK_MARGIN == 0.10
    assert BEHIND_MARGIN == 0.25
    assert timedelta(days=14) == STALE_AFTER


def test_expected_progress_is_the_elapsed_fraction() -> None:
    cycle = Cycle(2026, 1)
    now = datetime(2026, 2, 15, tzinfo=UTC)
    assert expected_progress(cycle, now) == cycle.elapsed_fraction(now)
    assert expected_progress(cycle, now) == pytest.approx(0.5)


@pytest.mark.parametrize(
    ("progress", "expected", "status"),
    [
        (0.5, 0.5, Status.ON_TRACK),
        (0.9, 0.5, Status.ON_TRACK),  # ahead
        (0.4, 0.5, Status.ON_TRACK),  # exactly ten points behind
        (0.3, 0.4, Status.ON_TRACK),  # ten points in decimal, 0.10000000000000003 in floats
        (0.39, 0.5, Status.AT_RISK),
        (0.25, 0.5, Status.AT_RISK),  # exactly the behind margin
        (0.24, 0.5, Status.BEHIND),
        (0.0, 1.0, Status.BEHIND),
        (1.0, 1.0, Status.ON_TRACK),
    ],
)
def test_status_from_progress_against_time(progress: float, expected: float, status: Status) -> None:
    assert status_for(progress, expected, None) is status


def test_status_confidence_takes_precedence() -> None:
    assert status_for(0.0, 1.0, Confidence.ON_TRACK) is Status.ON_TRACK
    assert status_for(0.9, 0.1, Confidence.AT_RISK) is Status.AT_RISK
    assert status_for(0.9, 0.1, Confidence.OFF_TRACK) is Status.BEHIND


@given(unit, unit, confidences)
def test_status_precedence_rules(progress: float, expected: float, confidence: Confidence | None) -> None:
    status = status_for(progress, expected, confidence)
    if progress >= 1.0:
        assert status is Status.ON_TRACK
    elif confidence is not None:
        assert (
            status
            is {
                Confidence.ON_TRACK: Status.ON_TRACK,
                Confidence.AT_RISK: Status.AT_RISK,
                Confidence.OFF_TRACK: Status.BEHIND,
            }[confidence]
        )
    else:
        gap = expected - progress
        if gap < AT_RISK_MARGIN - 1e-6:
            assert status is Status.ON_TRACK
        elif AT_RISK_MARGIN + 1e-6 < gap < BEHIND_MARGIN - 1e-6:
            assert status is Status.AT_RISK
        elif gap > BEHIND_MARGIN + 1e-6:
            assert status is Status.BEHIND


@given(confidences)
def test_done_is_on_track_whatever_the_confidence(confidence: Confidence | None) -> None:
    assert status_for(1.0, 1.0, confidence) is Status.ON_TRACK


@given(unit, unit, unit)
def test_more_progress_never_worsens_the_status(a: float, b: float, expected: float) -> None:
    order = {Status.ON_TRACK: 0, Status.AT_RISK: 1, Status.BEHIND: 2}
    low, high = sorted([a, b])
    assert order[status_for(high, expected, None)] <= order[status_for(low, expected, None)]


def test_worst_confidence() -> None:
    assert worst_confidence([]) is None
    assert worst_confidence([None, None]) is None
    assert worst_confidence([Confidence.ON_TRACK, None]) is Confidence.ON_TRACK
    assert worst_confidence([Confidence.ON_TRACK, Confidence.OFF_TRACK, Confidence.AT_RISK]) is (
        Confidence.OFF_TRACK
    )
    assert worst_confidence(iter([Confidence.AT_RISK, Confidence.ON_TRACK])) is Confidence.AT_RISK


@given(st.lists(confidences))
def test_worst_confidence_is_the_most_severe_given(given_confidences: list[Confidence | None]) -> None:
    worst = worst_confidence(given_confidences)
    present = [confidence for confidence in given_confidences if confidence is not None]
    if not present:
        assert worst is None
    else:
        assert worst in present
        assert all(worst.severity >= confidence.severity for confidence in present)


def test_is_stale() -> None:
    created = datetime(2026, 1, 1, tzinfo=UTC)
    assert not is_stale(None, created, created + STALE_AFTER)  # exactly fourteen days: not yet
    assert is_stale(None, created, created + STALE_AFTER + timedelta(seconds=1))
    checked_in = created + timedelta(days=20)
    assert not is_stale(checked_in, created, checked_in + timedelta(days=3))
    assert is_stale(checked_in, created, checked_in + timedelta(days=15))


# --- scores ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("score", "aspirational", "verdict"),
    [
        (0.7, True, Verdict.GREEN),
        (1.0, True, Verdict.GREEN),
        (0.69, True, Verdict.YELLOW),
        (0.4, True, Verdict.YELLOW),
        (0.39, True, Verdict.RED),
        (0.0, True, Verdict.RED),
        (1.0, False, Verdict.GREEN),
        (0.999, False, Verdict.GREEN),
        (0.99, False, Verdict.YELLOW),
        (0.7, False, Verdict.YELLOW),
        (0.69, False, Verdict.RED),
        ((0.6 + 0.7 + 0.8) / 3, True, Verdict.GREEN),  # 0.7 computed as a mean
    ],
)
def test_score_verdict(score: float, aspirational: bool, verdict: Verdict) -> None:
    assert score_verdict(score, aspirational) is verdict


def test_verdict_values() -> None:
    assert [verdict.value for verdict in Verdict] == ["green", "yellow", "red"]


def test_cycle_score() -> None:
    assert cycle_score([]) == 0.0
    assert cycle_score([0.5, 1.0, 0.0]) == pytest.approx(0.5)
    assert cycle_score([0.7]) == 0.7


@pytest.mark.parametrize(
    ("kind", "start", "target", "current", "achieved"),
    [
        (KRKind.INCREASE, 0, 10, 10, True),
        (KRKind.INCREASE, 0, 10, 9.99, False),
        (KRKind.DECREASE, 5, 3, 3, True),
        (KRKind.DECREASE, 5, 3, 3.1, False),
        (KRKind.MILESTONE, 0, 1, 1, True),
        (KRKind.MILESTONE, 0, 1, 0, False),
        (KRKind.MILESTONE, 0, None, 1, False),  # no target, nothing to celebrate
        (KRKind.ABOVE, 0, 99.9, 100, False),  # thresholds are kept, not reached
        (KRKind.BELOW, 0, 2, 1, False),
        (KRKind.INCREASE, 0, None, 100, False),
    ],
)
def test_is_achieved(
    kind: KRKind, start: float, target: float | None, current: float, achieved: bool
) -> None:
    assert is_achieved(kind, start, target, current) is achieved
