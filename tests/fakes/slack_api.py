"""A fake Slack Web API on loopback: checks method names and arguments like Slack, answers like Slack, and
records every call, so that tests and benches can assert on what the bot sent.

In a test::

    async with FakeSlackApi() as slack:
        client = AsyncWebClient(token=slack.bot_token, base_url=slack.url)
        ...
        assert slack.calls("chat.postMessage")[0].args["channel"] == "C0GENERAL"

For a bench, in a process of its own (control endpoints under /_fake/: stats, calls, delivered, reset, fail)::

    python -m tests.fakes.slack_api --port 8765 --rate 20

What each method needs comes from tests/fixtures/slack/web_api_methods.json (extracted from Slack's OpenAPI
spec, see the README there). Failures can be queued (`fail_next`), drawn at random (`chaos`), or earned by
going over a rate (`rate=`, per workspace and method, answered with 429 and Retry-After like Slack).
Deliveries are counted by an idempotency marker (the message's `metadata`, else channel and text), so a bench
can count duplicates and losses. Socket Mode: apps.connections.open answers with the URL of this fake's own
WebSocket (/link/), which says hello, delivers what `socket_send` queues, and records the app's acks.
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import itertools
import json
import math
import random
import signal
import time
import uuid
from collections import Counter, defaultdict, deque
from collections.abc import Callable, Iterable, Mapping
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from aiohttp import web

METHODS_FILE = Path(__file__).resolve().parents[1] / "fixtures" / "slack" / "web_api_methods.json"
POSTING_METHODS = ("chat.postMessage", "chat.postEphemeral", "chat.update")
MESSAGE_BLOCKS_MAX, VIEW_BLOCKS_MAX = 50, 100
MESSAGE_TEXT_MAX = 40_000
MODAL_TITLE_MAX = 24
RESPONSE_URL_USES, RESPONSE_URL_LIFETIME = 5, 30 * 60  # Slack: 5 posts within 30 minutes
# Arguments that travel as JSON text in a form body and as JSON values in a JSON body.
JSON_ARGUMENTS = ("blocks", "attachments", "view", "metadata")


@dataclass(frozen=True)
class MethodSpec:
    """What Slack requires of one Web API method."""

    name: str
    token: str  # "required", "optional", "none" (oauth.v2.access) or "app" (an xapp- app-level token)
    required: tuple[str, ...]
    optional: tuple[str, ...]
    success_required: tuple[str, ...]
    errors: tuple[str, ...]


def load_methods(path: Path = METHODS_FILE) -> dict[str, MethodSpec]:
    methods = json.loads(path.read_text())["methods"]
    return {
        name: MethodSpec(
            name,
            facts["token"],
            tuple(facts["required"]),
            tuple(facts["optional"]),
            tuple(facts["success_required"]),
            tuple(facts["errors"]),
        )
        for name, facts in methods.items()
    }


@dataclass(frozen=True)
class SlackUser:
    """A member of a workspace as users.info describes them."""

    id: str
    name: str
    real_name: str = ""
    tz: str = "UTC"
    is_admin: bool = False
    display_name: str = ""
    is_bot: bool = False
    deleted: bool = False

    def wire(self, team_id: str) -> dict[str, Any]:
        real_name = self.real_name or self.name
        return {
            "id": self.id,
            "team_id": team_id,
            "name": self.name,
            "deleted": self.deleted,
            "real_name": real_name,
            "tz": self.tz,
            "tz_label": self.tz,
            "tz_offset": 0,
            "is_admin": self.is_admin,
            "is_owner": False,
            "is_primary_owner": False,
            "is_restricted": False,
            "is_ultra_restricted": False,
            "is_bot": self.is_bot,
            "is_app_user": False,
            "updated": 1732449600,
            "profile": {
                "real_name": real_name,
                "real_name_normalized": real_name,
                "display_name": self.display_name,
                "display_name_normalized": self.display_name,
                "team": team_id,
            },
        }


@dataclass
class Workspace:
    team_id: str
    name: str
    bot_token: str
    bot_user_id: str = "U0OKRBOT"
    bot_id: str = "B0OKRBOT"
    users: dict[str, SlackUser] = field(default_factory=dict)


@dataclass(frozen=True)
class Call:
    """One request the fake received, and what it answered."""

    method: str
    args: dict[str, Any]
    token: str | None
    at: float  # the fake's clock, in seconds
    status: int
    answer: dict[str, Any]

    @property
    def ok(self) -> bool:
        return self.status == 200 and self.answer.get("ok") is True

    @property
    def error(self) -> str | None:
        return None if self.ok else str(self.answer.get("error"))


@dataclass(frozen=True)
class ResponsePost:
    """One post the bot made to a response_url."""

    id: str
    body: dict[str, Any]
    at: float
    status: int


@dataclass(frozen=True)
class Injected:
    """A queued answer: an HTTP status (429 with Retry-After, 500...) or an `ok: false` error, maybe late.

    `status=None` with a delay answers normally, only late (a slow Slack, for client timeouts)."""

    status: int | None = 429
    error: str | None = None
    retry_after: int | None = 1
    delay: float = 0.0


class _Refusal(Exception):
    """An answer other than success: raised while checking a call, turned into the HTTP answer."""

    def __init__(self, error: str, status: int = 200, headers: Mapping[str, str] | None = None, **extra: Any):
        super().__init__(error)
        self.status = status
        self.headers = dict(headers or {})
        self.body: dict[str, Any] = {"ok": False, "error": error, **extra}


def _invalid_arguments(*problems: str) -> _Refusal:
    return _Refusal("invalid_arguments", response_metadata={"messages": [f"[ERROR] {p}" for p in problems]})


class _RateWindow:
    """At most `rate` calls in any sliding second."""

    def __init__(self, rate: float) -> None:
        self.rate = rate
        self.times: deque[float] = deque()

    def admit(self, now: float) -> float | None:
        """None when the call is within the rate; else the seconds until it would be."""
        while self.times and self.times[0] <= now - 1.0:
            self.times.popleft()
        if len(self.times) < self.rate:
            self.times.append(now)
            return None
        return self.times[0] + 1.0 - now


class FakeSlackApi:
    """The fake server. Use `async with FakeSlackApi() as slack:`; `slack.url` is the client's base_url."""

    def __init__(
        self,
        *,
        rate: float | None = None,
        rate_methods: Iterable[str] = POSTING_METHODS,
        accept_any_token: bool = False,
        invent_users: bool = False,
        clock: Callable[[], float] = time.monotonic,
        host: str = "127.0.0.1",
        port: int = 0,
    ) -> None:
        self.methods = load_methods()
        self.rate = rate
        self.rate_methods = frozenset(rate_methods)
        self.accept_any_token = accept_any_token  # benches: any xoxb- token is a workspace of its own
        self.invent_users = invent_users  # benches: any U... id is a user
        self.clock = clock
        self.host, self.port = host, port
        self.client_id, self.client_secret = "fake-client-id", "fake-client-secret"
        self.app_token = "xapp-1-A0OKRBOT-fake"
        self.workspaces: dict[str, Workspace] = {}  # by team id
        self.tokens: dict[str, str] = {}  # token -> team id
        self.revoked: set[str] = set()
        self.oauth_codes: dict[str, tuple[str, str]] = {}  # code -> (team id, installer user id)
        self.refresh_tokens: dict[str, str] = {}  # refresh token -> team id
        self.rotating = False
        self.channel_errors: dict[str, str] = {}
        self.messages: dict[tuple[str, str], dict[str, Any]] = {}  # (channel, ts) -> the message as it stands
        self.views: dict[str, dict[str, Any]] = {}
        self.response_urls: dict[str, float] = {}  # id -> minted at
        self._calls: list[Call] = []
        self._responses: list[ResponsePost] = []
        self._queued: dict[str, deque[Injected]] = defaultdict(deque)
        self._chaos: tuple[float, random.Random] | None = None
        self._windows: dict[tuple[str, str], _RateWindow] = {}
        self.delivered: Counter[str] = Counter()  # idempotency marker -> accepted deliveries
        # team id -> calls refused for going over `rate` (not the chaos' or queued 429s): a sender's pacing shows here
        self.over_rate: Counter[str] = Counter()
        self._ts = itertools.count(1)
        self._ids = itertools.count(1)
        self._runner: web.AppRunner | None = None
        self._socket_outbox: asyncio.Queue[dict[str, Any]] = asyncio.Queue()
        self._socket_acks: dict[str, asyncio.Future[dict[str, Any]]] = {}
        self._socket_ready = asyncio.Event()
        self.default = self.add_workspace("T0ACME", name="Acme")

    # ------------------------------------------------------------------------------------------- set-up

    @property
    def bot_token(self) -> str:
        return self.default.bot_token

    @property
    def base(self) -> str:
        return f"http://{self.host}:{self.port}"

    @property
    def url(self) -> str:
        """The Web API base URL, as AsyncWebClient(base_url=...) and SLACK_API_URL take it (with its slash)."""
        return f"{self.base}/api/"

    def add_workspace(self, team_id: str, *, name: str | None = None, token: str | None = None) -> Workspace:
        workspace = Workspace(team_id, name or team_id, token or f"xoxb-fake-{team_id}")
        self.workspaces[team_id] = workspace
        self.tokens[workspace.bot_token] = team_id
        bot = SlackUser(workspace.bot_user_id, "okrbot", "OKR bot", is_bot=True)
        workspace.users[bot.id] = bot
        return workspace

    def add_user(self, user: SlackUser, *, team_id: str | None = None) -> SlackUser:
        self.workspaces[team_id or self.default.team_id].users[user.id] = user
        return user

    def oauth_code(self, team_id: str, *, installer: str = "U0MAYA") -> str:
        """A one-time code that oauth.v2.access exchanges for `team_id`'s bot token (made if new)."""
        if team_id not in self.workspaces:
            self.add_workspace(team_id)
        code = f"code-{uuid.uuid4().hex[:12]}"
        self.oauth_codes[code] = (team_id, installer)
        return code

    def revoke(self, token: str) -> None:
        """Calls with `token` now answer token_revoked (after an uninstall)."""
        self.revoked.add(token)

    def refuse_channel(self, channel: str, error: str = "channel_not_found") -> None:
        self.channel_errors[channel] = error

    def fail_next(
        self,
        method: str,
        count: int = 1,
        *,
        status: int | None = 429,
        error: str | None = None,
        retry_after: int | None = 1,
        delay: float = 0.0,
    ) -> None:
        """The next `count` calls to `method` ("response_url" for response_url posts) answer this way.

        status=429 answers `ratelimited` with Retry-After; 500/503 an internal error; error="..." with
        status 200 an `ok: false` answer (expired_trigger_id, channel_not_found...)."""
        for _ in range(count):
            self._queued[method].append(Injected(status, error, retry_after, delay))

    def chaos(self, failure_rate: float = 0.05, *, seed: int = 0) -> None:
        """From now on, each API call fails with `failure_rate`: half 429 + Retry-After: 1, half 500."""
        self._chaos = (failure_rate, random.Random(seed)) if failure_rate > 0 else None

    def mint_response_url(self) -> str:
        """A response_url like Slack puts in a slash command or an interaction, pointing at this fake."""
        hook = uuid.uuid4().hex
        self.response_urls[hook] = self.clock()
        return f"{self.base}/response/{hook}"

    # ----------------------------------------------------------------------------------------- assertions

    def calls(self, method: str | None = None, *, ok: bool | None = None) -> list[Call]:
        return [
            c for c in self._calls if (method is None or c.method == method) and (ok is None or c.ok is ok)
        ]

    def responses(self, url: str | None = None) -> list[ResponsePost]:
        hook = url.rsplit("/", 1)[-1] if url else None
        return [r for r in self._responses if hook is None or r.id == hook]

    def duplicates(self) -> dict[str, int]:
        """Idempotency markers delivered more than once, with how many times."""
        return {marker: n for marker, n in self.delivered.items() if n > 1}

    def stats(self) -> dict[str, Any]:
        errors = Counter(c.error for c in self._calls if not c.ok)
        return {
            "calls": len(self._calls),
            "by_method": dict(Counter(c.method for c in self._calls)),
            "ok": sum(1 for c in self._calls if c.ok),
            "errors": dict(errors),
            "rate_limited": sum(1 for c in self._calls if c.status == 429),
            "over_rate": sum(self.over_rate.values()),
            "delivered": len(self.delivered),
            "duplicates": sum(n - 1 for n in self.delivered.values()),
            "response_posts": len(self._responses),
        }

    def reset(self) -> None:
        """Forget calls, deliveries, queued failures and rate windows (workspaces and users stay)."""
        self._calls.clear()
        self._responses.clear()
        self._queued.clear()
        self._windows.clear()
        self.delivered.clear()
        self.over_rate.clear()
        self.messages.clear()
        self._chaos = None

    # ---------------------------------------------------------------------------------------- lifecycle

    def app(self) -> web.Application:
        app = web.Application()
        app.router.add_route("*", "/api/{method}", self._api)
        app.router.add_post("/response/{hook}", self._response_url)
        app.router.add_get("/link/", self._socket_link)
        app.router.add_get("/_fake/stats", self._control_stats)
        app.router.add_get("/_fake/calls", self._control_calls)
        app.router.add_get("/_fake/delivered", self._control_delivered)
        app.router.add_post("/_fake/reset", self._control_reset)
        app.router.add_post("/_fake/fail", self._control_fail)
        app.router.add_post("/_fake/response_url", self._control_response_url)
        return app

    async def start(self) -> None:
        self._runner = web.AppRunner(self.app(), access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, self.host, self.port)
        await site.start()
        self.port = self._runner.addresses[0][1]

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def __aenter__(self) -> FakeSlackApi:
        await self.start()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.stop()

    # ------------------------------------------------------------------------------------ the Web API

    async def _api(self, request: web.Request) -> web.Response:
        method = request.match_info["method"]
        args: dict[str, Any] = {}
        token: str | None = None
        status, headers = 200, {}
        try:
            args, token, basic = await self._read(request)
            body = await self._answer(method, args, token, basic)
        except _Refusal as refusal:
            status, headers, body = refusal.status, refusal.headers, refusal.body
        self._calls.append(Call(method, args, token, self.clock(), status, body))
        return web.json_response(body, status=status, headers=headers)

    async def _read(self, request: web.Request) -> tuple[dict[str, Any], str | None, tuple[str, str] | None]:
        """Arguments from the query, a form body or a JSON body; the token from the header or a `token` field."""
        args: dict[str, Any] = dict(request.query)
        if request.method == "POST" and request.can_read_body:
            if request.content_type == "application/json":
                try:
                    data = json.loads(await request.text() or "{}")
                except ValueError:
                    raise _Refusal("invalid_json") from None
                if not isinstance(data, dict):
                    raise _Refusal("json_not_object")
                args.update(data)
            else:
                args.update(
                    {key: value for key, value in (await request.post()).items() if isinstance(value, str)}
                )
        token = args.pop("token", None)
        basic = None
        authorization = request.headers.get("Authorization", "")
        if authorization.startswith("Bearer "):
            token = authorization.removeprefix("Bearer ").strip() or token
        elif authorization.startswith("Basic "):
            try:
                pair = base64.b64decode(authorization.removeprefix("Basic ")).decode()
            except ValueError:
                raise _Refusal("invalid_auth") from None
            client_id, _, secret = pair.partition(":")
            basic = (client_id, secret)
        for name in JSON_ARGUMENTS:
            if isinstance(args.get(name), str):
                try:
                    args[name] = json.loads(args[name])
                except ValueError:
                    raise (
                        _Refusal("invalid_blocks_format")
                        if name == "blocks"
                        else _invalid_arguments(f"{name}: not JSON")
                    ) from None
        return args, token if isinstance(token, str) else None, basic

    async def _answer(
        self, method: str, args: dict[str, Any], token: str | None, basic: tuple[str, str] | None
    ) -> dict[str, Any]:
        spec = self.methods.get(method)
        if spec is None:
            raise _Refusal("unknown_method", req_method=method)
        await self._injected(method)
        workspace = self._authenticate(spec, token)
        missing = [name for name in spec.required if args.get(name) in (None, "")]
        if method == "oauth.v2.access" and args.get("grant_type") == "refresh_token":
            missing = [name for name in missing if name != "code"]
        if missing:
            raise _invalid_arguments(*(f"missing required field: {name}" for name in missing))
        if workspace is not None and method in self.rate_methods and self.rate is not None:
            self._admit(workspace.team_id, method)
        handler = getattr(self, "_" + method.replace(".", "_"))
        body: dict[str, Any] = handler(args, workspace, basic)
        assert all(name in body for name in spec.success_required), (method, body)  # the fake's own bug
        return body

    async def _injected(self, method: str) -> None:
        queued = self._queued.get(method)
        injected = queued.popleft() if queued else None
        if injected is None and self._chaos is not None:
            rate, rng = self._chaos
            if rng.random() < rate:
                injected = Injected(429) if rng.random() < 0.5 else Injected(500, retry_after=None)
        if injected is None:
            return
        if injected.delay:
            await asyncio.sleep(injected.delay)
        if injected.status is None:
            return
        if injected.status == 429:
            headers = {"Retry-After": str(1 if injected.retry_after is None else injected.retry_after)}
            raise _Refusal(injected.error or "ratelimited", 429, headers)
        if injected.status >= 500:
            raise _Refusal(injected.error or "internal_error", injected.status)
        raise _Refusal(injected.error or "fatal_error", injected.status)

    def _authenticate(self, spec: MethodSpec, token: str | None) -> Workspace | None:
        if spec.token == "none":
            return None
        if not token:
            raise _Refusal("not_authed")
        if token in self.revoked:
            raise _Refusal("token_revoked")
        if spec.token == "app":
            if token.startswith("xox"):
                raise _Refusal("not_allowed_token_type")
            if token != self.app_token:
                raise _Refusal("invalid_auth")
            return None
        if token.startswith("xapp-"):
            raise _Refusal("not_allowed_token_type")
        team_id = self.tokens.get(token)
        if team_id is None and self.accept_any_token and token.startswith("xoxb-"):
            team_id = self.add_workspace(f"T{len(self.workspaces):08d}", token=token).team_id
        if team_id is None:
            raise _Refusal("invalid_auth")
        return self.workspaces[team_id]

    def _admit(self, team_id: str, method: str) -> None:
        assert self.rate is not None
        window = self._windows.setdefault((team_id, method), _RateWindow(self.rate))
        wait = window.admit(self.clock())
        if wait is not None:
            self.over_rate[team_id] += 1
            raise _Refusal("ratelimited", 429, {"Retry-After": str(max(1, math.ceil(wait)))})

    # ------------------------------------------------------------------------------------ the methods

    def _next_ts(self) -> str:
        return f"{int(time.time())}.{next(self._ts):06d}"

    def _next_id(self, prefix: str) -> str:
        return f"{prefix}{next(self._ids):08X}"

    def _channel(self, args: Mapping[str, Any]) -> str:
        channel = str(args["channel"])
        if channel in self.channel_errors:
            raise _Refusal(self.channel_errors[channel])
        # A user id as the channel posts to the DM with that user, as Slack does.
        return "D" + channel[1:] if channel[:1] in ("U", "W") else channel

    def _message_content(self, args: Mapping[str, Any]) -> dict[str, Any]:
        text, blocks = args.get("text"), args.get("blocks")
        if not text and not blocks and not args.get("attachments"):
            raise _Refusal("no_text")
        if text is not None and len(str(text)) > MESSAGE_TEXT_MAX:
            raise _Refusal("msg_too_long")
        content: dict[str, Any] = {"text": str(text or "")}
        if blocks is not None:
            problem = _blocks_problem(blocks, MESSAGE_BLOCKS_MAX)
            if problem:
                raise _Refusal("invalid_blocks", response_metadata={"messages": [f"[ERROR] {problem}"]})
            content["blocks"] = blocks
        if isinstance(args.get("metadata"), dict):
            content["metadata"] = args["metadata"]
        return content

    def _deliver(self, channel: str, args: Mapping[str, Any]) -> None:
        metadata = args.get("metadata")
        marker = json.dumps(metadata, sort_keys=True) if metadata else f"{channel}|{args.get('text', '')}"
        self.delivered[marker] += 1

    def _chat_postMessage(self, args: dict[str, Any], ws: Workspace, _: object) -> dict[str, Any]:
        channel, content = self._channel(args), self._message_content(args)
        ts = self._next_ts()
        message = {"type": "message", "subtype": "bot_message", "user": ws.bot_user_id, "bot_id": ws.bot_id,
                   "team": ws.team_id, "ts": ts, **content}  # fmt: skip
        if args.get("thread_ts"):
            message["thread_ts"] = args["thread_ts"]
        self.messages[(channel, ts)] = message
        self._deliver(channel, args)
        return {"ok": True, "channel": channel, "ts": ts, "message": message}

    def _chat_postEphemeral(self, args: dict[str, Any], ws: Workspace, _: object) -> dict[str, Any]:
        channel = self._channel(args)
        self._message_content(args)
        self._deliver(f"{channel}/{args['user']}", args)
        return {"ok": True, "message_ts": self._next_ts()}

    def _chat_update(self, args: dict[str, Any], ws: Workspace, _: object) -> dict[str, Any]:
        channel, ts = self._channel(args), str(args["ts"])
        if (channel, ts) not in self.messages:
            raise _Refusal("message_not_found")
        content = self._message_content(args)
        message = {**self.messages[(channel, ts)], **content, "edited": {"user": ws.bot_user_id, "ts": ts}}
        self.messages[(channel, ts)] = message
        return {"ok": True, "channel": channel, "ts": ts, "text": content["text"], "message": message}

    def _stored_view(
        self, view: Any, ws: Workspace, *, kind: str, view_id: str | None = None
    ) -> dict[str, Any]:
        problem = _view_problem(view, kind)
        if problem:
            raise _invalid_arguments(problem)
        view_id = view_id or self._next_id("V")
        stored = {**view, "id": view_id, "team_id": ws.team_id, "state": {"values": {}},
                  "hash": f"{int(time.time())}.{uuid.uuid4().hex[:8]}", "root_view_id": view_id,
                  "previous_view_id": None, "app_id": "A0OKRBOT", "bot_id": ws.bot_id}  # fmt: skip
        self.views[view_id] = stored
        return stored

    def _views_open(self, args: dict[str, Any], ws: Workspace, _: object) -> dict[str, Any]:
        return {"ok": True, "view": self._stored_view(args["view"], ws, kind="modal")}

    def _views_publish(self, args: dict[str, Any], ws: Workspace, _: object) -> dict[str, Any]:
        return {"ok": True, "view": self._stored_view(args["view"], ws, kind="home")}

    def _views_update(self, args: dict[str, Any], ws: Workspace, _: object) -> dict[str, Any]:
        if not args.get("view"):
            raise _invalid_arguments("missing required field: view")
        view_id = args.get("view_id") or next(
            (
                i
                for i, v in self.views.items()
                if args.get("external_id") and v.get("external_id") == args["external_id"]
            ),
            None,
        )
        if not args.get("view_id") and not args.get("external_id"):
            raise _invalid_arguments("missing required field: view_id or external_id")
        if view_id not in self.views:
            raise _Refusal("not_found")
        if args.get("hash") and args["hash"] != self.views[view_id]["hash"]:
            raise _Refusal("hash_conflict")
        kind = str(self.views[view_id].get("type", "modal"))
        return {"ok": True, "view": self._stored_view(args["view"], ws, kind=kind, view_id=view_id)}

    def _users_info(self, args: dict[str, Any], ws: Workspace, _: object) -> dict[str, Any]:
        user_id = str(args.get("user") or "")
        user = ws.users.get(user_id)
        if user is None and self.invent_users and user_id[:1] in ("U", "W"):
            user = self.add_user(SlackUser(user_id, user_id.lower(), f"Person {user_id}"), team_id=ws.team_id)
        if user is None:
            raise _Refusal("user_not_found")
        return {"ok": True, "user": user.wire(ws.team_id)}

    def _conversations_open(self, args: dict[str, Any], ws: Workspace, _: object) -> dict[str, Any]:
        if args.get("channel"):
            return {"ok": True, "channel": {"id": self._channel(args)}, "no_op": True, "already_open": True}
        users = [u.strip() for u in str(args.get("users") or "").split(",") if u.strip()]
        if not users:
            raise _Refusal("users_list_not_supplied")
        if len(users) > 8:
            raise _Refusal("too_many_users")
        dm = "D" + users[0][1:] if len(users) == 1 else "G" + "".join(u[-3:] for u in users)
        return {"ok": True, "channel": {"id": dm}}

    def _auth_test(self, args: dict[str, Any], ws: Workspace, _: object) -> dict[str, Any]:
        return {"ok": True, "url": f"https://{ws.team_id.lower()}.slack.com/", "team": ws.name, "user": "okrbot",
                "team_id": ws.team_id, "user_id": ws.bot_user_id, "bot_id": ws.bot_id,
                "is_enterprise_install": False}  # fmt: skip

    def _oauth_v2_access(
        self, args: dict[str, Any], _: object, basic: tuple[str, str] | None
    ) -> dict[str, Any]:
        client_id, secret = basic or (args.get("client_id"), args.get("client_secret"))
        if client_id != self.client_id:
            raise _Refusal("invalid_client_id")
        if secret != self.client_secret:
            raise _Refusal("bad_client_secret")
        if args.get("grant_type") == "refresh_token":
            team_id = self.refresh_tokens.pop(str(args.get("refresh_token")), None)
            if team_id is None:
                raise _Refusal("invalid_refresh_token")
            ws = self.workspaces[team_id]
            ws.bot_token = f"xoxe.xoxb-1-{uuid.uuid4().hex[:16]}"
            self.tokens[ws.bot_token] = team_id
            installer = None
        else:
            found = self.oauth_codes.pop(str(args["code"]), None)
            if found is None:
                raise _Refusal("invalid_code")
            team_id, installer = found
            ws = self.workspaces[team_id]
        answer: dict[str, Any] = {
            "ok": True,
            "app_id": "A0OKRBOT",
            "access_token": ws.bot_token,
            "token_type": "bot",
            "scope": "commands,chat:write,im:write,users:read",
            "bot_user_id": ws.bot_user_id,
            "team": {"id": ws.team_id, "name": ws.name},
            "enterprise": None,
            "is_enterprise_install": False,
        }
        if installer is not None:
            answer["authed_user"] = {"id": installer}
        if self.rotating:
            refresh = f"xoxe-1-{uuid.uuid4().hex[:16]}"
            self.refresh_tokens[refresh] = ws.team_id
            answer.update(refresh_token=refresh, expires_in=43_200)
        return answer

    def _apps_connections_open(self, args: dict[str, Any], _: object, __: object) -> dict[str, Any]:
        return {
            "ok": True,
            "url": f"ws://{self.host}:{self.port}/link/?ticket={uuid.uuid4()}&app_id=A0OKRBOT",
        }

    # ------------------------------------------------------------------------------------ Socket Mode

    async def socket_send(self, kind: str, payload: dict[str, Any]) -> dict[str, Any]:
        """Deliver one Socket Mode envelope ("slash_commands", "interactive", "events_api") to the connected
        app and wait for its ack, which is returned (with the ack's `payload`, the command's answer)."""
        envelope_id = f"env-{next(self._ids)}"
        acked: asyncio.Future[dict[str, Any]] = asyncio.get_running_loop().create_future()
        self._socket_acks[envelope_id] = acked
        envelope = {"envelope_id": envelope_id, "type": kind, "payload": payload,
                    "accepts_response_payload": kind != "events_api", "retry_attempt": 0, "retry_reason": ""}  # fmt: skip
        await self._socket_outbox.put(envelope)
        return await asyncio.wait_for(acked, timeout=10)

    async def socket_connected(self) -> None:
        await asyncio.wait_for(self._socket_ready.wait(), timeout=10)

    async def _socket_link(self, request: web.Request) -> web.StreamResponse:
        ws = web.WebSocketResponse()
        await ws.prepare(request)
        await ws.send_json({"type": "hello", "num_connections": 1, "debug_info": {"host": "fake"},
                            "connection_info": {"app_id": "A0OKRBOT"}})  # fmt: skip
        self._socket_ready.set()

        async def deliver() -> None:
            while True:
                await ws.send_json(await self._socket_outbox.get())

        sender = asyncio.ensure_future(deliver())
        try:
            async for message in ws:
                if message.type != web.WSMsgType.TEXT:
                    continue
                ack = json.loads(message.data)
                waiting = self._socket_acks.pop(str(ack.get("envelope_id")), None)
                if waiting is not None and not waiting.done():
                    waiting.set_result(ack)
        finally:
            sender.cancel()
            self._socket_ready.clear()
        return ws

    # ---------------------------------------------------------------------------------- response_url

    async def _response_url(self, request: web.Request) -> web.Response:
        """A post to a response_url: recorded; refused when unknown, expired, used up, or not JSON."""
        hook = request.match_info["hook"]
        answer: dict[str, Any]
        try:
            body = json.loads(await request.text())
        except ValueError:
            body = None
        status, answer = 200, {"ok": True}
        minted = self.response_urls.get(hook)
        uses = sum(1 for r in self._responses if r.id == hook and r.status == 200)
        queued = self._queued.get("response_url")
        injected = queued.popleft() if queued else None
        if injected is not None and injected.delay:
            await asyncio.sleep(injected.delay)
        if injected is not None and injected.status is not None:
            status, answer = injected.status, {"ok": False, "error": injected.error or "internal_error"}
        elif minted is None:
            status, answer = 404, {"ok": False, "error": "no_service"}
        elif self.clock() - minted > RESPONSE_URL_LIFETIME:
            status, answer = 404, {"ok": False, "error": "expired_url"}
        elif uses >= RESPONSE_URL_USES:
            status, answer = 404, {"ok": False, "error": "used_url"}
        elif not isinstance(body, dict):
            status, answer = 400, {"ok": False, "error": "invalid_payload"}
        self._responses.append(
            ResponsePost(hook, body if isinstance(body, dict) else {}, self.clock(), status)
        )
        if status == 200 and isinstance(body, dict):
            self._deliver(f"response/{hook}", body)
        return web.json_response(answer, status=status)

    # ------------------------------------------------------------------ control, for another process

    async def _control_stats(self, request: web.Request) -> web.Response:
        return web.json_response({**self.stats(), "duplicate_markers": self.duplicates()})

    async def _control_calls(self, request: web.Request) -> web.Response:
        calls = self.calls(request.query.get("method"))
        return web.json_response([asdict(c) | {"ok": c.ok} for c in calls])

    async def _control_delivered(self, request: web.Request) -> web.Response:
        """Every idempotency marker delivered, with how many times: for a bench to count losses."""
        return web.json_response(dict(self.delivered))

    async def _control_reset(self, request: web.Request) -> web.Response:
        self.reset()
        return web.json_response({"ok": True})

    async def _control_fail(self, request: web.Request) -> web.Response:
        try:
            spec = await request.json()
            self.fail_next(
                str(spec["method"]),
                int(spec.get("count", 1)),
                status=spec.get("status", 429),
                error=spec.get("error"),
                retry_after=spec.get("retry_after", 1),
                delay=float(spec.get("delay", 0)),
            )
        except (ValueError, KeyError, TypeError) as problem:
            return web.json_response({"ok": False, "error": f"bad failure spec: {problem}"}, status=400)
        return web.json_response({"ok": True})

    async def _control_response_url(self, request: web.Request) -> web.Response:
        return web.json_response({"ok": True, "url": self.mint_response_url()})


