"""GET /metrics: requests by route pattern, method, status and platform; commands by verb and outcome; the
outbox's backlog; sends by result; the clock's lag. Driven through the real app, sender and database."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import datetime, timedelta

import pytest
import sqlalchemy as sa
from aiohttp import ClientSession
from prometheus_client import generate_latest
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker
from sqlmodel import col
from sqlmodel.ext.asyncio.session import AsyncSession

from adapters.ops.metrics import Metrics
from adapters.slack.chat_port import SlackChatPort
from adapters.slack.tokens import TokensByWorkspace
from bot.delivery.sender import Sender
from bot.delivery.sender_config import SenderConfig
from bot.domain.enums import Platform
from bot.jobs.runtime import JobsRuntime
from bot.telemetry import SendResult
from storage import outbox
from storage.engine import create_engine, session_factory
from storage.outbox import Backlog
from storage.tables import Outbox, OutboxStatus
from storage.types import utcnow
from tests.adapters.slack import wire
from tests.adapters.slack.conftest import SlackRig
from tests.fakes.slack_api import FakeSlackApi
from tests.jobs.fakes import add_workspace
from tests.jobs.helpers import dm, put, rows
from tests.ops.conftest import Samples, closed_port, probes, sample, samples


async def _scrape(http: ClientSession, url: str) -> Samples:
    async with http.get(url) as response:
        assert response.status == 200
        assert response.headers["Content-Type"].startswith("text/plain; version=0.0.4")
        return samples(await response.text())


async def test_requests_and_commands_are_counted_with_bounded_labels(slack: SlackRig) -> None:
    assert (await slack.command("list")).status == 200
    assert (await slack.command("frobnicate the widgets")).status == 200  # a usage error, answered
    assert (await slack.command("checkin KR99 5")).status == 200  # no such key result
    body = wire.slash_command("list", response_url=slack.api.mint_response_url())
    forged = wire.signed_headers(body, secret="not-the-signing-secret", content_type=wire.FORM)
    assert (await slack.post(body, content_type=wire.FORM, headers=forged)).status == 401
    async with slack.http.get(slack.url("/wp-login.php?user=admin")) as response:
        assert response.status == 404
    await slack.settled()

    found = await _scrape(slack.http, slack.url("/metrics"))

    requests = "okrbot_http_requests_total"
    events = {"route": "/slack/events", "method": "POST", "platform": "slack"}
    assert sample(found, requests, **events, status="200") == 3
    assert sample(found, requests, **events, status="401") == 1
    assert sample(found, requests, route="unmatched", method="GET", status="404", platform="none") == 1
    latency = "okrbot_http_request_duration_seconds_count"
    assert sample(found, latency, **events, status="200") == 3
    assert (sample(found, "okrbot_http_request_duration_seconds_sum", **events, status="200") or 0) > 0

    commands = "okrbot_commands_total"
    assert sample(found, commands, command="list", outcome="ok") == 1
    assert sample(found, commands, command="unknown", outcome="user_error") == 1
    assert sample(found, commands, command="checkin", outcome="user_error") == 1
    assert sample(found, "okrbot_command_duration_seconds_count", command="list", outcome="ok") == 1
    # Nothing anyone typed became a label: no "frobnicate", no query string, no raw path.
    labels = {value for _, pairs in found for _, value in pairs}
    assert not any("frobnicate" in value or "wp-login" in value or "KR99" in value for value in labels)
    # The forged request reached no command.
    assert sum(value for (name, _), value in found.items() if name == commands) == 3


async def test_the_serving_app_is_ready_on_its_migrated_database(slack: SlackRig) -> None:
    async with slack.http.get(slack.url("/readyz")) as response:
        assert (response.status, await response.json()) == (200, {"ok": True})


async def _set(sessions: async_sessionmaker[AsyncSession], key: str, **values: object) -> None:
    async with sessions() as session, session.begin():
        await session.execute(sa.update(Outbox).where(col(Outbox.key) == key).values(**values))


@pytest.fixture
async def backlog_rows(engine: AsyncEngine) -> datetime:
    """A Slack and a Teams workspace with messages in every state; the time they are described at."""
    sessions = session_factory(engine)
    now = utcnow()
    slack, slack_members = await add_workspace(sessions, "T1", ["U1"])
    teams, teams_members = await add_workspace(sessions, "tenant", ["29:1"], platform=Platform.TEAMS)
    u1, t1 = slack_members["U1"], teams_members["29:1"]
    keys = {"due-5m": u1, "due-1m": u1, "later": u1, "held": u1, "lease-over": u1, "sent": u1, "failed": u1}
    await put(sessions, *(dm(key, slack, member) for key, member in keys.items()), now=now)
    await put(sessions, dm("teams-due", teams, t1), now=now)
    ago = lambda seconds: now - timedelta(seconds=seconds)  # noqa: E731
    await _set(sessions, "due-5m", next_attempt_at=ago(300))
    await _set(sessions, "due-1m", next_attempt_at=ago(60))
    await _set(sessions, "later", next_attempt_at=ago(-3600))
    sending = {"status": OutboxStatus.SENDING, "claimed_by": "someone"}
    await _set(sessions, "held", **sending, next_attempt_at=ago(-30))  # its lease runs 30 s more
    await _set(sessions, "lease-over", **sending, next_attempt_at=ago(120))  # a dead sender's
    await _set(sessions, "sent", status=OutboxStatus.SENT, next_attempt_at=ago(900))
    await _set(sessions, "failed", status=OutboxStatus.FAILED, next_attempt_at=ago(900))
    await _set(sessions, "teams-due", next_attempt_at=ago(10))
    return now


async def test_the_backlog_query_groups_waiting_messages_by_platform_and_status(
    engine: AsyncEngine, backlog_rows: datetime
) -> None:
    now = backlog_rows
    async with session_factory(engine)() as session:
        found = await outbox.backlog(session=session, now=now)
    assert sorted(found, key=lambda row: (row.platform, row.status)) == [
        Backlog(Platform.SLACK, OutboxStatus.PENDING, 3, now - timedelta(seconds=300)),
        Backlog(Platform.SLACK, OutboxStatus.SENDING, 2, now - timedelta(seconds=120)),
        Backlog(Platform.TEAMS, OutboxStatus.PENDING, 1, now - timedelta(seconds=10)),
    ]


async def test_outbox_depth_and_age_are_read_at_scrape_time(
    engine: AsyncEngine, backlog_rows: datetime, http: ClientSession
) -> None:
    async with probes(engine) as server:
        found = await _scrape(http, str(server.make_url("/metrics")))
        depth, age = "okrbot_outbox_messages", "okrbot_outbox_oldest_due_age_seconds"
        assert sample(found, depth, platform="slack", status="pending") == 3
        assert sample(found, depth, platform="slack", status="sending") == 2
        assert sample(found, depth, platform="teams", status="pending") == 1
        assert sample(found, depth, platform="teams", status="sending") == 0  # present, at zero
        assert sample(found, depth, platform="console", status="pending") == 0
        assert 300 <= (sample(found, age, platform="slack", status="pending") or 0) < 330
        assert 120 <= (sample(found, age, platform="slack", status="sending") or 0) < 150
        assert sample(found, age, platform="teams", status="sending") == 0

        # The next scrape reads again: the backlog is the database's, not a copy kept in this process.
        await _set(session_factory(engine), "due-5m", status=OutboxStatus.SENT)
        found = await _scrape(http, str(server.make_url("/metrics")))
        assert sample(found, depth, platform="slack", status="pending") == 2
        assert 60 <= (sample(found, age, platform="slack", status="pending") or 0) < 90


async def test_metrics_still_answer_when_the_database_is_gone(http: ClientSession) -> None:
    engine = create_engine(f"postgresql://okrbot:secret@127.0.0.1:{closed_port()}/okrbot")
    try:
        async with probes(engine) as server:
            found = await _scrape(http, str(server.make_url("/metrics")))
    finally:
        await engine.dispose()
    assert sample(found, "okrbot_outbox_backlog_read_errors_total") == 1
    assert not any(name == "okrbot_outbox_messages" for name, _ in found)  # left out, not reported as zero


_WAITING = (OutboxStatus.PENDING, OutboxStatus.SENDING)


@pytest.fixture
async def fake_slack() -> AsyncIterator[FakeSlackApi]:
    async with FakeSlackApi() as fake:
        fake.add_workspace("T1")
        yield fake


async def test_sends_are_counted_by_platform_and_result(
    engine: AsyncEngine, fake_slack: FakeSlackApi
) -> None:
    sessions = session_factory(engine)
    workspace, members = await add_workspace(sessions, "T1", ["U1", "U2", "U3"])
    await put(sessions, *(dm(user, workspace, member) for user, member in members.items()), now=utcnow())
    fake_slack.fail_next("chat.postMessage", 1, status=429, retry_after=0)  # U1's first try: come back later
    fake_slack.refuse_channel("U3")  # channel_not_found: no retry will change it
    port = SlackChatPort(
        TokensByWorkspace({"T1": fake_slack.workspaces["T1"].bot_token}), base_url=fake_slack.url
    )
    metrics = Metrics(sessions)
    config = SenderConfig(in_flight=1, backoff_base=0.05, poll=0.1)
    sender = Sender(sessions, {Platform.SLACK: port}, config=config, telemetry=metrics)
    running = asyncio.create_task(sender.run())
    try:
        async with asyncio.timeout(20):
            while any(row.status in _WAITING for row in (await rows(sessions)).values()):  # noqa: ASYNC110
                await asyncio.sleep(0.05)
    finally:
        sender.stop()
        await running
        await port.close()

    assert {key: row.status for key, row in (await rows(sessions)).items()} == {
        "U1": OutboxStatus.SENT,
        "U2": OutboxStatus.SENT,
        "U3": OutboxStatus.FAILED,
    }
    found = samples(generate_latest(metrics.registry).decode())
    sends = "okrbot_outbox_sends_total"
    assert sample(found, sends, platform="slack", result="sent") == 2
    assert sample(found, sends, platform="slack", result="retried") == 1
    assert sample(found, sends, platform="slack", result="failed") == 1


async def test_the_clock_reports_how_late_each_tick_ran(engine: AsyncEngine) -> None:
    sessions = session_factory(engine)
    metrics = Metrics(sessions)
    jobs = JobsRuntime(sessions, {}, telemetry=metrics)
    await jobs._tick(utcnow() - timedelta(seconds=7))  # as the scheduler calls it, 7 s after its minute

    found = samples(generate_latest(metrics.registry).decode())
    assert sample(found, "okrbot_scheduler_ticks_total") == 1
    assert 7 <= (sample(found, "okrbot_scheduler_last_tick_lag_seconds") or 0) < 8
    lag = "okrbot_scheduler_tick_lag_seconds_bucket"
    assert (sample(found, lag, le="5.0"), sample(found, lag, le="10.0")) == (0, 1)


def test_each_app_counts_in_its_own_registry() -> None:
    sessions = session_factory(create_engine("sqlite://"))
    first, second = Metrics(sessions), Metrics(sessions)  # the process-wide registry would refuse the second
    first.message_sent(Platform.SLACK, SendResult.SENT)
    sends = {"platform": "slack", "result": "sent"}
    assert (
        sample(samples(generate_latest(first.registry).decode()), "okrbot_outbox_sends_total", **sends) == 1
    )
    assert (
        sample(samples(generate_latest(second.registry).decode()), "okrbot_outbox_sends_total", **sends)
        is None
    )
