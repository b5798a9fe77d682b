"""The OKR vocabulary: every closed set of values the core and the database share."""

from __future__ import annotations

from enum import StrEnum


class Platform(StrEnum):
    """Where a workspace lives. The console's user ids are the names people type."""

    SLACK = "slack"
    TEAMS = "teams"
    CONSOLE = "console"

    @property
    def mentions_are_names(self) -> bool:
        """True where a plain `@name` is the member's id (no platform directory to look it up in)."""
        return self is Platform.CONSOLE


class Level(StrEnum):
    """How high an objective sits; an objective aligns under one of the same level or higher."""

    COMPANY = "company"
    TEAM = "team"
    PERSONAL = "personal"

    @property
    def rank(self) -> int:
        return {Level.COMPANY: 3, Level.TEAM: 2, Level.PERSONAL: 1}[self]


class ObjectiveState(StrEnum):
    """The lifecycle an objective is in (not how well it is going: that is `Status`)."""

    ACTIVE = "active"
    CLOSED = "closed"
    ARCHIVED = "archived"


class KRKind(StrEnum):
    """How a key result's value is judged against its target."""

    INCREASE = "increase"
    DECREASE = "decrease"
    ABOVE = "above"  # stay at or above the target (a threshold)
    BELOW = "below"  # stay at or below the target (a threshold)
    MILESTONE = "milestone"  # done (1) or not done (0)

    @property
    def celebrates(self) -> bool:
        """Kinds whose target is a finish line worth celebrating (thresholds are kept, not reached)."""
        return self in (KRKind.INCREASE, KRKind.DECREASE, KRKind.MILESTONE)


class Confidence(StrEnum):
    """What the owner says at a check-in about reaching the target."""

    ON_TRACK = "on-track"
    AT_RISK = "at-risk"
    OFF_TRACK = "off-track"

    @property
    def severity(self) -> int:
        return {Confidence.ON_TRACK: 0, Confidence.AT_RISK: 1, Confidence.OFF_TRACK: 2}[self]


class Status(StrEnum):
    """How well an objective or key result is going, derived from progress, time and confidence."""

    ON_TRACK = "on-track"
    AT_RISK = "at-risk"
    BEHIND = "behind"

    @property
    def label(self) -> str:
        return {Status.ON_TRACK: "on track", Status.AT_RISK: "at risk", Status.BEHIND: "behind"}[self]


class ChannelPurpose(StrEnum):
    """What the bot posts in a configured channel."""

    CELEBRATE = "celebrate"
    DIGEST = "digest"
