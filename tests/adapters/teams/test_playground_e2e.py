"""End to end against Microsoft 365 Agents Playground (`@microsoft/m365agentsplayground`, Microsoft's local
Teams emulator), installed from npm at test time into a cache. The playground plays Teams: it sends the bot
real activities and serves the connector API the bot answers to. We drive it through its own HTTP control API
(the one its web client uses) and read what the bot sent from its conversation WebSocket.

It runs wherever node and npm are (about 3 s; the first run also installs the package, ~15 s), skips
without them, and fails without them under CI=true. `-m "not e2e"` leaves it out.
"""

from __future__ import annotations

import asyncio
import json
import os
import re
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from aiohttp.test_utils import TestServer
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlmodel import select

from adapters.server import build_app
from adapters.settings import AppSettings
from adapters.teams.mount import teams_adapter
from bot.core import OkrBot
from storage.engine import session_factory
from storage.tables import CheckIn, KeyResult, Member
from storage.teams_refs import TeamsConversation
from tests.adapters.teams.npm_cache import install, require
from tests.adapters.teams.test_cards import inputs
from tests.adapters.teams.test_messages import texts

PLAYGROUND_VERSION = "0.2.28"
# The playground's built-in configuration (GET /_internal/v1/config): its tenant, bot, people and chats.
TENANT = "00000000-0000-0000-0000-0000000000001"
BOT = "00000000-0000-0000-0000-00000000000011"
ME = "user-id-0"
TEAM_CHANNEL = "team-id"

pytestmark = pytest.mark.e2e


@dataclass
class Playground:
    url: str
    http: aiohttp.ClientSession
    engine: AsyncEngine
    personal_chat: str  # a new id each run
    events: list[dict[str, Any]] = field(default_factory=list)
    _seen: int = 0

    async def say(self, text: str, conversation: str | None = None, **extra: Any) -> None:
        conversation = conversation or self.personal_chat
        body = {"from": {"id": ME}, "text": text, "textFormat": "plain", **extra}
        async with self.http.post(
            f"{self.url}/_conversation/v1/conversations/{conversation}/messages", json=body
        ) as r:
            assert r.status == 200, await r.text()

    async def install(self, conversation: str) -> None:
        # The playground loads its conversations once it has reached the bot: until then, 404.
        for _ in range(300):
            async with self.http.post(
                f"{self.url}/_debug/conversation/{conversation}/installation", json={}
            ) as r:
                if r.status == 200:
                    return
                last = f"{r.status} {await r.text()}"
            await asyncio.sleep(0.1)
        raise AssertionError(f"could not install in {conversation}: {last}")

    async def bot_updates(self, message_id: str, within: float = 20) -> dict[str, Any]:
        """The bot's update of one of its messages."""
        for _ in range(int(within * 10)):
            for event in self.events:
                if (
                    event.get("action") == "updateMessage"
                    and event.get("message", {}).get("messageId") == message_id
                ):
                    return event
            await asyncio.sleep(0.1)
        raise AssertionError(f"no update of {message_id}: {[e.get('action') for e in self.events]}")

    def bot_messages(self) -> list[dict[str, Any]]:
        return [e for e in self.events if e.get("action") == "createMessage" and _from_bot(e)]

    async def bot_sends(self, wanted: str, within: float = 20) -> dict[str, Any]:
        """The bot's first message (after those already seen) whose card contains `wanted`."""
        for _ in range(int(within * 10)):
            for event in self.bot_messages()[self._seen :]:
                if wanted in texts(_card(event)):
                    self._seen = self.bot_messages().index(event) + 1
                    return event
            await asyncio.sleep(0.1)
        raise AssertionError(
            f"the bot never sent {wanted!r}: {[texts(_card(e))[:80] for e in self.bot_messages()]}"
        )


def _from_bot(event: dict[str, Any]) -> bool:
    return bool(event.get("message", {}).get("from", {}).get("id") == BOT)


def _card(event: dict[str, Any]) -> dict[str, Any]:
    [attachment] = event["message"]["attachments"]
    content: dict[str, Any] = attachment["content"]
    return content


async def _start_playground(tmp_path: Path, bot_url: str) -> AsyncIterator[asyncio.subprocess.Process]:
    require("node")
    modules = install("@microsoft/m365agentsplayground", PLAYGROUND_VERSION)
    cli = modules / "@microsoft" / "m365agentsplayground" / "cli.js"
    env = {
        **os.environ,
        "TEAMSAPPTESTER_BROWSER": "none",  # it opens a browser otherwise, and exits when it cannot
        "M365_AGENTS_PLAYGROUND_LOGFILE": str(tmp_path / "playground.log"),
    }
    process = await asyncio.create_subprocess_exec(
        "node", str(cli), "--port", "0", "--app-endpoint", f"{bot_url}api/messages", "--channel-id", "msteams",
        "--disable-telemetry", cwd=tmp_path, env=env, stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
    )  # fmt: skip
    try:
        yield process
    finally:
        if process.returncode is None:
            process.terminate()
            await process.wait()


