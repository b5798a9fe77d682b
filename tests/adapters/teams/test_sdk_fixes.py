"""The msrest work-around changes how fast the retry policy is built, never what it holds."""

from __future__ import annotations

from msrest.universal_http.requests import ClientRetryPolicy

from adapters.teams import sdk_fixes


def test_the_retry_policy_holds_the_same_codes() -> None:
    # (How much faster it builds is bench/bench_teams.py's business: ChatPort.post went from ~17 to ~5 ms.)
    sdk_fixes.apply()
    safe = [i for i in range(500) if i != 408] + [501, 505]  # msrest's own definition
    assert ClientRetryPolicy().policy.status_forcelist == [i for i in range(999) if i not in safe]


def test_applying_twice_is_harmless() -> None:
    sdk_fixes.apply()
    sdk_fixes.apply()
    assert isinstance(ClientRetryPolicy.safe_codes, frozenset)
    assert 408 not in ClientRetryPolicy.safe_codes and 501 in ClientRetryPolicy.safe_codes
