"""The database tables. Every row belongs to one workspace; repositories never query across them."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from bot.domain.enums import ChannelPurpose, Confidence, KRKind, Level, ObjectiveState, Platform
from bot.domain.limits import NAME_MAX as NAME_LEN
from bot.domain.limits import NOTE_MAX as NOTE_LEN
from bot.domain.limits import TITLE_MAX as TITLE_LEN
from bot.domain.limits import UNIT_MAX as UNIT_LEN
from bot.domain.schedules import Cadence
from storage.types import UTCDateTime, enum_column_type, utcnow

EXTERNAL_ID_LEN = 255
OUTBOX_KEY_LEN = 255
SENDER_NAME_LEN = 64


def _workspace_fk() -> int:
    return Field(foreign_key="workspace.id", ondelete="CASCADE", index=False)  # type: ignore[no-any-return]


def _created() -> datetime:
    return Field(default_factory=utcnow, sa_type=UTCDateTime)  # type: ignore[no-any-return]


class Workspace(SQLModel, table=True):
    """A Slack team, a Teams tenant or a console session: the boundary no query crosses."""

    __table_args__ = (sa.UniqueConstraint("platform", "external_id", name="uq_workspace_platform_external"),)

    id: int | None = Field(default=None, primary_key=True)
    platform: Platform = Field(sa_type=enum_column_type(Platform))
    external_id: str = Field(max_length=EXTERNAL_ID_LEN)
    name: str | None = Field(default=None, max_length=NAME_LEN)
    default_tz: str = Field(default="UTC", max_length=64)
    # Counters behind the short refs (O12, KR34, I5); taken with UPDATE ... RETURNING.
    next_objective_number: int = 1
    next_key_result_number: int = 1
    next_initiative_number: int = 1
    created_at: datetime = _created()


class Member(SQLModel, table=True):
    """A person as the platform knows them, created on first sight."""

    __table_args__ = (
        sa.UniqueConstraint("workspace_id", "platform_user_id", name="uq_member_user"),
        sa.Index("ix_member_name", "workspace_id", "name_key"),
    )

    id: int | None = Field(default=None, primary_key=True)
    workspace_id: int = _workspace_fk()
    platform_user_id: str = Field(max_length=EXTERNAL_ID_LEN)
    display_name: str = Field(max_length=NAME_LEN)
    name_key: str = Field(max_length=NAME_LEN)  # display_name.casefold(), for @name look-ups
    tz: str = Field(default="UTC", max_length=64)
    is_admin: bool = False
    created_at: datetime = _created()


class Team(SQLModel, table=True):
    __table_args__ = (sa.UniqueConstraint("workspace_id", "name_key", name="uq_team_name"),)

    id: int | None = Field(default=None, primary_key=True)
    workspace_id: int = _workspace_fk()
    name: str = Field(max_length=NAME_LEN)
    name_key: str = Field(max_length=NAME_LEN)  # name.casefold()
    created_at: datetime = _created()


class TeamMembership(SQLModel, table=True):
    __tablename__ = "team_membership"
    __table_args__ = (sa.Index("ix_team_membership_member", "member_id"),)

    team_id: int = Field(foreign_key="team.id", primary_key=True, ondelete="CASCADE")
    member_id: int = Field(foreign_key="member.id", primary_key=True, ondelete="CASCADE")
    workspace_id: int = _workspace_fk()


class Objective(SQLModel, table=True):
    __table_args__ = (
        sa.UniqueConstraint("workspace_id", "number", name="uq_objective_number"),
        # `okr list all|company` in a cycle, in display order.
        sa.Index("ix_objective_cycle_order", "workspace_id", "cycle", "level_rank", "number"),
        sa.Index("ix_objective_owner", "workspace_id", "owner_id", "cycle"),
        sa.Index("ix_objective_team", "workspace_id", "team_id", "cycle"),
        sa.Index("ix_objective_parent", "workspace_id", "parent_id", "number"),
    )

    id: int | None = Field(default=None, primary_key=True)
    workspace_id: int = _workspace_fk()
    number: int
    cycle: str = Field(max_length=7)  # "2026-Q4"
    title: str = Field(max_length=TITLE_LEN)
    level: Level = Field(sa_type=enum_column_type(Level))
    level_rank: int  # Level.rank, kept beside it so lists sort company -> team -> personal in SQL
    owner_id: int = Field(foreign_key="member.id")
    team_id: int | None = Field(default=None, foreign_key="team.id", ondelete="SET NULL")
    parent_id: int | None = Field(default=None, foreign_key="objective.id", ondelete="SET NULL")
    aspirational: bool = False
    private: bool = False
    state: ObjectiveState = Field(default=ObjectiveState.ACTIVE, sa_type=enum_column_type(ObjectiveState))
    # Maintained on every change below it, so lists never have to read key results or check-ins.
    progress: float = 0.0  # rolled up: own key results and aligned children
    confidence: Confidence | None = Field(default=None, sa_type=enum_column_type(Confidence))
    score: float | None = None  # set when its cycle closes
    created_at: datetime = _created()
    updated_at: datetime = _created()


class KeyResult(SQLModel, table=True):
    __tablename__ = "key_result"
    __table_args__ = (
        sa.UniqueConstraint("workspace_id", "number", name="uq_key_result_number"),
        sa.Index("ix_key_result_objective", "objective_id", "number"),
        sa.Index("ix_key_result_owner", "workspace_id", "owner_id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    workspace_id: int = _workspace_fk()
    number: int
    objective_id: int = Field(foreign_key="objective.id", ondelete="CASCADE")
    title: str = Field(max_length=TITLE_LEN)
    kind: KRKind = Field(sa_type=enum_column_type(KRKind))
    start_value: float = 0.0
    target_value: float | None = None
    current_value: float = 0.0
    unit: str | None = Field(default=None, max_length=UNIT_LEN)
    owner_id: int | None = Field(default=None, foreign_key="member.id")
    weight: float = 1.0
    last_checkin_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    last_confidence: Confidence | None = Field(default=None, sa_type=enum_column_type(Confidence))
    achieved_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    created_at: datetime = _created()
    updated_at: datetime = _created()


class CheckIn(SQLModel, table=True):
    """One update of a key result's value; never edited, so the history is the truth."""

    __tablename__ = "check_in"
    __table_args__ = (sa.Index("ix_check_in_key_result", "key_result_id", "created_at"),)

    id: int | None = Field(default=None, primary_key=True)
    workspace_id: int = _workspace_fk()
    key_result_id: int = Field(foreign_key="key_result.id", ondelete="CASCADE")
    value: float
    previous_value: float
    confidence: Confidence | None = Field(default=None, sa_type=enum_column_type(Confidence))
    note: str | None = Field(default=None, max_length=NOTE_LEN)
    author_id: int = Field(foreign_key="member.id")
    created_at: datetime = _created()


