"""`GET /metrics`: Prometheus metrics of one `okrbot serve` app, in its own registry.

Requests are counted by the request middleware (adapters/ops/requests.py); commands, sends and ticks by the
core, through bot.telemetry (this class is its Telemetry); the outbox's backlog is read from the database when
Prometheus scrapes, so it is the same whichever instance answers.

Every label comes from a fixed set (a route's pattern, an HTTP method from a list, a grammar verb, an enum), so
the number of series stays bounded whatever clients send.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Iterator
from datetime import datetime

from aiohttp import web
from prometheus_client import (
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    generate_latest,
)
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector
from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.domain.clock import Clock, system_clock
from bot.domain.enums import Platform
from bot.telemetry import CommandOutcome, SendResult
from storage import outbox
from storage.outbox import Backlog
from storage.tables import OutboxStatus

log = logging.getLogger(__name__)

# The text format every Prometheus reads (prometheus_client's own HTTP server answers with it when a scraper
# asks for nothing newer); it is what generate_latest writes.
TEXT_FORMAT = "text/plain; version=0.0.4; charset=utf-8"
BACKLOG_TIMEOUT = 2.0  # seconds the backlog query may take; a scrape never hangs on a stuck database
# Tick lag: normally milliseconds; seconds mean a blocked event loop; APScheduler gives up at 50 s.
LAG_BUCKETS = (0.01, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0)
_WAITING = (OutboxStatus.PENDING, OutboxStatus.SENDING)


class _BacklogCollector(Collector):
    """The outbox gauges, from the latest backlog read (None: the read failed, and they are left out)."""

    def __init__(self, now: datetime) -> None:
        self.latest: list[Backlog] | None = []
        self.read_at = now

    def collect(self) -> Iterator[GaugeMetricFamily]:
        if self.latest is None:
            return
        depth = GaugeMetricFamily(
            "okrbot_outbox_messages",
            "Messages waiting in the outbox (pending, or claimed by a sender), by platform and status.",
            labels=["platform", "status"],
        )
        age = GaugeMetricFamily(
            "okrbot_outbox_oldest_due_age_seconds",
            "Seconds since the oldest due message of the outbox came due (0: none is due).",
            labels=["platform", "status"],
        )
        found = {(row.platform, row.status): row for row in self.latest}
        # Every platform and status, zero when empty: a series that vanishes would look like missing data.
        for platform in Platform:
            for status in _WAITING:
                row = found.get((platform, status))
                labels = [platform.value, status.value]
                depth.add_metric(labels, row.messages if row else 0)
                oldest = row.oldest_due if row else None
                age.add_metric(labels, max(0.0, (self.read_at - oldest).total_seconds()) if oldest else 0.0)
        yield depth
        yield age


class Metrics:
    """The app's metrics, and the core's Telemetry."""

    def __init__(self, sessions: async_sessionmaker[AsyncSession], *, clock: Clock = system_clock) -> None:
        self.sessions = sessions
        self.clock = clock
        self.registry = CollectorRegistry()  # not the process-wide one: a process (tests) may build many apps
        self.requests = Counter(
            "okrbot_http_requests",
            "HTTP requests answered, by route pattern, method, status and platform.",
            ["route", "method", "status", "platform"],
            registry=self.registry,
        )
        self.request_seconds = Histogram(
            "okrbot_http_request_duration_seconds",
            "Time to answer an HTTP request, by route pattern, method, status and platform.",
            ["route", "method", "status", "platform"],
            registry=self.registry,
        )
        self.commands = Counter(
            "okrbot_commands",
            "Commands, button presses and forms answered, by name and outcome (ok, user_error, error).",
            ["command", "outcome"],
            registry=self.registry,
        )
        self.command_seconds = Histogram(
            "okrbot_command_duration_seconds",
            "Time the core took to answer a command, by name and outcome.",
            ["command", "outcome"],
            registry=self.registry,
        )
        self.sends = Counter(
            "okrbot_outbox_sends",
            "Outbox messages tried, by platform and result (sent, retried, failed).",
            ["platform", "result"],
            registry=self.registry,
        )
        self.ticks = Counter(
            "okrbot_scheduler_ticks", "Ticks of the every-minute clock.", registry=self.registry
        )
        self.last_tick_lag = Gauge(
            "okrbot_scheduler_last_tick_lag_seconds",
            "Seconds between the minute the last tick was due and when it ran.",
            registry=self.registry,
        )
        self.tick_lag = Histogram(
            "okrbot_scheduler_tick_lag_seconds",
            "Seconds between the minute a tick was due and when it ran.",
            buckets=LAG_BUCKETS,
            registry=self.registry,
        )
        self.backlog_errors = Counter(
            "okrbot_outbox_backlog_read_errors",
            "Scrapes in which the outbox backlog could not be read (its gauges are then left out).",
            registry=self.registry,
        )
        self._backlog = _BacklogCollector(clock())
        self.registry.register(self._backlog)

    # ------------------------------------------------------------------------------ bot.telemetry.Telemetry

    def command_finished(self, name: str, outcome: CommandOutcome, seconds: float) -> None:
        self.commands.labels(name, outcome.value).inc()
        self.command_seconds.labels(name, outcome.value).observe(seconds)

    def message_sent(self, platform: Platform, result: SendResult) -> None:
        self.sends.labels(platform.value, result.value).inc()

    def tick_ran(self, lag_seconds: float) -> None:
        self.ticks.inc()
        self.last_tick_lag.set(lag_seconds)
        self.tick_lag.observe(max(0.0, lag_seconds))

    # ------------------------------------------------------------------------------------------- HTTP

    def request_finished(
        self, *, route: str, method: str, status: int, platform: str, seconds: float
    ) -> None:
        labels = (route, method, str(status), platform)
        self.requests.labels(*labels).inc()
        self.request_seconds.labels(*labels).observe(seconds)

    async def read_backlog(self) -> None:
        """Read the outbox's backlog for the next exposition (one grouped query, bounded in time)."""
        now = self.clock()
        try:
            async with asyncio.timeout(BACKLOG_TIMEOUT), self.sessions() as session:
                latest = await outbox.backlog(session=session, now=now)
        except Exception as error:  # the database is down or slow: the other metrics still answer
            log.warning("metrics: could not read the outbox backlog: %s", type(error).__name__)
            self.backlog_errors.inc()
            self._backlog.latest = None
            return
        self._backlog.latest, self._backlog.read_at = latest, now

    async def handle(self, request: web.Request) -> web.Response:
        await self.read_backlog()
        return web.Response(body=generate_latest(self.registry), headers={"Content-Type": TEXT_FORMAT})
