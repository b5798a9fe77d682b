"""A clock a test can set: it runs at the real pace from whatever moment the test last set."""

from __future__ import annotations

from datetime import datetime, timedelta

from bot.domain.clock import system_clock


class SettableClock:
    """Runs on (the sender paces itself by it, so it must not stand still), from the moment last `set`."""

    def __init__(self, start: datetime | None = None) -> None:
        self._offset = start - system_clock() if start is not None else timedelta(0)

    def __call__(self) -> datetime:
        return system_clock() + self._offset

    def set(self, moment: datetime) -> None:
        self._offset = moment - system_clock()
