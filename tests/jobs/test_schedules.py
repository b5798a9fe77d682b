"""The schedule math: one occurrence per period at the local time asked, across daylight-saving changes."""

from __future__ import annotations

import itertools
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.domain.schedules import (
    Cadence,
    Slot,
    cadence_of,
    falls_on,
    iso_week,
    minute_of,
    next_due,
    weekday_of,
)

ZONES = [
    "Europe/Berlin",
    "America/Los_Angeles",
    "Pacific/Auckland",
    "Asia/Kolkata",
    "UTC",
    "Australia/Lord_Howe",
]
SUNDAY, MONDAY = 6, 0

# The 2027 transitions: (zone, local date, the local wall time that is skipped or repeated).
TRANSITIONS_2027 = [
    ("Europe/Berlin", date(2027, 3, 28), 2 * 60 + 30),  # 02:00 -> 03:00: 02:30 does not exist
    ("Europe/Berlin", date(2027, 10, 31), 2 * 60 + 30),  # 03:00 -> 02:00: 02:30 happens twice
    ("America/Los_Angeles", date(2027, 3, 14), 2 * 60 + 30),  # 02:30 does not exist
    ("America/Los_Angeles", date(2027, 11, 7), 1 * 60 + 30),  # 01:30 happens twice
    ("Pacific/Auckland", date(2027, 4, 4), 2 * 60 + 30),  # 03:00 -> 02:00: 02:30 happens twice
    ("Pacific/Auckland", date(2027, 9, 26), 2 * 60 + 30),  # 02:00 -> 03:00: 02:30 does not exist
]


def _chain(slot: Slot, tz: str, start: datetime, end: datetime) -> list[tuple[str, datetime]]:
    found = []
    due = next_due(slot, tz, start)
    while due.at <= end:
        found.append((due.period, due.at))
        due = next_due(slot, tz, due.at)
    return found


def _every_minute(
    slot: Slot, tz: str, start: datetime, minutes: int, step: int = 1
) -> list[tuple[str, datetime]]:
    """What a clock calling the planner every `step` minutes plans, the way plan_checkins moves a row on."""
    emitted = []
    due = next_due(slot, tz, start)
    for i in range(0, minutes, step):
        now = start + timedelta(minutes=i)
        if now >= due.at:
            emitted.append((due.period, now))
            due = next_due(slot, tz, now)
    return emitted


@pytest.mark.parametrize(("tz", "day", "minute"), TRANSITIONS_2027)
def test_a_slot_on_a_transition_night_happens_exactly_once(tz: str, day: date, minute: int) -> None:
    slot = Slot(SUNDAY, minute)
    assert day.weekday() == SUNDAY
    start = datetime.combine(day - timedelta(days=8), datetime.min.time(), UTC)
    found = _every_minute(slot, tz, start, minutes=16 * 24 * 60)
    periods = [period for period, _ in found]
    assert periods == [(day + timedelta(days=7 * k)).isoformat() for k in (-1, 0, 1)]
    at = dict(found)[day.isoformat()]
    local = at.astimezone(ZoneInfo(tz))
    assert local.date() == day
    # Skipped local times come an hour late (the clock jumped over them); repeated ones come the first time.
    wall = local.hour * 60 + local.minute
    assert wall in (minute, minute + 60)


@pytest.mark.parametrize(("tz", "day", "_minute"), TRANSITIONS_2027)
def test_nine_on_monday_stays_nine_local_across_each_transition(tz: str, day: date, _minute: int) -> None:
    start = datetime.combine(day - timedelta(days=21), datetime.min.time(), UTC)
    found = _chain(Slot(MONDAY, 9 * 60), tz, start, start + timedelta(days=42))
    assert len(found) == 6
    for period, at in found:
        local = at.astimezone(ZoneInfo(tz))
        assert (local.date().isoformat(), local.strftime("%a %H:%M")) == (period, "Mon 09:00")


