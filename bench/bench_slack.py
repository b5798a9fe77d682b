"""Signed `/okr list` requests through the whole HTTP stack, against a bare Bolt app's floor.

    .venv/bin/python bench/bench_slack.py [--objectives 10000] [--seconds 10] [--clients 10 50]
        [--database-url postgresql://...]

Starts four processes on loopback: the fake Slack Web API (tests/fakes/slack_api.py), `okrbot serve` on a
SQLite database of one Slack workspace with N objectives, a second one with OKRBOT_KEEP_ANSWERS=false ("afresh":
every answer read from the database, as a first request or one after a change is), and bench/bare_bolt.py (a Bolt
AsyncApp whose /okr handler only acks). Each server first gets one request per user. Then, for each client count, keeps that many requests in flight for a while against each
server and prints requests per second and the p50/p99 time until the user sees the answer — the ack's body, which
is where okrbot puts the answer when the core is done within Slack's deadline (the report says how many were late
and went through response_url instead). Run by hand; the figures go into notes, not assertions.

`--database-url` serves from that database instead (PostgreSQL): the SQLite workspace is copied into it once,
through `okrbot export`'s and `okrbot import`'s own functions.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import signal
import socket
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlencode

import aiohttp
from slack_sdk.signature import SignatureVerifier

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.bench_core import MEMBERS, populate
from bot.domain.enums import Platform
from storage import migrate
from storage.engine import create_engine
from storage.portable.errors import PortableError
from storage.portable.exporter import export_workspace
from storage.portable.importer import import_workspace
from storage.portable.workspaces import WorkspaceKey

ROOT = Path(__file__).resolve().parents[1]
SECRET = "bench-signing-secret"
TEAM = "T0BENCH"
USER_ID = "U{:07d}"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class Result:
    requests: int
    seconds: float
    latencies: list[float]
    late: int
    errors: int

    def line(self, name: str, clients: int) -> str:
        ordered = sorted(self.latencies)
        p99 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))] if ordered else float("nan")
        return (
            f"{name:<10} {clients:>3} clients  {self.requests / self.seconds:8.1f} req/s   "
            f"p50 {statistics.median(ordered) * 1000:6.1f} ms   p99 {p99 * 1000:6.1f} ms   "
            f"late {self.late}  errors {self.errors}"
        )


def signed(text: str, user: str) -> tuple[bytes, dict[str, str]]:
    body = urlencode(
        {"token": "x", "team_id": TEAM, "team_domain": "bench", "channel_id": "C0BENCH", "channel_name": "okrs",
         "user_id": user, "user_name": user.lower(), "command": "/okr", "text": text, "api_app_id": "A0BENCH",
         "is_enterprise_install": "false", "response_url": "http://127.0.0.1:9/unused",
         "trigger_id": "1.2.3"}
    )  # fmt: skip
    stamp = str(int(time.time()))
    headers = {
        "Content-Type": "application/x-www-form-urlencoded",
        "X-Slack-Request-Timestamp": stamp,
        "X-Slack-Signature": SignatureVerifier(SECRET).generate_signature(timestamp=stamp, body=body),
    }
    return body.encode(), headers


async def load(url: str, *, clients: int, seconds: float, users: int) -> Result:
    latencies: list[float] = []
    late = errors = 0
    deadline = time.perf_counter() + seconds

    async def client(session: aiohttp.ClientSession, n: int) -> None:
        nonlocal late, errors
        i = n
        while time.perf_counter() < deadline:
            body, headers = signed("list", USER_ID.format(1 + i % users))
            i += clients
            started = time.perf_counter()
            async with session.post(url, data=body, headers=headers) as response:
                answer = await response.read()
            if response.status != 200:
                errors += 1
                continue
            latencies.append(time.perf_counter() - started)
            late += answer == b""  # okrbot acked empty and answered through response_url

    started = time.perf_counter()
    connector = aiohttp.TCPConnector(limit=clients)
    async with aiohttp.ClientSession(connector=connector) as session:
        await asyncio.gather(*(client(session, n) for n in range(clients)))
    return Result(len(latencies), time.perf_counter() - started, latencies, late, errors)


async def each_user_once(url: str, *, users: int, clients: int = 10) -> None:
    """One request per user: their users.info call, and the first answer okrbot keeps for them."""
    queue = list(range(1, users + 1))

    async def client(session: aiohttp.ClientSession) -> None:
        while queue:
            body, headers = signed("list", USER_ID.format(queue.pop()))
            async with session.post(url, data=body, headers=headers) as response:
                await response.read()

    async with aiohttp.ClientSession() as session:
        await asyncio.gather(*(client(session) for _ in range(clients)))


async def copied(source_url: str, target_url: str) -> str:
    """The bench workspace in `target_url` too (imported once; later runs find it there)."""
    await migrate.upgrade(target_url)
    source, target = create_engine(source_url), create_engine(target_url)
    key = WorkspaceKey(Platform.SLACK, TEAM)
    try:
        started = time.perf_counter()
        document = await export_workspace(source, key)
        try:
            await import_workspace(target, document)
        except PortableError as error:  # already there from an earlier run
            print(f"using the workspace already in {target.url.database}: {error}")
        else:
            print(f"copied the workspace into {target.url.database} in {time.perf_counter() - started:.1f} s")
    finally:
        await source.dispose()
        await target.dispose()
    return target_url


async def wait_healthy(port: int) -> None:
    async with aiohttp.ClientSession() as session:
        for _ in range(200):
            try:
                async with session.get(f"http://127.0.0.1:{port}/healthz") as response:
                    if response.status == 200:
                        return
            except aiohttp.ClientError:
                pass
            await asyncio.sleep(0.1)
    raise RuntimeError(f"nothing healthy on port {port}")


def start(args: list[str], env: dict[str, str]) -> subprocess.Popen[bytes]:
    return subprocess.Popen(args, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


async def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--objectives", type=int, default=10_000)
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--clients", type=int, nargs="+", default=[10, 50])
    parser.add_argument("--database", type=Path, default=ROOT / "bench" / "slack.db")
    parser.add_argument("--database-url", help="serve from this database (the workspace is copied in once)")
    options = parser.parse_args()

    fresh = not options.database.exists()
    await migrate.upgrade(f"sqlite:///{options.database}")  # also brings an older bench database up to date
    if fresh:
        started = time.perf_counter()
        populate(options.database, objectives=options.objectives, check_ins=options.objectives * 5,
                 platform="slack", workspace=TEAM, user_id=USER_ID)  # fmt: skip
        print(
            f"built {options.database} with {options.objectives:,} objectives in {time.perf_counter() - started:.1f} s"
        )

    database_url = f"sqlite:///{options.database}"
    if options.database_url:
        database_url = await copied(database_url, options.database_url)

    fake, okrbot, fresh_okrbot, bare = free_port(), free_port(), free_port(), free_port()
    env = os.environ | {
        "SLACK_SIGNING_SECRET": SECRET,
        "SLACK_BOT_TOKEN": "xoxb-bench",
        "SLACK_API_URL": f"http://127.0.0.1:{fake}/api/",
        "DATABASE_URL": database_url,
    }
    python = sys.executable
    processes = [
        start([python, "-m", "tests.fakes.slack_api", "--port", str(fake)], env),
        start([python, "-m", "adapters.cli", "serve", "--host", "127.0.0.1", "--port", str(okrbot)], env),
        # The same, reading every answer afresh: what a first request, or one after a change, costs.
        start(
            [python, "-m", "adapters.cli", "serve", "--host", "127.0.0.1", "--port", str(fresh_okrbot)],
            env | {"OKRBOT_KEEP_ANSWERS": "false", "OKRBOT_RUN_JOBS": "false"},
        ),
        start([python, "bench/bare_bolt.py", "--port", str(bare)], env),
    ]
    try:
        servers = (("okrbot", okrbot), ("afresh", fresh_okrbot), ("bare bolt", bare))
        for _, port in servers:
            await wait_healthy(port)
        users = min(MEMBERS, 200)
        # Warm up: each user's first request costs a users.info call (and a first answer), kept afterwards.
        for _, port in servers:
            await each_user_once(f"http://127.0.0.1:{port}/slack/events", users=users)
            await load(f"http://127.0.0.1:{port}/slack/events", clients=10, seconds=1, users=users)
        print(
            f"signed /okr list, {options.objectives:,} objectives, {users} users, {options.seconds:.0f} s per run"
            " (afresh: OKRBOT_KEEP_ANSWERS=false)"
        )
        for clients in options.clients:
            for name, port in servers:
                result = await load(
                    f"http://127.0.0.1:{port}/slack/events",
                    clients=clients,
                    seconds=options.seconds,
                    users=users,
                )
                print(result.line(name, clients), flush=True)
    finally:
        for process in processes:
            process.send_signal(signal.SIGINT)
        for process in processes:
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()


if __name__ == "__main__":
    asyncio.run(main())
