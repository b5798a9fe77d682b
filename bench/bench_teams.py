"""How long the Teams adapter takes per request, and how fast its ChatPort sends, on SQLite over loopback.

    .venv/bin/python -m bench.bench_teams [--calls 300]     (from the repository root)

Serves the real aiohttp app with the Teams mount (unauthenticated local mode) and a stand-in Bot Framework
connector on loopback, then times: a personal-chat `list` (HTTP in, core, card out to the connector), an
Action.Execute check-in (invoke answered with the result card), and proactive `ChatPort.post` calls.
Prints the median and p95 of each. Run by hand; the figures go into notes, not into assertions.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

import aiohttp
from aiohttp import web
from sqlmodel import select

from adapters.server import build_app
from adapters.settings import AppSettings
from adapters.teams.mount import teams_adapter
from bot.core import OkrBot
from bot.domain.enums import Platform
from bot.invocation import ConversationRef
from bot.views.cards import Card, Section
from storage import migrate
from storage.engine import create_engine, session_factory
from storage.teams_refs import TeamsConversation

FIXTURES = Path(__file__).resolve().parents[1] / "tests" / "fixtures" / "teams"


async def connector() -> tuple[web.AppRunner, str]:
    count = 0

    async def accept(request: web.Request) -> web.Response:
        nonlocal count
        count += 1
        await request.read()
        return web.json_response({"id": f"a{count}"}, status=201)

    app = web.Application()
    app.router.add_route("*", "/{tail:.*}", accept)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    return runner, f"http://127.0.0.1:{port}/"


def report(name: str, seconds: list[float]) -> None:
    ordered = sorted(seconds)
    p95 = ordered[int(len(ordered) * 0.95) - 1]
    print(
        f"{name:<34} median {statistics.median(ordered) * 1000:7.2f} ms   p95 {p95 * 1000:7.2f} ms   n={len(ordered)}"
    )


async def main(calls: int) -> None:
    folder = Path(tempfile.mkdtemp())
    url = f"sqlite:///{folder / 'bench.db'}"
    await migrate.upgrade(url)
    engine = create_engine(url)
    fake, service_url = await connector()
    bot = OkrBot(session_factory(engine))
    adapter = teams_adapter(AppSettings(okrbot_env="development", microsoft_app_id=None), bot)
    mount, port = adapter.mount, adapter.port
    runner = web.AppRunner(await build_app([mount]), access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    bot_url = f"http://127.0.0.1:{site._server.sockets[0].getsockname()[1]}/api/messages"  # type: ignore[union-attr]

    def activity(name: str, **changes: Any) -> dict[str, Any]:
        body: dict[str, Any] = json.loads((FIXTURES / f"{name}.json").read_text())
        return {**body, "serviceUrl": service_url, **changes}

    async with aiohttp.ClientSession() as http:

        async def post(body: dict[str, Any]) -> float:
            started = time.perf_counter()
            async with http.post(bot_url, json=body) as response:
                await response.read()
                assert response.status == 200, response.status
            return time.perf_counter() - started

        await post(activity("personal_message", text="new Grow revenue"))
        for index in range(20):
            await post(activity("personal_message", text=f"kr O1 Key result number {index} from 0 to 100"))
        report(
            "personal `list` (message in, card out)",
            [await post(activity("personal_message")) for _ in range(calls)],
        )
        report(
            "Action.Execute check-in (invoke)", [await post(activity("card_execute")) for _ in range(calls)]
        )

        async with bot.sessions() as session:
            reference = (await session.exec(select(TeamsConversation.reference))).first()
        assert reference is not None
        where = ConversationRef(Platform.TEAMS, "bench", reference)
        card = Card("Time to check in", sections=(Section(text="KR1"),))
        times = []
        for _ in range(calls):
            started = time.perf_counter()
            await port.post(where, card)
            times.append(time.perf_counter() - started)
        report("ChatPort.post (proactive)", times)
        print(f"ChatPort.post one at a time: {calls / sum(times):.0f} messages/s")

    await runner.cleanup()
    await fake.cleanup()
    await engine.dispose()


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--calls", type=int, default=300)
    asyncio.run(main(parser.parse_args().calls))
