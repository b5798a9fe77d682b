"""SIGTERM to a real `okrbot serve`, as a host stops it for a deploy: the request in flight and the Slack work
after its ack finish, new connections are refused, the sender's claims are handed back, exit 0 within 10 s."""

from __future__ import annotations

import asyncio
import subprocess
import sys
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path

import pytest
from aiohttp import ClientSession
from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.engine import create_engine, session_factory
from storage.migrate import upgrade
from storage.secrets import TokenCipher
from storage.tables import OutboxStatus
from storage.types import utcnow
from tests.adapters.slack import wire
from tests.deploy.processes import ServeProcess, port_refuses
from tests.deploy.test_manifests import healthcheck_command
from tests.fakes.slack_api import FakeSlackApi, SlackUser
from tests.jobs.fakes import add_workspace
from tests.jobs.helpers import dm, put, rows

STOP_LIMIT = 10.0  # what the issue asks; Docker's default grace before SIGKILL
USERS_INFO_DELAY = 4.0  # the slow request: its answer can only come after the ack, through response_url
SEND_DELAY = 1.0  # each chat.postMessage: long enough to be in flight at SIGTERM, short enough to finish
STUCK = 16.0  # a chat.postMessage Slack does not answer in time


@pytest.fixture
async def slack_api() -> AsyncIterator[FakeSlackApi]:
    async with FakeSlackApi() as api:
        api.add_user(SlackUser("U0MAYA", "maya", "Maya Patel", tz="Europe/Berlin", is_admin=True))
        yield api


@pytest.fixture
async def sessions(database_url: str) -> AsyncIterator[async_sessionmaker[AsyncSession]]:
    await upgrade(database_url)
    engine = create_engine(database_url)
    try:
        yield session_factory(engine)
    finally:
        await engine.dispose()


def single_workspace(api: FakeSlackApi, database_url: str) -> dict[str, str]:
    return {
        "DATABASE_URL": database_url,
        "OKRBOT_ENV": "production",
        "OKRBOT_SECRET_KEY": TokenCipher.new_key(),
        "SLACK_BOT_TOKEN": api.bot_token,
        "SLACK_SIGNING_SECRET": wire.SIGNING_SECRET,
        "SLACK_API_URL": api.url,
    }


async def _until(
    condition: Callable[[], Awaitable[bool]], *, within: float, what: str, server: ServeProcess
) -> None:
    deadline = time.monotonic() + within
    while not await condition():
        assert time.monotonic() < deadline, f"not {what} within {within}s:\n{server.log()}"
        await asyncio.sleep(0.05)


def _healthcheck(port: int) -> int:
    """The Dockerfile's HEALTHCHECK, run as Docker runs it."""
    return subprocess.run(
        [sys.executable, "-c", healthcheck_command()],
        env={"PORT": str(port)},
        capture_output=True,
        timeout=10,
    ).returncode