def _blocks_problem(blocks: Any, limit: int) -> str | None:
    """What Slack would refuse in a list of blocks (the shape and the limits the bot must keep), or None."""
    if not isinstance(blocks, list) or not all(
        isinstance(b, dict) and isinstance(b.get("type"), str) for b in blocks
    ):
        return "blocks must be a list of objects with a type"
    if len(blocks) > limit:
        return f"no more than {limit} items allowed [json-pointer:/blocks]"
    for index, block in enumerate(blocks):
        text = block.get("text")
        length = len(text.get("text", "")) if isinstance(text, dict) else 0
        if block["type"] == "section" and length > 3000:
            return f"must be less than 3001 characters [json-pointer:/blocks/{index}/text/text]"
        if block["type"] == "header" and length > 150:
            return f"must be less than 151 characters [json-pointer:/blocks/{index}/text/text]"
    return None


def _view_problem(view: Any, kind: str) -> str | None:
    if not isinstance(view, dict):
        return "view must be an object"
    if view.get("type") != kind:
        return f"view.type must be {kind}"
    problem = _blocks_problem(view.get("blocks"), VIEW_BLOCKS_MAX)
    if problem:
        return problem.replace("/blocks", "/view/blocks")
    if kind == "modal":
        title = view.get("title")
        text = title.get("text") if isinstance(title, dict) else None
        if not isinstance(text, str) or not 1 <= len(text) <= MODAL_TITLE_MAX:
            return f"view.title must be 1 to {MODAL_TITLE_MAX} characters"
    return None


async def _serve(args: argparse.Namespace) -> None:
    fake = FakeSlackApi(
        rate=args.rate, accept_any_token=True, invent_users=True, host=args.host, port=args.port
    )
    if args.failure_rate:
        fake.chaos(args.failure_rate, seed=args.seed)
    await fake.start()
    print(f"fake Slack Web API on {fake.url} (bot token {fake.bot_token})", flush=True)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, stop.set)
    await stop.wait()
    await fake.stop()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="A fake Slack Web API for benches (control under /_fake/).")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=0, help="0 picks a free port (printed)")
    parser.add_argument("--rate", type=float, default=None, help="posts per second per workspace and method")
    parser.add_argument("--failure-rate", type=float, default=0.0, help="share of calls answered 429/500")
    parser.add_argument("--seed", type=int, default=0)
    asyncio.run(_serve(parser.parse_args(argv)))


if __name__ == "__main__":
    main()
