"""A fake Bot Framework connector (the Teams service behind `serviceUrl`) on loopback, recording what it got.

It answers the REST calls the adapter makes: send and reply to activities, update them, open a 1:1
conversation, and the paged roster. Tests can queue failures (status + headers) for the next calls.
"""

from __future__ import annotations

import itertools
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import unquote

from aiohttp import web
from aiohttp.test_utils import TestServer


@dataclass
class Call:
    method: str
    path: str
    conversation_id: str
    activity_id: str | None
    body: Any
    authorization: str | None


@dataclass
class FakeConnector:
    server: TestServer | None = None
    calls: list[Call] = field(default_factory=list)
    roster: list[dict[str, Any]] = field(default_factory=list)
    roster_page_size: int = 2
    failures: list[tuple[int, dict[str, str]]] = field(default_factory=list)
    _ids: itertools.count[int] = field(default_factory=lambda: itertools.count(1))

    @property
    def url(self) -> str:
        assert self.server is not None
        return str(self.server.make_url("/"))

    def sent(self) -> list[Call]:
        """Activities the bot posted (new messages and replies), in order."""
        return [c for c in self.calls if c.method == "POST" and "/activities" in c.path]

    def updated(self) -> list[Call]:
        return [c for c in self.calls if c.method == "PUT"]

    def cards(self) -> list[dict[str, Any]]:
        """Every Adaptive Card the bot sent or updated, in order."""
        found = []
        for call in self.calls:
            if call.method in ("POST", "PUT") and isinstance(call.body, dict):
                for attachment in call.body.get("attachments") or []:
                    if attachment.get("contentType") == "application/vnd.microsoft.card.adaptive":
                        found.append(attachment["content"])
        return found

    def _failure(self) -> web.Response | None:
        if not self.failures:
            return None
        status, headers = self.failures.pop(0)
        body = {"error": {"code": "Throttled", "message": "try later"}}
        return web.json_response(body, status=status, headers=headers)

    async def _record(self, request: web.Request) -> Call:
        body = await request.json() if request.can_read_body else None
        call = Call(
            request.method,
            request.path,
            _raw_segment(request, 3),
            request.match_info.get("activity_id"),
            body,
            request.headers.get("Authorization"),
        )
        self.calls.append(call)
        return call

    async def send(self, request: web.Request) -> web.Response:
        await self._record(request)
        if (failure := self._failure()) is not None:
            return failure
        return web.json_response({"id": f"activity-{next(self._ids)}"}, status=201)

    async def update(self, request: web.Request) -> web.Response:
        call = await self._record(request)
        if (failure := self._failure()) is not None:
            return failure
        return web.json_response({"id": call.activity_id}, status=200)

    async def create_conversation(self, request: web.Request) -> web.Response:
        await self._record(request)
        if (failure := self._failure()) is not None:
            return failure
        number = next(self._ids)
        return web.json_response({"id": f"a:new-personal-{number}", "activityId": None}, status=201)

    async def paged_members(self, request: web.Request) -> web.Response:
        await self._record(request)
        start = int(request.query.get("continuationToken") or 0)
        size = min(int(request.query.get("pageSize") or 200), self.roster_page_size)
        page = self.roster[start : start + size]
        body: dict[str, Any] = {"members": page}
        if start + size < len(self.roster):
            body["continuationToken"] = str(start + size)
        return web.json_response(body)

    async def member(self, request: web.Request) -> web.Response:
        await self._record(request)
        wanted = unquote(request.raw_path.split("?")[0].split("/")[-1])
        for member in self.roster:
            if member["id"] == wanted:
                return web.json_response(member)
        return web.json_response({"error": {"code": "MemberNotFoundInConversation"}}, status=404)


def connector_app(fake: FakeConnector) -> web.Application:
    app = web.Application()
    app.router.add_post("/v3/conversations", fake.create_conversation)
    app.router.add_post("/v3/conversations/{conversation_id}/activities", fake.send)
    app.router.add_post("/v3/conversations/{conversation_id}/activities/{activity_id}", fake.send)
    app.router.add_put("/v3/conversations/{conversation_id}/activities/{activity_id}", fake.update)
    app.router.add_get("/v3/conversations/{conversation_id}/pagedmembers", fake.paged_members)
    app.router.add_get("/v3/conversations/{conversation_id}/members/{member_id}", fake.member)
    return app


async def start_connector() -> AsyncIterator[FakeConnector]:
    fake = FakeConnector()
    fake.server = TestServer(connector_app(fake), host="127.0.0.1")
    await fake.server.start_server()
    try:
        yield fake
    finally:
        await fake.server.close()


def _raw_segment(request: web.Request, index: int) -> str:
    """A path segment as sent, decoded: aiohttp's router would cut a Teams thread id at its `;messageid=`."""
    parts = request.raw_path.split("?")[0].split("/")
    return unquote(parts[index]) if len(parts) > index else ""
