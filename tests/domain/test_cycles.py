from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.domain.cycles import Cycle

cycles = st.builds(Cycle, year=st.integers(2000, 2100), quarter=st.integers(1, 4))
days = st.dates(min_value=date(1990, 1, 1), max_value=date(2200, 12, 31))
aware_times = st.datetimes(
    min_value=datetime(1999, 1, 1), max_value=datetime(2102, 1, 1), timezones=st.just(UTC)
)


# --- construction and parsing ----------------------------------------------------------------------


@pytest.mark.parametrize("quarter", [0, 5, -1])
def test_quarter_outside_one_to_four_is_rejected(quarter: int) -> None:
    with pytest.raises(ValueError, match=f"a quarter is 1 to 4, not {quarter}"):
        Cycle(2026, quarter)


@pytest.mark.parametrize(
    "text",
    ["2026-Q4", "2026q4", "2026 Q4", "Q4 2026", "q4-2026", "  2026-q4  ", "2026Q4", "Q4-2026", "2026/Q4"],
)
def test_parse_accepts_the_usual_spellings(text: str) -> None:
    assert Cycle.parse(text) == Cycle(2026, 4)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("2026-Q5", '"2026-Q5" is not a cycle: write it like 2026-Q4'),
        ("2026-Q0", '"2026-Q0" is not a cycle: write it like 2026-Q4'),
        ("1999-Q1", '"1999-Q1" is not a cycle: write it like 2026-Q4'),
        ("2101-Q1", '"2101-Q1" is not a cycle: write it like 2026-Q4'),
        ("next quarter", '"next quarter" is not a cycle: write it like 2026-Q4'),
        ("", '"" is not a cycle: write it like 2026-Q4'),
        ("2026", '"2026" is not a cycle: write it like 2026-Q4'),
        ("Q4", '"Q4" is not a cycle: write it like 2026-Q4'),
        ("2026-Q4-Q1", '"2026-Q4-Q1" is not a cycle: write it like 2026-Q4'),
        ("  2026-Q5 ", '"2026-Q5" is not a cycle: write it like 2026-Q4'),
    ],
)
def test_parse_rejects_anything_else_with_a_one_line_message(text: str, message: str) -> None:
    with pytest.raises(ValueError) as raised:
        Cycle.parse(text)
    assert str(raised.value) == message


def test_parse_error_stays_on_one_line_and_short() -> None:
    with pytest.raises(ValueError) as raised:
        Cycle.parse("line one\nline two " + "x" * 200)
    message = str(raised.value)
    assert "\n" not in message
    assert message.startswith('"line one line two xxx')
    assert message.endswith('…" is not a cycle: write it like 2026-Q4')
    assert len(message) < 90


def test_year_range_bounds_are_inclusive() -> None:
    assert Cycle.parse("2000-Q1") == Cycle(2000, 1)
    assert Cycle.parse("2100-Q4") == Cycle(2100, 4)


@given(cycles)
def test_parse_of_name_round_trips(cycle: Cycle) -> None:
    assert Cycle.parse(cycle.name) == cycle
    assert Cycle.parse(f"Q{cycle.quarter} {cycle.year}") == cycle
    assert Cycle.parse(cycle.name.lower()) == cycle


# --- calendar --------------------------------------------------------------------------------------


def test_name_and_str() -> None:
    assert Cycle(2026, 4).name == "2026-Q4"
    assert str(Cycle(2026, 1)) == "2026-Q1"


@pytest.mark.parametrize(
    ("cycle", "first", "last"),
    [
        (Cycle(2026, 1), date(2026, 1, 1), date(2026, 3, 31)),
        (Cycle(2026, 2), date(2026, 4, 1), date(2026, 6, 30)),
        (Cycle(2026, 3), date(2026, 7, 1), date(2026, 9, 30)),
        (Cycle(2026, 4), date(2026, 10, 1), date(2026, 12, 31)),
        (Cycle(2028, 1), date(2028, 1, 1), date(2028, 3, 31)),
    ],
)
def test_quarters_are_calendar_quarters(cycle: Cycle, first: date, last: date) -> None:
    assert cycle.starts_on == first
    assert cycle.ends_on == last


