"""How long to wait before trying a message again."""

from __future__ import annotations

import random


def retry_delay(
    attempt: int, *, base: float, cap: float, retry_after: float | None, rng: random.Random
) -> float:
    """Seconds before try number `attempt + 1`, after `attempt` tries failed.

    Exponential (base, 2*base, 4*base ... up to cap) with "equal jitter": a random half of it is dropped, so
    that thousands of messages refused in the same second do not all come back in the same second. Never
    sooner than the platform's Retry-After.
    """
    exponential = min(cap, base * 2 ** max(0, attempt - 1))
    delay: float = exponential / 2 + rng.uniform(0, exponential / 2)
    if retry_after is not None:
        delay = max(delay, retry_after)
    return delay
