from __future__ import annotations

import pytest

from bot.domain.hygiene import (
    MAX_KEY_RESULTS_PER_OBJECTIVE,
    MAX_OBJECTIVES_PER_OWNER,
    key_result_hints,
    key_results_count_hint,
    objectives_per_owner_hint,
)


def test_limits() -> None:
    assert MAX_OBJECTIVES_PER_OWNER == 5
    assert MAX_KEY_RESULTS_PER_OBJECTIVE == 5


@pytest.mark.parametrize("count", [0, 1, 5])
def test_no_objectives_hint_within_the_limit(count: int) -> None:
    assert objectives_per_owner_hint(count) is None


def test_objectives_hint_beyond_the_limit() -> None:
    assert objectives_per_owner_hint(6) == (
        "You now have 6 objectives this cycle; focus works best with 5 or fewer."
    )
    assert objectives_per_owner_hint(9) == (
        "You now have 9 objectives this cycle; focus works best with 5 or fewer."
    )


def test_no_key_results_hint_names_the_command() -> None:
    assert key_results_count_hint(0, "O12") == (
        "O12 has no key results yet: add 2-5 with okr kr O12 <title> --target N"
    )
    hint = key_results_count_hint(0, "O7")
    assert hint is not None
    assert "okr kr O7 <title> --target N" in hint


@pytest.mark.parametrize("count", [1, 2, 5])
def test_no_key_results_hint_within_the_range(count: int) -> None:
    assert key_results_count_hint(count, "O12") is None


def test_too_many_key_results_hint() -> None:
    assert key_results_count_hint(6, "O12") == (
        "O12 has 6 key results; more than 5 dilutes focus, so consider keeping the ones that matter most."
    )


def test_key_result_hints() -> None:
    assert key_result_hints(has_target=True, has_owner=True, kr_ref="KR3") == []
    assert key_result_hints(has_target=False, has_owner=True, kr_ref="KR3") == [
        "KR3 has no target yet, so its progress stays at 0%: "
        "set one with okr checkin or re-create it with --target N"
    ]
    assert key_result_hints(has_target=True, has_owner=False, kr_ref="KR3") == [
        "KR3 has no owner yet, so nobody is asked to check in: okr owner KR3 @someone"
    ]
    both = key_result_hints(has_target=False, has_owner=False, kr_ref="KR9")
    assert len(both) == 2
    assert both[0].startswith("KR9 has no target yet")
    assert both[1].endswith("okr owner KR9 @someone")


@pytest.mark.parametrize(
    "hint",
    [
        objectives_per_owner_hint(6),
        key_results_count_hint(0, "O1"),
        key_results_count_hint(6, "O1"),
        *key_result_hints(has_target=False, has_owner=False, kr_ref="KR1"),
    ],
)
def test_hints_are_one_line_and_platform_neutral(hint: str | None) -> None:
    assert hint is not None
    assert "\n" not in hint
    assert "/okr" not in hint  # the same words work in Slack, Teams and the console
