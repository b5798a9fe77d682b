"""OKR cycles: calendar quarters such as `2026-Q4`, and how far into one a moment is."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

MIN_YEAR = 2000
MAX_YEAR = 2100

# "2026-Q4", "2026q4", "2026 Q4" (year first) or "Q4 2026", "q4-2026" (quarter first).
_YEAR_FIRST = re.compile(r"^(?P<year>\d{4})\s*[-/ ]?\s*q(?P<quarter>\d)$", re.IGNORECASE)
_QUARTER_FIRST = re.compile(r"^q(?P<quarter>\d)\s*[-/ ]?\s*(?P<year>\d{4})$", re.IGNORECASE)

# How much of what someone typed an error message repeats.
_MAX_ECHO = 40


def _not_a_cycle(text: str) -> ValueError:
    shown = " ".join(text.split())
    if len(shown) > _MAX_ECHO:
        shown = shown[: _MAX_ECHO - 1] + "…"
    return ValueError(f'"{shown}" is not a cycle: write it like 2026-Q4')


def _midnight_utc(day: date) -> datetime:
    return datetime.combine(day, time(0, 0), tzinfo=UTC)


@dataclass(frozen=True, order=True)
class Cycle:
    """One calendar quarter; cycles sort in time order."""

    year: int
    quarter: int

    def __post_init__(self) -> None:
        if not 1 <= self.quarter <= 4:
            raise ValueError(f"a quarter is 1 to 4, not {self.quarter}")
        # The last representable year has no day after its end, which ends_on and elapsed_fraction need.
        if not date.min.year <= self.year < date.max.year:
            raise ValueError(f"{self.year} is not a year a cycle can be in")

    @classmethod
    def parse(cls, text: str) -> Cycle:
        """A cycle as people write it: `2026-Q4`, `2026q4`, `2026 Q4`, `Q4 2026`, `q4-2026`."""
        cleaned = text.strip()
        match = _YEAR_FIRST.match(cleaned) or _QUARTER_FIRST.match(cleaned)
        if match is None:
            raise _not_a_cycle(text)
        year, quarter = int(match["year"]), int(match["quarter"])
        if not (MIN_YEAR <= year <= MAX_YEAR and 1 <= quarter <= 4):
            raise _not_a_cycle(text)
        return cls(year, quarter)

    @classmethod
    def containing(cls, day: date) -> Cycle:
        """The calendar quarter `day` falls in."""
        return cls(day.year, (day.month - 1) // 3 + 1)

    @property
    def name(self) -> str:
        return f"{self.year}-Q{self.quarter}"

    @property
    def starts_on(self) -> date:
        """The first day of the cycle."""
        return date(self.year, 3 * (self.quarter - 1) + 1, 1)

    @property
    def ends_on(self) -> date:
        """The last day of the cycle (inclusive)."""
        return self.next().starts_on - timedelta(days=1)

    def next(self) -> Cycle:
        if self.quarter == 4:
            return Cycle(self.year + 1, 1)
        return Cycle(self.year, self.quarter + 1)

    def previous(self) -> Cycle:
        if self.quarter == 1:
            return Cycle(self.year - 1, 4)
        return Cycle(self.year, self.quarter - 1)

    def __str__(self) -> str:
        return self.name

    def elapsed_fraction(self, now: datetime) -> float:
        """How much of the cycle has passed at `now`, from 0.0 (not started) to 1.0 (over).

        The cycle runs from midnight UTC of its first day to midnight UTC after its last day.
        """
        if now.tzinfo is None or now.utcoffset() is None:
            raise ValueError("elapsed_fraction needs a time-zone-aware datetime")
        start = _midnight_utc(self.starts_on)
        end = _midnight_utc(self.ends_on + timedelta(days=1))
        fraction = (now - start) / (end - start)
        return min(max(fraction, 0.0), 1.0)

    @property
    def length_in_days(self) -> int:
        return (self.ends_on - self.starts_on).days + 1

    def days_left(self, today: date) -> int:
        """Days of the cycle still ahead on `today`, counting today: 1 on the last day, 0 after it.

        Before the cycle starts this is its whole length.
        """
        left = (self.ends_on - today).days + 1
        return min(max(left, 0), self.length_in_days)
