"""Typed commands: what the grammar makes of the words after `/okr`, and what handlers receive."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from bot.domain.enums import Confidence, KRKind
from bot.domain.schedules import Slot


class RefKind(StrEnum):
    OBJECTIVE = "O"
    KEY_RESULT = "KR"
    INITIATIVE = "I"


@dataclass(frozen=True)
class Ref:
    """A short reference such as `O12`, `KR34` or `I5`, numbered per workspace."""

    kind: RefKind
    number: int

    def __str__(self) -> str:
        return f"{self.kind.value}{self.number}"


@dataclass(frozen=True)
class UserRef:
    """A mention: `@{U123ABC|}` / `@{U123ABC|name}` carry an id; `@{|Jane Doe}` and a plain `@name` only a name."""

    user_id: str | None
    name: str | None

    def __str__(self) -> str:
        return f"@{self.name or self.user_id}"


class ListScope(StrEnum):
    MINE = "mine"
    TEAM = "team"
    USER = "user"
    COMPANY = "company"
    ALL = "all"
    AT_RISK = "at-risk"


class ExportFormat(StrEnum):
    CSV = "csv"
    JSON = "json"


@dataclass(frozen=True)
class Help:
    topic: str | None = None  # a command name such as "kr"; None for the overview


@dataclass(frozen=True)
class ListObjectives:
    scope: ListScope = ListScope.MINE
    team: str | None = None  # with ListScope.TEAM
    user: UserRef | None = None  # with ListScope.USER
    cycle: str | None = None  # "2026-Q4" as typed; None means the current cycle
    offset: int = 0  # paging: how many rows the caller has already seen
    after: tuple[int, int] | None = None  # keyset paging: the last row seen, as (level rank, number)


@dataclass(frozen=True)
class Show:
    ref: Ref  # an objective or a key result
    share: bool = False  # `okr show O12 share`: post it to the conversation for everyone


@dataclass(frozen=True)
class NewObjective:
    title: str | None  # None: the caller typed no title, so they get the create-objective form
    team: str | None = None
    company: bool = False
    parent: Ref | None = None
    aspirational: bool = False
    private: bool = False
    cycle: str | None = None  # None: the current cycle


@dataclass(frozen=True)
class NewKeyResult:
    objective: Ref
    title: str | None  # None: open the add-key-result form for that objective
    target: float | None = None
    start: float | None = None
    unit: str | None = None
    owner: UserRef | None = None
    kind: KRKind | None = None
    weight: float | None = None


@dataclass(frozen=True)
class RecordCheckIn:
    key_result: Ref
    value: float | None  # None: open the check-in form for that key result
    confidence: Confidence | None = None
    note: str | None = None


@dataclass(frozen=True)
class NewInitiative:
    key_result: Ref
    title: str


@dataclass(frozen=True)
class CompleteInitiative:
    initiative: Ref


@dataclass(frozen=True)
class Align:
    child: Ref
    parent: Ref


@dataclass(frozen=True)
class SetOwner:
    ref: Ref  # an objective or a key result
    owner: UserRef


@dataclass(frozen=True)
class Rename:
    ref: Ref  # an objective, key result or initiative
    title: str


@dataclass(frozen=True)
class Archive:
    objective: Ref


@dataclass(frozen=True)
class WorkspaceDelete:
    """Delete every OKR of this workspace (after the app was uninstalled, or to leave)."""

    confirmed: bool = False


@dataclass(frozen=True)
class Delete:
    objective: Ref
    confirmed: bool = False  # `--yes`; otherwise the caller is asked to confirm first


@dataclass(frozen=True)
class CycleList:
    pass


@dataclass(frozen=True)
class CycleClose:
    cycle: str


@dataclass(frozen=True)
class Export:
    format: ExportFormat = ExportFormat.CSV


@dataclass(frozen=True)
class TeamCreate:
    name: str


@dataclass(frozen=True)
class TeamAdd:
    name: str
    members: tuple[UserRef, ...]


@dataclass(frozen=True)
class ChannelRef:
    """A channel as typed: `#{C123ABC|name}` carries an id; `here` is where the command was typed."""

    channel_id: str | None = None
    name: str | None = None
    here: bool = False

    def __str__(self) -> str:
        return "here" if self.here else f"#{self.name or self.channel_id}"


@dataclass(frozen=True)
class ShowSettings:
    """`okr settings`: the caller's check-in schedule, zone and pause."""


@dataclass(frozen=True)
class SetMyCheckin:
    slot: Slot | None  # None: `off`
    reset: bool = False  # `default`: drop the caller's own rule, follow the team's or the workspace's


@dataclass(frozen=True)
class Pause:
    until: date | None  # inclusive; None: until `okr resume`


@dataclass(frozen=True)
class Resume:
    pass


@dataclass(frozen=True)
class ShowConfig:
    """`okr config`: the workspace's coaching settings."""


@dataclass(frozen=True)
class ConfigCheckin:
    slot: Slot | None  # None: `off`
    team: str | None = None  # None: the workspace default
    reset: bool = False  # `default`: drop the team's rule (the workspace's, back to Monday 09:00)


@dataclass(frozen=True)
class ConfigCelebrate:
    channel: ChannelRef | None  # None: `off`
    team: str | None = None


@dataclass(frozen=True)
class ConfigDigest:
    channel: ChannelRef | None  # None: `off`
    slot: Slot | None = None  # weekly, in the workspace's zone; given with a channel
    team: str | None = None


@dataclass(frozen=True)
class ConfigReminder:
    hours: int | None  # None: `off`


@dataclass(frozen=True)
class ShowDigest:
    team: str | None = None


Command = (
    Help
    | ListObjectives
    | Show
    | NewObjective
    | NewKeyResult
    | RecordCheckIn
    | NewInitiative
    | CompleteInitiative
    | Align
    | SetOwner
    | Rename
    | Archive
    | Delete
    | CycleList
    | CycleClose
    | Export
    | TeamCreate
    | TeamAdd
    | WorkspaceDelete
    | ShowSettings
    | SetMyCheckin
    | Pause
    | Resume
    | ShowConfig
    | ConfigCheckin
    | ConfigCelebrate
    | ConfigDigest
    | ConfigReminder
    | ShowDigest
)


class UsageError(ValueError):
    """The words do not make a command: a one-line reason, plus the usage of the command meant."""

    def __init__(self, message: str, usage: str | None = None, topic: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.usage = usage
        self.topic = topic
