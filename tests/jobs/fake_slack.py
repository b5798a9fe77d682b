"""A fake Slack Web API on loopback (chat.postMessage, chat.update) and a small ChatPort that speaks to it.

The fake enforces a per-workspace rate (a token bucket: answers 429 with Retry-After past it) and, when asked,
answers a share of calls with 429 or 500 at random. Only calls it answered 200 count as delivered, so tests
and the benchmark can count duplicates and losses. The port stands in for the Slack adapter's ChatPort (which
the benchmark takes instead when it is there): JSON bodies, a bearer token per workspace, Slack's answers.
"""

from __future__ import annotations

import itertools
import random
import time
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

import aiohttp
from aiohttp import web

from bot.domain.enums import Platform
from bot.invocation import ConversationRef
from bot.ports import DeliveryFailed, MessageRef, Recipient
from bot.views.cards import Card

# Slack's `error` values that a later try may get past.
RETRYABLE_ERRORS = {"ratelimited", "internal_error", "fatal_error", "service_unavailable", "request_timeout"}


@dataclass
class Bucket:
    rate: float
    tokens: float
    stamp: float

    def take(self, now: float) -> bool:
        self.tokens = min(self.rate, self.tokens + (now - self.stamp) * self.rate)
        self.stamp = now
        if self.tokens >= 1:
            self.tokens -= 1
            return True
        return False


@dataclass
class FakeSlackWebApi:
    rate: float = 20.0  # chat.postMessage per second per workspace
    failure_share: float = 0.0  # of calls answered 429 or 500 (half each) at random
    seed: int = 7
    delivered: Counter[tuple[str, str, str]] = field(default_factory=Counter)  # (team, channel, text)
    updated: list[tuple[str, str, str]] = field(default_factory=list)  # (team, ts, text)
    answers: Counter[str] = field(default_factory=Counter)  # "200", "429 rate", "429 random", "500 random"
    script: dict[str, list[int]] = field(default_factory=dict)  # text -> statuses to answer first
    _buckets: dict[str, Bucket] = field(default_factory=dict)
    _ts: itertools.count[int] = field(default_factory=lambda: itertools.count(1))

    def __post_init__(self) -> None:
        self._rng = random.Random(self.seed)

    def app(self) -> web.Application:
        app = web.Application()
        app.router.add_post("/api/chat.postMessage", self._post_message)
        app.router.add_post("/api/chat.update", self._update)
        app.router.add_get("/stats", self._stats)
        return app

    async def _stats(self, request: web.Request) -> web.Response:
        """What was delivered and how calls were answered, for a benchmark in another process."""
        return web.json_response(
            {
                "delivered": [[*key, count] for key, count in self.delivered.items()],
                "answers": dict(self.answers),
            }
        )

    @staticmethod
    async def _body(request: web.Request) -> dict[str, Any]:
        # slack_sdk sends JSON to chat.postMessage; other clients send a form. Slack takes both.
        if request.content_type == "application/json":
            body: dict[str, Any] = await request.json()
            return body
        return dict(await request.post())

    def _refusal(self, team: str, text: str) -> web.Response | None:
        scripted = self.script.get(text)
        if scripted:
            return self._error(scripted.pop(0), "scripted")
        bucket = self._buckets.setdefault(team, Bucket(self.rate, self.rate, time.monotonic()))
        if not bucket.take(time.monotonic()):
            return self._error(429, "rate")
        if self._rng.random() < self.failure_share:
            return self._error(self._rng.choice([429, 500]), "random")
        return None

    def _error(self, status: int, why: str) -> web.Response:
        self.answers[f"{status} {why}"] += 1
        if status == 429:
            return web.json_response(
                {"ok": False, "error": "ratelimited"}, status=429, headers={"Retry-After": "1"}
            )
        return web.Response(status=status, text="upstream connect error")

    @staticmethod
    def _team(request: web.Request) -> str | None:
        token = request.headers.get("Authorization", "").removeprefix("Bearer ")
        return token.removeprefix("xoxb-") if token.startswith("xoxb-") else None

    async def _post_message(self, request: web.Request) -> web.Response:
        team = self._team(request)
        if team is None:
            return web.json_response({"ok": False, "error": "not_authed"})
        body = await self._body(request)
        channel, text = str(body.get("channel", "")), str(body.get("text", ""))
        if not channel:
            return web.json_response({"ok": False, "error": "channel_not_found"})
        refused = self._refusal(team, text)
        if refused is not None:
            return refused
        self.answers["200"] += 1
        # Posting to a user id opens (or reuses) the DM channel with them: Slack answers with that channel.
        answered_channel = "D" + channel[1:] if channel.startswith("U") else channel
        self.delivered[(team, answered_channel, text)] += 1
        ts = f"1764493200.{next(self._ts):06d}"
        return web.json_response(
            {"ok": True, "channel": answered_channel, "ts": ts, "message": {"text": text}}
        )

    async def _update(self, request: web.Request) -> web.Response:
        team = self._team(request)
        body = await self._body(request)
        if team is None:
            return web.json_response({"ok": False, "error": "not_authed"})
        refused = self._refusal(team, str(body.get("text", "")))
        if refused is not None:
            return refused
        self.answers["200"] += 1
        self.updated.append((team, str(body.get("ts")), str(body.get("text"))))
        return web.json_response({"ok": True, "channel": body.get("channel"), "ts": body.get("ts")})