@settings(max_examples=15, deadline=None)
@given(
    tz=st.sampled_from(ZONES),
    weekday=st.integers(0, 6),
    minute=st.integers(0, 24 * 60 - 1),
    cadence=st.sampled_from(list(Cadence)),
    offset_minutes=st.integers(0, 365 * 24 * 60),
)
def test_a_run_every_minute_for_a_year_never_doubles_or_skips(
    tz: str, weekday: int, minute: int, cadence: Cadence, offset_minutes: int
) -> None:
    slot = Slot(weekday, minute, cadence)
    start = datetime(2026, 6, 1, tzinfo=UTC) + timedelta(minutes=offset_minutes)
    minutes = 365 * 24 * 60
    found = _every_minute(slot, tz, start, minutes)
    periods = [date.fromisoformat(period) for period, _ in found]
    assert len(set(periods)) == len(periods)  # never doubled
    # Never skipped: every local date the slot falls on, strictly inside the window, was planned.
    zone = ZoneInfo(tz)
    first, last = (
        start.astimezone(zone).date() + timedelta(days=2),
        (start + timedelta(minutes=minutes)).astimezone(zone).date() - timedelta(days=2),
    )
    expected = [
        first + timedelta(days=d)
        for d in range((last - first).days + 1)
        if falls_on(slot, first + timedelta(days=d))
    ]
    assert [p for p in periods if first <= p <= last] == expected
    for period, at in found:
        local = at.astimezone(zone)
        assert local.date() == date.fromisoformat(period)
        assert local.weekday() == weekday
        # At the time asked, or (skipped by a forward jump) within the jump.
        assert 0 <= (local.hour * 60 + local.minute) - minute <= 60


@given(
    tz=st.sampled_from(ZONES),
    slot=st.builds(Slot, st.integers(0, 6), st.integers(0, 1439), st.sampled_from(list(Cadence))),
    after=st.datetimes(
        min_value=datetime(2020, 1, 1), max_value=datetime(2040, 1, 1), timezones=st.just(UTC)
    ),
)
def test_next_due_is_the_first_occurrence_after(tz: str, slot: Slot, after: datetime) -> None:
    due = next_due(slot, tz, after)
    assert due.at > after
    assert falls_on(slot, date.fromisoformat(due.period))
    # Nothing in between: the occurrence before it is not after `after`.
    earlier = next_due(slot, tz, after - timedelta(days=70))
    while earlier.at < due.at:
        assert earlier.at <= after
        earlier = next_due(slot, tz, earlier.at)
    assert earlier == due


def test_cadences() -> None:
    weekly, fortnightly, monthly = (Slot(MONDAY, 540, c) for c in Cadence)
    start = datetime(2026, 11, 24, tzinfo=UTC)
    end = start + timedelta(days=70)
    assert len(_chain(weekly, "UTC", start, end)) == 10
    two = [date.fromisoformat(p) for p, _ in _chain(fortnightly, "UTC", start, end)]
    assert len(two) == 5 and all((b - a).days == 14 for a, b in itertools.pairwise(two))
    assert [p for p, _ in _chain(monthly, "UTC", start, end)] == ["2026-12-07", "2027-01-04", "2027-02-01"]


@pytest.mark.parametrize(
    ("text", "minute"),
    [("15:00", 900), ("9:30", 570), ("09.30", 570), ("9am", 540), ("3pm", 900), ("12am", 0), ("12pm", 720),
     ("15h", 900), ("24:00", None), ("9", None), ("13pm", None), ("noon", None), ("9:7", None)],
)  # fmt: skip
def test_minute_of(text: str, minute: int | None) -> None:
    assert minute_of(text) == minute


def test_words_for_days_and_cadences() -> None:
    assert [weekday_of(w) for w in ("Monday", "fri", "Tues", "th", "t", "sundays", "x")] == [
        0,
        4,
        1,
        3,
        None,
        6,
        None,
    ]
    assert cadence_of("every 2 weeks") is Cadence.BIWEEKLY
    assert cadence_of("Monthly") is Cadence.MONTHLY
    assert cadence_of("sometimes") is None
    assert iso_week(date(2026, 11, 27)) == "2026-W48"
