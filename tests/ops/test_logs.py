"""Request logs: one line per request with its id (also in the response header), JSON in production and text
elsewhere; probes at debug; no signing secret, token or message text at info."""

from __future__ import annotations

import asyncio
import io
import json
import logging
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from aiohttp import ClientSession, web
from aiohttp.test_utils import TestServer
from cryptography.fernet import Fernet
from sqlalchemy.ext.asyncio import AsyncEngine

from adapters.ops.logs import configure_logging
from adapters.server import build_app
from bot.config import Settings
from storage.migrate import upgrade
from tests.adapters.slack import wire
from tests.adapters.slack.conftest import SlackRig
from tests.children import python_path
from tests.ops.conftest import closed_port, probes

FRESH_ID = re.compile(r"[0-9a-f]{32}")


def _settings(env: str) -> Settings:
    return Settings(okrbot_env=env, _env_file=None)  # type: ignore[call-arg]


def _json_lines(stream: io.StringIO) -> list[dict[str, Any]]:
    return [json.loads(line) for line in stream.getvalue().splitlines()]


def _request_lines(lines: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [line for line in lines if line["logger"] == "okrbot.http"]


async def test_production_logs_are_json_lines_with_the_request_id_and_nothing_secret(
    slack: SlackRig, log_stream: io.StringIO
) -> None:
    configure_logging(_settings("production"), stream=log_stream)
    body = wire.slash_command("new Falcon moonshot for the board", response_url=slack.api.mint_response_url())
    headers = wire.signed_headers(body, content_type=wire.FORM) | {"X-Request-Id": "lb-7f3a.1"}
    async with slack.http.post(slack.url(), data=body.encode(), headers=headers) as response:
        assert response.status == 200
        assert response.headers["X-Request-Id"] == "lb-7f3a.1"  # the load balancer's id, echoed
    # A payload Slack would never send: the adapter warns while handling it, under the request's own id.
    malformed = json.dumps({"type": "event_callback", "event": "not an object"})
    async with slack.http.post(
        slack.url(), data=malformed, headers={"Content-Type": wire.JSON, "X-Request-Id": "no spaces please"}
    ) as response:
        assert response.status == 400
        fresh = response.headers["X-Request-Id"]
    await slack.settled()

    assert FRESH_ID.fullmatch(fresh)  # an id that is not a sane token is replaced, not echoed
    lines = _json_lines(log_stream)  # every line parses
    assert {"time", "level", "logger", "message"} <= set(lines[0])
    command, refused = _request_lines(lines)
    assert command["request_id"] == "lb-7f3a.1"
    assert {key: command[key] for key in ("method", "route", "status", "platform", "level")} == {
        "method": "POST",
        "route": "/slack/events",
        "status": 200,
        "platform": "slack",
        "level": "info",
    }
    assert isinstance(command["duration_ms"], float)
    assert (refused["request_id"], refused["status"]) == (fresh, 400)
    [warning] = [line for line in lines if line["logger"] == "adapters.slack.mount"]
    assert warning["level"] == "warning" and warning["request_id"] == fresh

    text = log_stream.getvalue()
    assert wire.SIGNING_SECRET not in text
    assert slack.api.bot_token not in text
    assert "Falcon" not in text and "moonshot" not in text  # the command's words
    assert "response_url" not in text and "hooks" not in text  # nor the body's other fields


async def test_probes_log_at_debug_and_the_rest_at_info(
    engine: AsyncEngine, http: ClientSession, log_stream: io.StringIO
) -> None:
    configure_logging(_settings("development"), stream=log_stream)
    async with probes(engine) as server:
        for number, path in enumerate(("/healthz", "/readyz", "/metrics", "/no/such/page?token=xoxb-1")):
            async with http.get(server.make_url(path), headers={"X-Request-Id": f"id-{number}"}):
                pass
        info = log_stream.getvalue()
        configure_logging(_settings("development"), level=logging.DEBUG, stream=log_stream)
        async with http.get(server.make_url("/healthz"), headers={"X-Request-Id": "probe-1"}):
            pass
    lines = [line for line in info.splitlines() if "okrbot.http" in line]
    assert len(lines) == 1
    assert re.fullmatch(r"\S+ \S+ INFO okrbot.http: GET unmatched 404 \d+\.\dms \[request id-3\]", lines[0])
    assert "token" not in info  # the query string is never logged
    debug = log_stream.getvalue()[len(info) :]
    assert re.search(r" DEBUG okrbot\.http: GET /healthz 200 \d+\.\dms \[request probe-1\]$", debug, re.M)


async def test_an_unhandled_error_is_logged_with_its_request_id_and_answers_500(
    http: ClientSession, log_stream: io.StringIO
) -> None:
    configure_logging(_settings("production"), stream=log_stream)

    async def broken(request: web.Request) -> web.Response:
        raise RuntimeError("the handler broke")

    async def mount(app: web.Application) -> None:
        app.router.add_post("/broken/{thing}", broken)

    server = TestServer(await build_app([mount]), host="127.0.0.1")
    async with server, http.post(server.make_url("/broken/42")) as response:
        assert response.status == 500
        request_id = response.headers["X-Request-Id"]
    error, finished = _json_lines(log_stream)
    assert error["level"] == "error" and error["request_id"] == request_id
    assert "RuntimeError: the handler broke" in error["exception"]
    assert (finished["route"], finished["status"], finished["request_id"]) == (
        "/broken/{thing}",
        500,
        request_id,
    )


def test_okrbot_serve_writes_json_lines_in_production(sqlite_url: str, tmp_path: Path) -> None:
    asyncio.run(upgrade(sqlite_url))
    port = closed_port()
    env = {
        **os.environ,
        "DATABASE_URL": sqlite_url,
        "OKRBOT_ENV": "production",
        "OKRBOT_SECRET_KEY": Fernet.generate_key().decode(),
        "PYTHONPATH": python_path(),
    }
    server = subprocess.Popen(
        [sys.executable, "-c", "from adapters.cli import main; raise SystemExit(main(['serve']))"],
        env=env | {"PORT": str(port), "HOST": "127.0.0.1"},
        cwd=tmp_path,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        asyncio.run(_visit(f"http://127.0.0.1:{port}"))
        server.send_signal(signal.SIGTERM)
        assert server.wait(timeout=20) == 0
    finally:
        if server.poll() is None:
            server.kill()
    assert server.stderr is not None
    lines = [json.loads(line) for line in server.stderr.read().splitlines()]
    [visit] = _request_lines(lines)  # the probes were not logged at info
    assert (visit["route"], visit["status"], visit["request_id"]) == ("unmatched", 404, "cli-1")
    assert [line["message"] for line in lines if line["logger"] == "adapters.ops.readiness"] == ["ready"]


async def _visit(url: str) -> None:
    async with ClientSession() as http:
        deadline = time.monotonic() + 20
        while True:
            try:
                async with http.get(f"{url}/readyz") as response:
                    if response.status == 200:
                        break
            except OSError:
                pass
            assert time.monotonic() < deadline, "okrbot serve did not become ready"
            await asyncio.sleep(0.1)
        async with http.get(f"{url}/nothing-here", headers={"X-Request-Id": "cli-1"}) as response:
            assert response.status == 404