class SlackLikePort:
    """A ChatPort over HTTP to a Slack-shaped Web API: the card's title as the message text."""

    def __init__(self, http: aiohttp.ClientSession, api_url: str) -> None:
        self.http = http
        self.api_url = api_url.rstrip("/") + "/"

    async def _call(self, team: str, method: str, body: dict[str, Any]) -> dict[str, Any]:
        headers = {"Authorization": f"Bearer xoxb-{team}"}
        try:
            async with self.http.post(self.api_url + method, json=body, headers=headers) as response:
                if response.status == 429:
                    retry_after = float(response.headers.get("Retry-After", "1"))
                    raise DeliveryFailed("ratelimited", retryable=True, retry_after=retry_after)
                if response.status >= 500:
                    raise DeliveryFailed(f"HTTP {response.status} from {method}", retryable=True)
                answer: dict[str, Any] = await response.json()
        except aiohttp.ClientError as error:
            raise DeliveryFailed(f"{method}: {error}", retryable=True) from error
        if not answer.get("ok"):
            error_name = str(answer.get("error"))
            raise DeliveryFailed(error_name, retryable=error_name in RETRYABLE_ERRORS)
        return answer

    async def send_dm(self, recipient: Recipient, card: Card) -> MessageRef:
        return await self._post(recipient.workspace_id, recipient.user_id, card)

    async def post(self, conversation: ConversationRef, card: Card) -> MessageRef:
        return await self._post(conversation.workspace_id, conversation.opaque, card)

    async def _post(self, team: str, channel: str, card: Card) -> MessageRef:
        answer = await self._call(team, "chat.postMessage", {"channel": channel, "text": card.title})
        return MessageRef(ConversationRef(Platform.SLACK, team, str(answer["channel"])), str(answer["ts"]))

    async def update(self, message: MessageRef, card: Card) -> None:
        body = {"channel": message.conversation.opaque, "ts": message.opaque, "text": card.title}
        await self._call(message.conversation.workspace_id, "chat.update", body)


def serve(argv: list[str] | None = None) -> None:
    """`python -m tests.jobs.fake_slack --rate 20 --failure-share 0.05`: serve on a free loopback port, print it."""
    import argparse
    import asyncio

    parser = argparse.ArgumentParser()
    parser.add_argument("--rate", type=float, default=20.0)
    parser.add_argument("--failure-share", type=float, default=0.05)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args(argv)

    async def run() -> None:
        fake = FakeSlackWebApi(rate=args.rate, failure_share=args.failure_share, seed=args.seed)
        runner = web.AppRunner(fake.app(), access_log=None)
        await runner.setup()
        site = web.TCPSite(runner, "127.0.0.1", 0)
        await site.start()
        port = runner.addresses[0][1]
        print(f"http://127.0.0.1:{port}/api/", flush=True)
        await asyncio.Event().wait()

    asyncio.run(run())


if __name__ == "__main__":
    serve()
