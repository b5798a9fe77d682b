"""Good OKR practice as gentle hints: one friendly sentence each, or None when all is well."""

from __future__ import annotations

MAX_OBJECTIVES_PER_OWNER = 5
MAX_KEY_RESULTS_PER_OBJECTIVE = 5
MIN_KEY_RESULTS_PER_OBJECTIVE = 2


def objectives_per_owner_hint(count: int) -> str | None:
    """A hint when an owner has more objectives in a cycle (a new one included) than focus allows."""
    if count <= MAX_OBJECTIVES_PER_OWNER:
        return None
    return (
        f"You now have {count} objectives this cycle; "
        f"focus works best with {MAX_OBJECTIVES_PER_OWNER} or fewer."
    )


def key_results_count_hint(count: int, objective_ref: str) -> str | None:
    """A hint when an objective has no key results yet, or more than focus allows."""
    if count == 0:
        return (
            f"{objective_ref} has no key results yet: add "
            f"{MIN_KEY_RESULTS_PER_OBJECTIVE}-{MAX_KEY_RESULTS_PER_OBJECTIVE} with "
            f"okr kr {objective_ref} <title> --target N"
        )
    if count > MAX_KEY_RESULTS_PER_OBJECTIVE:
        return (
            f"{objective_ref} has {count} key results; more than {MAX_KEY_RESULTS_PER_OBJECTIVE} "
            "dilutes focus, so consider keeping the ones that matter most."
        )
    return None


def key_result_hints(*, has_target: bool, has_owner: bool, kr_ref: str) -> list[str]:
    """Hints for a key result that lacks a target or an owner (empty when it has both)."""
    hints: list[str] = []
    if not has_target:
        hints.append(
            f"{kr_ref} has no target yet, so its progress stays at 0%: "
            "set one with okr checkin or re-create it with --target N"
        )
    if not has_owner:
        hints.append(
            f"{kr_ref} has no owner yet, so nobody is asked to check in: okr owner {kr_ref} @someone"
        )
    return hints