async def _ready(http: aiohttp.ClientSession, url: str) -> dict[str, Any]:
    # It prints "Listening" before it mounts its API: wait for the API itself. Its web client loads the
    # configuration first, which is also what creates the chats, so do the same.
    for _ in range(300):
        async with http.get(f"{url}/_internal/v1/config") as response:
            if response.status == 200:
                config: dict[str, Any] = (await response.json())["config"]
                return config
        await asyncio.sleep(0.1)
    raise AssertionError("the playground's API never came up")


async def _read_events(ws: aiohttp.ClientWebSocketResponse, events: list[dict[str, Any]]) -> None:
    async for message in ws:
        events.append(json.loads(message.data))


@pytest.fixture
async def playground(engine: AsyncEngine, tmp_path: Path) -> AsyncIterator[Playground]:
    settings = AppSettings(okrbot_env="development", microsoft_app_id=None)
    mount = teams_adapter(settings, OkrBot(session_factory(engine))).mount
    async with TestServer(await build_app([mount]), host="127.0.0.1") as bot_server:
        async for process in _start_playground(tmp_path, str(bot_server.make_url("/"))):
            assert process.stdout is not None
            line = (await asyncio.wait_for(process.stdout.readline(), 60)).decode()
            port = re.search(r"Listening on (\d+)", line)
            assert port, f"the playground did not start: {line!r} {(tmp_path / 'playground.log').read_text()}"
            url = f"http://127.0.0.1:{port[1]}"
            async with aiohttp.ClientSession() as http:
                config = await _ready(http, url)
                assert (config["tenantId"], config["bot"]["id"], config["currentUser"]["id"]) == (
                    TENANT,
                    BOT,
                    ME,
                )
                ws = await http.ws_connect(f"{url}/_ws_conversation/v1/conversations/stream")
                found = Playground(url, http, engine, personal_chat=config["personalChat"]["id"])

                reader = asyncio.create_task(_read_events(ws, found.events))
                try:
                    yield found
                finally:
                    reader.cancel()
                    await ws.close()


async def test_install_then_a_personal_command_a_channel_mention_and_a_card_submit(
    playground: Playground,
) -> None:
    # Install in the personal scope: installationUpdate + conversationUpdate, the roster, one welcome card.
    await playground.install(playground.personal_chat)
    await playground.bot_sends("Hi!")

    # A personal-chat command, without the leading "okr".
    # (One at a time, as a person types: the playground delivers messages concurrently.)
    await playground.say("new Grow revenue")
    await playground.bot_sends("O1")
    await playground.say("kr O1 Increase NPS from 30 to 50")
    await playground.bot_sends("KR1")

    # A channel mention: the mention is stripped; the answer goes to the thread.
    mention = "<at>Test Bot</at>"
    await playground.say(
        f"{mention} show O1", TEAM_CHANNEL, mentions=[{"mentioned": {"id": BOT}, "text": mention}]
    )
    shown = await playground.bot_sends("Grow revenue")
    assert shown["actionConversationId"].startswith(f"{TEAM_CHANNEL};messageid=")

    # A card submit: the check-in form, submitted through Action.Execute, turns into its result.
    await playground.say("checkin KR1")
    form_message = await playground.bot_sends("Check in on KR1")
    form = _card(form_message)
    assert set(inputs(form)) == {"value", "confidence", "note"}
    [submit] = form["actions"]
    data = {**submit["data"], "value": "42", "confidence": "at-risk", "note": "renewals slipped"}
    invoke = {
        "name": "adaptiveCard/action",
        "value": {
            "action": {"type": "Action.Execute", "verb": submit["verb"], "data": data},
            "trigger": "manual",
        },
        "from": {"id": ME},
        "conversation": {"id": playground.personal_chat},
        "replyToId": form_message["message"]["messageId"],
    }
    async with playground.http.post(f"{playground.url}/_conversation/v1/invoke", json=invoke) as r:
        assert r.status == 200, await r.text()
        answer = await r.json()
    result = json.dumps(answer)
    assert "42" in result and "Input.Number" not in result, answer

    # The Action.Submit fallback: a message carrying the card's data, answered by updating that card.
    await playground.say("checkin KR1")
    form_message = await playground.bot_sends("Check in on KR1")
    submitted = {
        "conversation": {"id": playground.personal_chat},
        "from": {"id": ME},
        "replyToId": form_message["message"]["messageId"],
        "value": {**submit["data"], "value": "45", "confidence": "on-track"},
    }
    async with playground.http.post(f"{playground.url}/_conversation/v1/submit", json=submitted) as r:
        assert r.status == 200, await r.text()
    updated = await playground.bot_updates(form_message["message"]["messageId"])
    assert "45" in texts(_card(updated)) and not inputs(_card(updated))

    async with session_factory(playground.engine)() as session:
        [kr] = (await session.exec(select(KeyResult))).all()
        assert kr.current_value == 45
        assert len((await session.exec(select(CheckIn))).all()) == 2
        kinds = {c.kind for c in (await session.exec(select(TeamsConversation))).all()}
        assert kinds == {"personal", "channel"}
        members = (await session.exec(select(Member))).all()
        assert {m.display_name for m in members} >= {"Alex Wilber"}
    welcomes = [e for e in playground.bot_messages() if "Hi!" in texts(_card(e))]
    assert len(welcomes) == 1  # installationUpdate and conversationUpdate both came: one greeting