async def test_sigterm_finishes_work_in_flight_hands_back_claims_and_exits_0_within_10_s(
    slack_api: FakeSlackApi,
    sessions: async_sessionmaker[AsyncSession],
    database_url: str,
    tmp_path: Path,
) -> None:
    workspace, members = await add_workspace(sessions, wire.TEAM, [f"U{i:02d}" for i in range(120)])
    server = ServeProcess("serve", tmp_path, single_workspace(slack_api, database_url))
    server.start()
    try:
        await server.healthy()
        assert await asyncio.to_thread(_healthcheck, server.port) == 0

        # The sender claims a batch and starts sending; every send takes a while, and Slack never answers the
        # first two (the sender would wait 15 s for each: longer than a host waits).
        slack_api.fail_next("chat.postMessage", 2, status=None, delay=STUCK)
        slack_api.fail_next("chat.postMessage", 118, status=None, delay=SEND_DELAY)
        await put(
            sessions, *(dm(f"m{i:02d}", workspace, members[f"U{i:02d}"]) for i in range(120)), now=utcnow()
        )

        async def claimed() -> bool:
            return any(row.status == OutboxStatus.SENDING for row in (await rows(sessions)).values())

        await _until(claimed, within=10, what="claimed by the sender", server=server)

        # A slash command whose work outlasts Slack's 3 s: acked empty, answered later through response_url.
        slack_api.fail_next("users.info", status=None, delay=USERS_INFO_DELAY)
        response_url = slack_api.mint_response_url()
        body = wire.slash_command("list", response_url=response_url)
        async with ClientSession() as http:
            request = asyncio.ensure_future(
                http.post(
                    f"{server.url}/slack/events",
                    data=body.encode(),
                    headers=wire.signed_headers(body, content_type=wire.FORM),
                )
            )
            await asyncio.sleep(0.5)  # the request is in the server's hands
            server.terminate()

            refused_while_running = False
            while server.process is not None and server.process.poll() is None:
                if await asyncio.to_thread(port_refuses, server.port):
                    refused_while_running = server.process.poll() is None
                    if refused_while_running:
                        break
                await asyncio.sleep(0.05)
            answer = await request
            assert answer.status == 200, server.log()  # the request in flight was answered
            answer.release()

        code, took = await server.exited()
    finally:
        server.kill()

    log = server.log()
    assert code == 0, log
    assert took < STOP_LIMIT, f"stopped in {took:.1f} s:\n{log}"
    assert refused_while_running, f"the port still took connections until the process exited:\n{log}"
    # The work after the ack finished before the exit: the late answer reached Slack.
    (late,) = [post for post in slack_api.responses(response_url) if post.status == 200]
    assert "objective" in str(late.body).lower(), late.body
    # No claim is left: sends in flight finished and were recorded; the rest went back, due at once.
    stored = await rows(sessions)
    assert OutboxStatus.SENDING not in {row.status for row in stored.values()}, stored
    sent = {key for key, row in stored.items() if row.status == OutboxStatus.SENT}
    handed_back = [row for row in stored.values() if row.status == OutboxStatus.PENDING]
    assert sent and handed_back, {key: row.status for key, row in stored.items()}
    assert all(row.claimed_by is None and row.claimed_until is None for row in handed_back)
    stuck = [row for row in stored.values() if row.key in ("m00", "m01")]
    assert [row.status for row in stuck] == [OutboxStatus.PENDING] * 2  # cut off, handed back for another try
    delivered = [call for call in slack_api.calls("chat.postMessage") if call.ok]
    assert len(delivered) == len(sent)  # what Slack took is recorded as sent: nothing goes twice
    assert await asyncio.to_thread(_healthcheck, server.port) != 0  # and the health check sees it gone


async def test_with_run_jobs_false_serve_sends_nothing(
    slack_api: FakeSlackApi,
    sessions: async_sessionmaker[AsyncSession],
    database_url: str,
    tmp_path: Path,
) -> None:
    """OKRBOT_RUN_JOBS=false: requests only; the due message waits for an `okrbot worker`."""
    workspace, members = await add_workspace(sessions, wire.TEAM, ["U01"])
    await put(sessions, dm("due-now", workspace, members["U01"]), now=utcnow())
    web = ServeProcess(
        "web-only", tmp_path, {**single_workspace(slack_api, database_url), "OKRBOT_RUN_JOBS": "false"}
    )
    web.start()
    try:
        await web.healthy()
        response_url = slack_api.mint_response_url()
        body = wire.slash_command("new Ship the beta", response_url=response_url)
        async with ClientSession() as http:
            headers = wire.signed_headers(body, content_type=wire.FORM)
            async with http.post(f"{web.url}/slack/events", data=body.encode(), headers=headers) as answer:
                assert answer.status == 200 and "Ship the beta" in await answer.text()  # it serves
        await asyncio.sleep(3.0)  # longer than a running sender's first look (at once) and its poll (2 s)
        assert slack_api.calls("chat.postMessage") == []
        assert (await rows(sessions))["due-now"].status == OutboxStatus.PENDING
        web.terminate()
        code, _ = await web.exited()
    finally:
        web.kill()
    assert code == 0, web.log()

    # The same settings with jobs on: the message goes (so the silence above was the setting's doing).
    both = ServeProcess("web-and-jobs", tmp_path, single_workspace(slack_api, database_url))
    both.start()
    try:
        await both.healthy()

        async def sent() -> bool:
            return (await rows(sessions))["due-now"].status == OutboxStatus.SENT

        await _until(sent, within=10, what="sent", server=both)
        both.terminate()
        code, _ = await both.exited()
    finally:
        both.kill()
    assert code == 0, both.log()
