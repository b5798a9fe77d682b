"""The one error export and import raise for what a person can fix: its message is one line saying what."""

from __future__ import annotations

from collections.abc import Callable


class PortableError(ValueError):
    """A file that cannot be imported, or a workspace that cannot be exported or imported into, as it is."""


# Told how far each phase has come: (phase, done, total). Called with done=0 when a phase starts, and after
# each batch; phases are named for what they hold ("objectives", "check-ins").
Progress = Callable[[str, int, int], None]


def no_progress(phase: str, done: int, total: int) -> None:
    """The Progress of a caller that shows none."""
