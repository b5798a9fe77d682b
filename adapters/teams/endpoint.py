"""`POST /api/messages`: authenticate the Bot Framework's request, run the turn, answer.

We authenticate before handing the activity to the adapter (instead of `CloudAdapter.process`), because the
SDK turns only PermissionError into 401: an unknown signing key (IndexError), a channel the key does not
endorse, or a malformed token raise other exceptions, which would be 500s. Every failure here is a 401.
"""

from __future__ import annotations

import logging
from typing import Any

from aiohttp import web
from botbuilder.core import TurnContext
from botbuilder.integration.aiohttp import CloudAdapter
from botbuilder.schema import Activity
from botframework.connector.auth import AuthenticateRequestResult, BotFrameworkAuthentication

from adapters.teams.routes import TeamsRoutes
from adapters.teams.signing_keys import SigningKeys

log = logging.getLogger(__name__)


class MessagesEndpoint:
    def __init__(
        self,
        adapter: CloudAdapter,
        authentication: BotFrameworkAuthentication,
        routes: TeamsRoutes,
        *,
        keys: SigningKeys | None,  # None: unauthenticated local mode
    ) -> None:
        self.adapter = adapter
        self.authentication = authentication
        self.routes = routes
        self.keys = keys

    async def handle(self, request: web.Request) -> web.StreamResponse:
        activity = await _activity(request)
        if activity is None:
            return web.json_response({"error": "expected a Bot Framework activity as JSON"}, status=400)
        authenticated = await self._authenticate(request, activity)
        if authenticated is None:
            return web.json_response({"error": "unauthorized"}, status=401)
        invoke = await self.adapter.process_activity(authenticated, activity, self.routes.on_turn)
        if invoke is not None:
            return web.json_response(_plain(invoke.body), status=invoke.status or 200)
        return web.Response(status=200)

    async def _authenticate(
        self, request: web.Request, activity: Activity
    ) -> AuthenticateRequestResult | None:
        if self.keys is None:
            return await self.authentication.authenticate_request(activity, None)
        header = request.headers.get("Authorization", "")
        if not header:
            log.info("Teams request without an Authorization header: 401")
            return None
        try:
            await self.keys.before_validating(header)
            return await self.authentication.authenticate_request(activity, header)
        except Exception as error:  # every way a token can be bad; see the module docstring
            log.info("Teams request refused: %s: %s", type(error).__name__, error)
            return None


async def _activity(request: web.Request) -> Activity | None:
    if request.content_type != "application/json":
        return None
    try:
        body = await request.json()
    except (ValueError, RecursionError):  # not JSON, or nested deeper than Python's parser goes
        return None
    if not isinstance(body, dict):
        return None
    try:
        activity = Activity().deserialize(body)
    # msrest's DeserializationError is a ValueError; it walks the body recursively, so depth can exhaust it too.
    except (ValueError, TypeError, AttributeError, KeyError, RecursionError):
        return None
    if not isinstance(activity.type, str) or not activity.type:
        return None
    if activity.conversation is None or not isinstance(activity.service_url, str) or not activity.service_url:
        return None
    return activity


def _plain(body: Any) -> Any:
    serialize = getattr(body, "serialize", None)
    return serialize() if callable(serialize) else body


async def log_turn_error(context: TurnContext, error: Exception) -> None:
    """A turn failed after authentication (a bug, or the connector down): log it, answer 200, move on."""
    log.exception("Teams turn failed on a %s activity", context.activity.type, exc_info=error)
