"""Things that happened, for the parts of the bot that react later (celebrations, App Home refresh)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class KeyResultAchieved:
    key_result_id: int
    objective_id: int
    cycle: str
    by_member_id: int


@dataclass(frozen=True)
class ObjectiveAchieved:
    objective_id: int
    cycle: str


@dataclass(frozen=True)
class OkrChanged:
    """Someone's OKRs changed, so views of them (App Home) are out of date."""

    member_id: int


@dataclass(frozen=True)
class CheckedIn:
    """Someone checked in on a key result (from any path: command, form, card, DM)."""

    key_result_id: int
    member_id: int  # who checked in
    owner_id: int | None  # the key result's owner: whose check-in prompt it answers
    at: datetime


DomainEvent = KeyResultAchieved | ObjectiveAchieved | OkrChanged | CheckedIn
