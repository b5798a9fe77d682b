"""The export file: one JSON document holding one workspace's OKRs, keyed by what survives a move.

Nothing in it is a database id. Members are named by their platform user id, teams by name, objectives, key
results and initiatives by the workspace's own numbering (O12, KR34, I5), so the file loads into any database,
as the same workspace or another one. Sections are flat lists that point at each other by those keys, in the
order they can be loaded. A change to the shape is a new VERSION; a reader refuses versions it does not know.
"""

from __future__ import annotations

import json
from datetime import date
from typing import IO, Annotated, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import AfterValidator, AwareDatetime, BaseModel, ConfigDict, Field, StringConstraints

from bot.domain.enums import ChannelPurpose, Confidence, KRKind, Level, ObjectiveState, Platform, Status
from bot.domain.limits import NAME_MAX, NOTE_MAX, TITLE_MAX, UNIT_MAX
from bot.domain.schedules import Cadence

FORMAT = "okrbot-workspace"
VERSION = 1

_ID_MAX = 255
_MAX_NUMBER = 10**9  # refs have at most 9 digits: well inside the 32-bit integer columns


def _known_zone(name: str) -> str:
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, OSError):
        raise ValueError(f"{name!r} is not a time zone this machine knows") from None
    return name


ObjectiveRef = Annotated[str, StringConstraints(pattern=r"^O[1-9][0-9]{0,8}$")]
KeyResultRef = Annotated[str, StringConstraints(pattern=r"^KR[1-9][0-9]{0,8}$")]
InitiativeRef = Annotated[str, StringConstraints(pattern=r"^I[1-9][0-9]{0,8}$")]
UserId = Annotated[str, StringConstraints(min_length=1, max_length=_ID_MAX)]
TeamName = Annotated[str, StringConstraints(min_length=1, max_length=NAME_MAX)]
Zone = Annotated[str, StringConstraints(max_length=64), AfterValidator(_known_zone)]
Cycle = Annotated[str, StringConstraints(pattern=r"^[0-9]{4}-Q[1-4]$")]
Period = Annotated[str, StringConstraints(max_length=10)]
Weekday = Annotated[int, Field(ge=0, le=6)]
Minute = Annotated[int, Field(ge=0, lt=24 * 60)]
Counter = Annotated[int, Field(ge=1, lt=_MAX_NUMBER)]


def number_of(ref: str) -> int:
    """12 for "O12", 34 for "KR34"."""
    return int(ref.lstrip("OKRI"))


class Record(BaseModel):
    # Unknown keys are errors, not silently dropped data: a file with more in it is a newer format.
    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)


class WorkspaceRecord(Record):
    platform: Platform
    external_id: UserId
    name: Annotated[str, StringConstraints(max_length=NAME_MAX)] | None
    default_tz: Zone
    created_at: AwareDatetime
    # The numbers the next objective, key result and initiative take: kept so new refs follow the old ones.
    next_objective_number: Counter
    next_key_result_number: Counter
    next_initiative_number: Counter


class CoachingSettings(Record):
    reminder_hours: Annotated[int, Field(ge=0, le=24 * 7)]  # 0: no reminders


class Schedule(Record):
    """Where a member is in the check-in schedule (storage.tables.MemberCoaching)."""

    tz: Zone
    next_due_at: AwareDatetime | None
    due_period: Period | None
    paused_until: date | None
    prompt_period: Period | None
    prompted_at: AwareDatetime | None
    prompt_key_results: list[KeyResultRef] | None  # None: never prompted
    remind_at: AwareDatetime | None
    reminded_at: AwareDatetime | None
    cycle_end_asked: Cycle | None


class MemberRecord(Record):
    user_id: UserId
    display_name: Annotated[str, StringConstraints(max_length=NAME_MAX)]
    tz: Zone
    is_admin: bool
    created_at: AwareDatetime
    schedule: Schedule | None


class TeamRecord(Record):
    name: TeamName
    created_at: AwareDatetime
    members: list[UserId]


class ObjectiveRecord(Record):
    ref: ObjectiveRef
    cycle: Cycle
    title: Annotated[str, StringConstraints(max_length=TITLE_MAX)]
    level: Level
    owner: UserId
    team: TeamName | None
    parent: ObjectiveRef | None
    aspirational: bool
    private: bool
    state: ObjectiveState
    progress: float
    confidence: Confidence | None
    score: float | None
    created_at: AwareDatetime
    updated_at: AwareDatetime


