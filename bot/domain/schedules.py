"""When a recurring message is due: a weekday and a local time, every week, every 2 weeks or monthly.

Pure functions of a slot, an IANA zone and an instant. Each due slot is named by its local date (the period),
and maps to exactly one UTC instant, so daylight-saving changes neither skip nor double one:
- a local time that does not exist that day (clocks jump forward over it) is the instant the clock would show
  had it not jumped, i.e. the same length of time after midnight: 02:30 on a spring-forward night in Berlin is
  03:30 CEST;
- a local time that happens twice (clocks fall back) is its first occurrence.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

MINUTES_PER_DAY = 24 * 60
WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
# A Monday that every-2-weeks schedules count from, so that everyone on one shares the same weeks.
_BIWEEKLY_ANCHOR = date(2024, 1, 1)
# How far ahead a slot can be at most (a monthly one: the first <weekday> of next month, within 6 weeks).
_HORIZON_DAYS = 70


class Cadence(StrEnum):
    WEEKLY = "weekly"
    BIWEEKLY = "every-2-weeks"  # the weeks counted from _BIWEEKLY_ANCHOR, on even counts
    MONTHLY = "monthly"  # the first <weekday> of each month

    @property
    def label(self) -> str:
        return {Cadence.WEEKLY: "every week", Cadence.BIWEEKLY: "every 2 weeks", Cadence.MONTHLY: "monthly"}[
            self
        ]


@dataclass(frozen=True)
class Slot:
    """A recurring local moment: weekday 0 (Monday) .. 6, minutes after local midnight, a cadence."""

    weekday: int
    minute: int
    cadence: Cadence = Cadence.WEEKLY

    def __post_init__(self) -> None:
        if not 0 <= self.weekday <= 6:
            raise ValueError(f"a weekday is 0 to 6, not {self.weekday}")
        if not 0 <= self.minute < MINUTES_PER_DAY:
            raise ValueError(f"a time of day is 0 to {MINUTES_PER_DAY - 1} minutes, not {self.minute}")

    def describe(self) -> str:
        """`Monday 09:00, every week`; monthly: `the first Monday of the month, 09:00`."""
        day = WEEKDAYS[self.weekday].capitalize()
        clock = f"{self.minute // 60:02d}:{self.minute % 60:02d}"
        if self.cadence is Cadence.MONTHLY:
            return f"the first {day} of each month at {clock}"
        return f"{day} {clock}, {self.cadence.label}"


DEFAULT_CHECKIN_SLOT = Slot(0, 9 * 60, Cadence.WEEKLY)


@dataclass(frozen=True)
class Due:
    """One occurrence of a slot: its period name (the local date) and when that is, in UTC."""

    period: str
    at: datetime


def zone(name: str) -> ZoneInfo:
    """The IANA zone called `name`; UTC when the name is unknown (a platform may send anything)."""
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, OSError):
        return ZoneInfo("UTC")


def is_known_zone(name: str) -> bool:
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, OSError):
        return False
    return True


def falls_on(slot: Slot, day: date) -> bool:
    """Whether `slot` has an occurrence on the local date `day`."""
    if day.weekday() != slot.weekday:
        return False
    if slot.cadence is Cadence.BIWEEKLY:
        return ((day - _BIWEEKLY_ANCHOR).days // 7) % 2 == 0
    if slot.cadence is Cadence.MONTHLY:
        return day.day <= 7
    return True


def instant_of(day: date, minute: int, tz: ZoneInfo) -> datetime:
    """The UTC instant of a local date and time (see the module notes for the DST gaps and overlaps)."""
    local = datetime.combine(day, time(minute // 60, minute % 60), tzinfo=tz)  # fold=0: first occurrence
    return local.astimezone(UTC)


def next_due(slot: Slot, tz_name: str, after: datetime) -> Due:
    """The first occurrence of `slot` in zone `tz_name` strictly after the instant `after`."""
    if after.tzinfo is None:
        raise ValueError("next_due needs a time-zone-aware datetime")
    tz = zone(tz_name)
    # The day before the local date of `after`: a slot's instant never falls before its own local date's
    # start by more than a day, so nothing due after `after` can lie on an earlier date.
    day = after.astimezone(tz).date() - timedelta(days=1)
    day += timedelta(days=(slot.weekday - day.weekday()) % 7)
    for _ in range(_HORIZON_DAYS // 7 + 2):
        if falls_on(slot, day):
            at = instant_of(day, slot.minute, tz)
            if at > after:
                return Due(day.isoformat(), at)
        day += timedelta(days=7)
    raise AssertionError(f"no occurrence of {slot} within {_HORIZON_DAYS} days")  # pragma: no cover


def local_date(instant: datetime, tz_name: str) -> date:
    return instant.astimezone(zone(tz_name)).date()


def iso_week(day: date) -> str:
    """`2026-W48`: the name of a digest's week."""
    year, week, _ = day.isocalendar()
    return f"{year}-W{week:02d}"


# -- reading what people type ------------------------------------------------------------------------------

_TIME = re.compile(r"(?P<hour>\d{1,2})(?:[:.h](?P<minute>\d{2})|(?P<h>h))?\s*(?P<half>am|pm|a\.m\.|p\.m\.)?")


def weekday_of(word: str) -> int | None:
    """`friday`, `Fri`, `fr` -> 4; None for anything else (two letters at least, no ambiguity)."""
    word = word.lower().rstrip(".,s") if word.lower() not in WEEKDAYS else word.lower()
    if len(word) < 2:
        return None
    matches = [index for index, name in enumerate(WEEKDAYS) if name.startswith(word)]
    return matches[0] if len(matches) == 1 else None


def minute_of(text: str) -> int | None:
    """`15:00`, `9:30`, `15.30`, `15h`, `9am`, `3pm` -> minutes after midnight; None otherwise (a bare `9`)."""
    match = _TIME.fullmatch(text.strip().lower())
    if match is None:
        return None
    hour, minute = int(match["hour"]), int(match["minute"] or 0)
    half = match["half"]
    if half is not None:
        if not 1 <= hour <= 12:
            return None
        hour = hour % 12 + (12 if half.startswith("p") else 0)
    elif match["minute"] is None and match["h"] is None:
        return None  # a bare number is too vague to be a time
    if hour > 23 or minute > 59:
        return None
    return hour * 60 + minute


def cadence_of(words: str) -> Cadence | None:
    """`weekly`, `every week`, `biweekly`, `fortnightly`, `every 2 weeks`, `monthly` -> a Cadence."""
    normal = " ".join(words.lower().replace("-", " ").split())
    return {
        "weekly": Cadence.WEEKLY,
        "every week": Cadence.WEEKLY,
        "biweekly": Cadence.BIWEEKLY,
        "bi weekly": Cadence.BIWEEKLY,
        "fortnightly": Cadence.BIWEEKLY,
        "every 2 weeks": Cadence.BIWEEKLY,
        "every two weeks": Cadence.BIWEEKLY,
        "every other week": Cadence.BIWEEKLY,
        "monthly": Cadence.MONTHLY,
        "every month": Cadence.MONTHLY,
    }.get(normal)


def clock_text(minute: int) -> str:
    return f"{minute // 60:02d}:{minute % 60:02d}"