def test_containing_picks_the_calendar_quarter() -> None:
    assert Cycle.containing(date(2026, 1, 1)) == Cycle(2026, 1)
    assert Cycle.containing(date(2026, 3, 31)) == Cycle(2026, 1)
    assert Cycle.containing(date(2026, 4, 1)) == Cycle(2026, 2)
    assert Cycle.containing(date(2026, 12, 31)) == Cycle(2026, 4)


def test_next_and_previous_cross_years() -> None:
    assert Cycle(2026, 4).next() == Cycle(2027, 1)
    assert Cycle(2027, 1).previous() == Cycle(2026, 4)
    assert Cycle(2026, 2).next() == Cycle(2026, 3)


def test_cycles_sort_in_time_order() -> None:
    assert sorted([Cycle(2027, 1), Cycle(2026, 4), Cycle(2026, 1)]) == [
        Cycle(2026, 1),
        Cycle(2026, 4),
        Cycle(2027, 1),
    ]


@given(days)
def test_containing_contains_the_day(day: date) -> None:
    cycle = Cycle.containing(day)
    assert cycle.starts_on <= day <= cycle.ends_on


@given(cycles)
def test_next_and_previous_are_inverse_and_adjacent(cycle: Cycle) -> None:
    assert cycle.next().previous() == cycle
    assert cycle.previous().next() == cycle
    assert cycle.previous() < cycle < cycle.next()
    assert cycle.next().starts_on == cycle.ends_on + timedelta(days=1)
    assert Cycle.containing(cycle.starts_on) == cycle
    assert Cycle.containing(cycle.ends_on) == cycle


# --- time ------------------------------------------------------------------------------------------


def test_elapsed_fraction_at_the_boundaries_and_midway() -> None:
    q1 = Cycle(2026, 1)  # 90 days
    assert q1.elapsed_fraction(datetime(2026, 1, 1, tzinfo=UTC)) == 0.0
    assert q1.elapsed_fraction(datetime(2026, 4, 1, tzinfo=UTC)) == 1.0
    assert q1.elapsed_fraction(datetime(2026, 2, 15, tzinfo=UTC)) == pytest.approx(45 / 90)
    assert q1.elapsed_fraction(datetime(2025, 6, 1, tzinfo=UTC)) == 0.0
    assert q1.elapsed_fraction(datetime(2027, 6, 1, tzinfo=UTC)) == 1.0


def test_elapsed_fraction_uses_utc_boundaries_whatever_the_zone() -> None:
    q1 = Cycle(2026, 1)
    # 2026-01-01 02:00 in UTC+2 is midnight UTC: the cycle has just begun.
    plus_two = timezone(timedelta(hours=2))
    assert q1.elapsed_fraction(datetime(2026, 1, 1, 2, 0, tzinfo=plus_two)) == 0.0
    # Half a day into the cycle, written in New York's winter offset.
    minus_five = timezone(timedelta(hours=-5))
    half_day = q1.elapsed_fraction(datetime(2026, 1, 1, 7, 0, tzinfo=minus_five))
    assert half_day == pytest.approx(0.5 / 90)


def test_elapsed_fraction_rejects_a_naive_datetime() -> None:
    with pytest.raises(ValueError, match="time-zone-aware"):
        Cycle(2026, 1).elapsed_fraction(datetime(2026, 2, 1))


@given(cycles, aware_times, aware_times)
def test_elapsed_fraction_is_bounded_and_monotonic_in_time(cycle: Cycle, a: datetime, b: datetime) -> None:
    earlier, later = sorted([a, b])
    first, second = cycle.elapsed_fraction(earlier), cycle.elapsed_fraction(later)
    assert 0.0 <= first <= second <= 1.0


def test_days_left() -> None:
    q4 = Cycle(2026, 4)  # 92 days
    assert q4.days_left(date(2026, 12, 31)) == 1  # the last day counts
    assert q4.days_left(date(2026, 12, 30)) == 2
    assert q4.days_left(date(2026, 10, 1)) == 92
    assert q4.days_left(date(2027, 1, 1)) == 0
    assert q4.days_left(date(2030, 5, 5)) == 0
    assert q4.days_left(date(2026, 6, 1)) == 92  # not started: all of it is left


@given(cycles, days)
def test_days_left_is_within_the_cycle_length(cycle: Cycle, day: date) -> None:
    left = cycle.days_left(day)
    assert 0 <= left <= (cycle.ends_on - cycle.starts_on).days + 1
    if cycle.starts_on <= day <= cycle.ends_on:
        assert left == (cycle.ends_on - day).days + 1