class Initiative(SQLModel, table=True):
    """A piece of work that moves a key result."""

    __table_args__ = (
        sa.UniqueConstraint("workspace_id", "number", name="uq_initiative_number"),
        sa.Index("ix_initiative_key_result", "key_result_id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    workspace_id: int = _workspace_fk()
    number: int
    key_result_id: int = Field(foreign_key="key_result.id", ondelete="CASCADE")
    title: str = Field(max_length=TITLE_LEN)
    owner_id: int | None = Field(default=None, foreign_key="member.id")
    done: bool = False
    done_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    created_at: datetime = _created()


class ClosedCycle(SQLModel, table=True):
    """A cycle someone closed, with its score; open cycles need no row (they are calendar quarters)."""

    __tablename__ = "closed_cycle"
    __table_args__ = (sa.UniqueConstraint("workspace_id", "name", name="uq_closed_cycle_name"),)

    id: int | None = Field(default=None, primary_key=True)
    workspace_id: int = _workspace_fk()
    name: str = Field(max_length=7)
    score: float
    objective_count: int
    closed_by_id: int = Field(foreign_key="member.id")
    closed_at: datetime = _created()


class InboundReceipt(SQLModel, table=True):
    """A platform request already acted on (a Slack event id), so a retried delivery has no second effect.

    In the database rather than in memory so that a retry reaching another bot instance is recognised too.
    """

    __tablename__ = "inbound_receipt"

    key: str = Field(primary_key=True, max_length=EXTERNAL_ID_LEN)
    received_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime, index=True)


# -- coaching: check-in schedules, reminders, celebrations, digests (issue 5) ----------------------------------


class CoachingRule(SQLModel, table=True):
    """A check-in schedule set for the workspace, a team or one member: the most specific one applies.

    `scope` names who it is for ("workspace", "team:<id>", "member:<id>"), so that one unique constraint keeps
    one rule per scope (NULLs would not collide in a constraint on team_id/member_id).
    """

    __tablename__ = "coaching_rule"
    __table_args__ = (sa.UniqueConstraint("workspace_id", "scope", name="uq_coaching_rule_scope"),)

    id: int | None = Field(default=None, primary_key=True)
    workspace_id: int = _workspace_fk()
    scope: str = Field(max_length=40)
    team_id: int | None = Field(default=None, foreign_key="team.id", ondelete="CASCADE")
    member_id: int | None = Field(default=None, foreign_key="member.id", ondelete="CASCADE")
    enabled: bool = True  # False: `checkin off`
    weekday: int = 0  # 0 Monday .. 6 Sunday
    minute: int = 9 * 60  # minutes after local midnight
    cadence: Cadence = Field(default=Cadence.WEEKLY, sa_type=enum_column_type(Cadence))
    updated_at: datetime = _created()


class WorkspaceCoaching(SQLModel, table=True):
    """Workspace-wide coaching settings that are not a schedule."""

    __tablename__ = "workspace_coaching"

    workspace_id: int = Field(foreign_key="workspace.id", primary_key=True, ondelete="CASCADE")
    reminder_hours: int = 24  # after a check-in prompt; 0: no reminders


class MemberCoaching(SQLModel, table=True):
    """One member's place in the check-in schedule: when their next prompt is due, and their last one.

    `next_due_at` is recomputed whenever a rule, their time zone or their pause changes, and after each
    planning, so that a tick reads only the rows that have come due (through ix_member_coaching_due).
    """

    __tablename__ = "member_coaching"
    __table_args__ = (
        sa.Index("ix_member_coaching_due", "next_due_at"),
        sa.Index("ix_member_coaching_remind", "remind_at"),
    )

    member_id: int = Field(foreign_key="member.id", primary_key=True, ondelete="CASCADE")
    workspace_id: int = _workspace_fk()
    tz: str = Field(default="UTC", max_length=64)  # the zone next_due_at was computed in
    next_due_at: datetime | None = Field(default=None, sa_type=UTCDateTime)  # None: check-ins are off
    due_period: str | None = Field(default=None, max_length=10)  # the local date of that slot
    paused_until: date | None = None  # inclusive, in their zone; date.max: until `okr resume`
    prompt_period: str | None = Field(default=None, max_length=10)  # the last prompt planned
    prompted_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    prompt_key_results: str | None = Field(default=None, max_length=2000)  # its key result ids, "3,5,8"
    remind_at: datetime | None = Field(default=None, sa_type=UTCDateTime)  # None: no reminder pending
    reminded_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    cycle_end_asked: str | None = Field(default=None, max_length=7)  # the last cycle they were asked to close


class ChannelSetting(SQLModel, table=True):
    """Where celebrations or digests of the workspace (or of one team) go; digests also say when.

    A digest keeps the statuses it last reported, per objective, so that the next one can say what changed
    since last week (`last_statuses`, JSON: {"<objective id>": "on-track" | "at-risk" | "behind"}).
    """

    __tablename__ = "channel_setting"
    __table_args__ = (
        sa.UniqueConstraint("workspace_id", "purpose", "scope", name="uq_channel_setting_scope"),
        sa.Index("ix_channel_setting_due", "next_due_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    workspace_id: int = _workspace_fk()
    purpose: ChannelPurpose = Field(sa_type=enum_column_type(ChannelPurpose))
    scope: str = Field(max_length=40)  # "workspace" or "team:<id>"
    team_id: int | None = Field(default=None, foreign_key="team.id", ondelete="CASCADE")
    conversation: str = Field(
        sa_type=sa.Text
    )  # ConversationRef.opaque: a Slack channel id, a Teams reference
    label: str = Field(max_length=NAME_LEN)  # how to name it to people: "#wins"
    weekday: int | None = None  # digests
    minute: int | None = None  # digests, in the workspace's default_tz
    next_due_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    due_period: str | None = Field(default=None, max_length=10)
    last_statuses: str | None = Field(default=None, sa_type=sa.Text)
    updated_at: datetime = _created()


# The Teams adapter's references live in their own module; importing it registers them on SQLModel.metadata.
from storage.teams_refs import TeamsConversation, TeamsUser  # noqa: E402, F401


class OutboxStatus(StrEnum):
    """Where a planned message is on its way out."""

    PENDING = "pending"  # waiting for next_attempt_at
    SENDING = "sending"  # claimed by a sender until claimed_until (its lease)
    SENT = "sent"
    FAILED = "failed"  # set aside after too many tries, or a refusal that no retry will change


class TargetKind(StrEnum):
    MEMBER = "member"
    CONVERSATION = "conversation"
    UPDATE = "update"


class Outbox(SQLModel, table=True):
    """One message the bot sends on its own, once: the key is unique forever (see bot/delivery/planned.py)."""

    __table_args__ = (
        sa.UniqueConstraint("key", name="uq_outbox_key"),
        # The claim: due rows (pending, or sending with an expired lease) of one workspace, oldest first.
        sa.Index("ix_outbox_claim", "workspace_id", "status", "next_attempt_at"),
        # Which workspaces have due rows, and when the next one comes due.
        sa.Index("ix_outbox_due", "status", "next_attempt_at"),
        # Releasing a sender's claims when it stops.
        sa.Index("ix_outbox_claimed_by", "claimed_by"),
    )

    id: int | None = Field(default=None, primary_key=True)
    key: str = Field(max_length=OUTBOX_KEY_LEN)
    workspace_id: int = _workspace_fk()
    target_kind: TargetKind = Field(sa_type=enum_column_type(TargetKind))
    member_id: int | None = Field(default=None, foreign_key="member.id", ondelete="CASCADE")
    conversation_platform: Platform | None = Field(default=None, sa_type=enum_column_type(Platform))
    conversation_workspace: str | None = Field(default=None, max_length=EXTERNAL_ID_LEN)
    conversation_opaque: str | None = Field(default=None, sa_type=sa.Text)  # a Teams reference is JSON
    update_key: str | None = Field(default=None, max_length=OUTBOX_KEY_LEN)
    card: str = Field(sa_type=sa.Text)  # bot/delivery/cardjson.py
    status: OutboxStatus = Field(default=OutboxStatus.PENDING, sa_type=enum_column_type(OutboxStatus))
    attempts: int = 0
    # Pending: not before then. Sending: when the lease runs out (= claimed_until), so one index finds both.
    next_attempt_at: datetime = Field(sa_type=UTCDateTime)
    claimed_by: str | None = Field(default=None, max_length=SENDER_NAME_LEN)
    claimed_until: datetime | None = Field(default=None, sa_type=UTCDateTime)
    last_error: str | None = Field(default=None, sa_type=sa.Text)
    # What the platform answered, so that an UpdateSent can find the message to change.
    sent_platform: Platform | None = Field(default=None, sa_type=enum_column_type(Platform))
    sent_workspace: str | None = Field(default=None, max_length=EXTERNAL_ID_LEN)
    sent_conversation: str | None = Field(default=None, sa_type=sa.Text)
    sent_message: str | None = Field(default=None, max_length=EXTERNAL_ID_LEN)
    created_at: datetime = _created()
    sent_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