class KeyResultRecord(Record):
    ref: KeyResultRef
    objective: ObjectiveRef
    title: Annotated[str, StringConstraints(max_length=TITLE_MAX)]
    kind: KRKind
    start_value: float
    target_value: float | None
    current_value: float
    unit: Annotated[str, StringConstraints(max_length=UNIT_MAX)] | None
    owner: UserId | None
    weight: float
    last_checkin_at: AwareDatetime | None
    last_confidence: Confidence | None
    achieved_at: AwareDatetime | None
    created_at: AwareDatetime
    updated_at: AwareDatetime


class CheckInRecord(Record):
    key_result: KeyResultRef
    value: float
    previous_value: float
    confidence: Confidence | None
    note: Annotated[str, StringConstraints(max_length=NOTE_MAX)] | None
    author: UserId
    created_at: AwareDatetime


class InitiativeRecord(Record):
    ref: InitiativeRef
    key_result: KeyResultRef
    title: Annotated[str, StringConstraints(max_length=TITLE_MAX)]
    owner: UserId | None
    done: bool
    done_at: AwareDatetime | None
    created_at: AwareDatetime


class ClosedCycleRecord(Record):
    name: Cycle
    score: float
    objective_count: Annotated[int, Field(ge=0)]
    closed_by: UserId
    closed_at: AwareDatetime


class CheckInRuleRecord(Record):
    """A check-in schedule for the workspace (no team, no member), a team, or one member."""

    team: TeamName | None
    member: UserId | None
    enabled: bool
    weekday: Weekday
    minute: Minute
    cadence: Cadence
    updated_at: AwareDatetime


class ChannelRecord(Record):
    """Where celebrations or digests of the workspace (no team) or a team go."""

    purpose: ChannelPurpose
    team: TeamName | None
    conversation: Annotated[str, StringConstraints(min_length=1)]  # a Slack channel id, a Teams reference
    label: Annotated[str, StringConstraints(max_length=NAME_MAX)]
    weekday: Weekday | None
    minute: Minute | None
    next_due_at: AwareDatetime | None
    due_period: Period | None
    last_statuses: dict[ObjectiveRef, Status] | None  # what the last digest reported, to say what changed
    updated_at: AwareDatetime


class TeamsConversationRecord(Record):
    conversation_id: Annotated[str, StringConstraints(min_length=1, max_length=512)]
    kind: Annotated[str, StringConstraints(max_length=16)]
    user_id: UserId | None
    reference: str  # a Bot Framework ConversationReference, as JSON
    updated_at: AwareDatetime


class TeamsUserRecord(Record):
    user_id: UserId
    aad_object_id: Annotated[str, StringConstraints(max_length=64)] | None
    service_url: Annotated[str, StringConstraints(max_length=512)]
    updated_at: AwareDatetime


class Document(Record):
    format: Literal["okrbot-workspace"]
    version: Literal[1]
    exported_at: AwareDatetime
    workspace: WorkspaceRecord
    coaching: CoachingSettings | None  # None: the defaults, never changed
    members: list[MemberRecord]
    teams: list[TeamRecord]
    objectives: list[ObjectiveRecord]
    key_results: list[KeyResultRecord]
    check_ins: list[CheckInRecord]  # oldest first
    initiatives: list[InitiativeRecord]
    closed_cycles: list[ClosedCycleRecord]
    check_in_rules: list[CheckInRuleRecord]
    channels: list[ChannelRecord]
    teams_conversations: list[TeamsConversationRecord]
    teams_users: list[TeamsUserRecord]


def write(document: Document, out: IO[str]) -> None:
    """The document as JSON, one record a line: readable and diffable, and written by the C encoder."""
    data = document.model_dump(mode="json")
    out.write("{\n")
    names = list(data)
    for position, name in enumerate(names):
        value = data[name]
        comma = "," if position < len(names) - 1 else ""
        if isinstance(value, list) and value:
            out.write(f"{json.dumps(name)}: [\n")
            out.write(",\n".join(json.dumps(item, ensure_ascii=False) for item in value))
            out.write(f"\n]{comma}\n")
        else:
            out.write(f"{json.dumps(name)}: {json.dumps(value, ensure_ascii=False)}{comma}\n")
    out.write("}\n")
