"""Work-arounds for the archived Bot Framework SDK stack, applied once when the Teams adapter loads.

msrest builds a `ClientRetryPolicy` for every connector and token client, and the SDK makes two of those per
turn and per proactive message. Its constructor computes `[i for i in range(999) if i not in safe_codes]`
against a 500-item *list*: half a million comparisons, about 6 ms of event-loop time each (70% of a proactive
send, measured with cProfile). The same codes as a frozenset give the same list at once.
"""

from __future__ import annotations

from msrest.universal_http.requests import ClientRetryPolicy


def apply() -> None:
    ClientRetryPolicy.safe_codes = frozenset(ClientRetryPolicy.safe_codes)  # type: ignore[assignment]
