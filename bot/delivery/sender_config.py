"""How a sender paces, batches and retries: its settings, with the platforms' default rates; and its report."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, fields

from bot.config import Settings
from bot.domain.enums import Platform

# Messages per second to one workspace, below each platform's documented limits so that a 429 is rare:
# - Slack: chat.postMessage allows about 1 per second per channel with short bursts, and an unpublished
#   workspace-wide cap for an app; each DM is its own channel, so a fan-out is bound by the workspace cap.
#   10/s (600 a minute) stays well inside what Slack lets apps post.
# - Teams: 50 requests per second per app per tenant for all conversations together; 20/s leaves room for
#   the bot's replies to people, which share that budget.
# - Console: no platform at all.
DEFAULT_RATES: Mapping[Platform, float] = {
    Platform.SLACK: 10.0,
    Platform.TEAMS: 20.0,
    Platform.CONSOLE: 1000.0,
}


@dataclass(frozen=True)
class SenderConfig:
    rates: Mapping[Platform, float] = field(default_factory=lambda: dict(DEFAULT_RATES))
    max_attempts: int = 8  # tries before a message is set aside as failed
    lease: float = 60.0  # seconds a claim lasts; a dead sender's rows come back after this
    send_timeout: float = 15.0  # seconds one platform call may take before it counts as failed
    in_flight: int = (
        16  # platform calls at once to one workspace (the pace still holds; a slow call holds one)
    )
    parallel_workspaces: int = 32
    # Retries after 1, 2, 4, 8 ... s (each with a random half dropped), capped at 15 min: eight tries span
    # about two to four minutes. Raise max_attempts to ride out longer outages (12 tries: about half an hour).
    backoff_base: float = 0.5
    backoff_cap: float = 900.0
    update_wait: float = 2.0  # seconds an update waits, at least, for the message it changes to be sent
    record_every: float = 0.02  # seconds sends wait to be recorded together (in one transaction)
    poll: float = 2.0  # seconds between looks at the outbox when nothing woke the sender
    batch: int | None = (
        None  # rows claimed at once per workspace; None: what the pace sends in a quarter lease
    )

    @classmethod
    def from_settings(cls, settings: Settings) -> SenderConfig:
        rates = {
            **DEFAULT_RATES,
            Platform.SLACK: settings.outbox_rate_slack,
            Platform.TEAMS: settings.outbox_rate_teams,
        }
        return cls(
            rates=rates, max_attempts=settings.outbox_max_attempts, lease=settings.outbox_lease_seconds
        )

    def batch_for(self, platform: Platform) -> int:
        if self.batch is not None:
            return self.batch
        # Never more than the pace sends in a quarter of the lease: the rest of a batch would wait past it.
        quarter_lease = self.rates[platform] * self.lease / 4
        return max(1, int(min(500, quarter_lease, max(10, self.rates[platform] * 5))))


@dataclass
class SendReport:
    sent: int = 0
    retried: int = 0
    failed: int = 0
    deferred: int = 0  # updates waiting for their original, claims handed back untried

    def __sub__(self, other: SendReport) -> SendReport:
        return SendReport(*(getattr(self, f.name) - getattr(other, f.name) for f in fields(self)))

    def copy(self) -> SendReport:
        return SendReport(self.sent, self.retried, self.failed, self.deferred)
