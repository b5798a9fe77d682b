"""The request middleware: an id for every request, one log line when it ends, and its metrics.

The id is the caller's `X-Request-Id` when that is a sane short token (a load balancer's or a router's id, so
that their logs and ours join up), else a fresh one; it goes back in the response's `X-Request-Id` and onto
every log line written while the request is handled.

The log line names the route's pattern, never the URL: no query string (an OAuth code), no body, no token,
no message text.
"""

from __future__ import annotations

import asyncio
import logging
import re
import time
import uuid

from aiohttp import web
from aiohttp.typedefs import Handler, Middleware

from adapters.ops.logs import REQUEST_ID
from adapters.ops.metrics import Metrics

log = logging.getLogger("okrbot.http")

REQUEST_ID_HEADER = "X-Request-Id"
UNMATCHED_ROUTE = "unmatched"  # every URL that matches no route: one label, whatever clients try
NO_PLATFORM = "none"
# Health and metrics probes come every few seconds from machines: their lines are debug, not info.
PROBES = frozenset({"/healthz", "/readyz", "/metrics"})
# A client may send any token as a method; labels take these, and "other".
_METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})
_SANE_ID = re.compile(r"[A-Za-z0-9._:-]{1,64}")
CLIENT_CLOSED = 499  # nginx's status for a request whose client went away before the answer

# Which platform each route belongs to (its pattern -> "slack", "teams"); filled as the platforms mount.
ROUTE_PLATFORMS = web.AppKey("route_platforms", dict[str, str])


def request_id_for(request: web.Request) -> str:
    offered = request.headers.get(REQUEST_ID_HEADER, "")
    return offered if _SANE_ID.fullmatch(offered) else uuid.uuid4().hex


def route_of(request: web.Request) -> str:
    resource = request.match_info.route.resource
    return resource.canonical if resource is not None else UNMATCHED_ROUTE


def observing(metrics: Metrics | None) -> Middleware:
    """The middleware, counting into `metrics` when there are any."""

    @web.middleware
    async def observe(request: web.Request, handler: Handler) -> web.StreamResponse:
        request_id = request_id_for(request)
        token = REQUEST_ID.set(request_id)
        started = time.perf_counter()
        status = 500
        try:
            try:
                response = await handler(request)
            except web.HTTPException as error:  # 404s of the router, and handlers' own raised answers
                status = error.status
                error.headers[REQUEST_ID_HEADER] = request_id
                raise
            except asyncio.CancelledError:
                status = CLIENT_CLOSED
                raise
            except Exception:
                # Logged here, with the request id, rather than by aiohttp after the id is gone.
                log.exception("unhandled error in %s %s", request.method, route_of(request))
                response = web.Response(status=500, text="500 Internal Server Error")
            status = response.status
            if not response.prepared:  # a streamed response has sent its headers already
                response.headers[REQUEST_ID_HEADER] = request_id
            return response
        finally:
            seconds = time.perf_counter() - started
            _finished(request, metrics, status=status, seconds=seconds, request_id=request_id)
            REQUEST_ID.reset(token)

    return observe


def _finished(
    request: web.Request, metrics: Metrics | None, *, status: int, seconds: float, request_id: str
) -> None:
    route = route_of(request)
    method = request.method if request.method in _METHODS else "other"
    platform = request.app.get(ROUTE_PLATFORMS, {}).get(route, NO_PLATFORM)
    if metrics is not None:
        metrics.request_finished(
            route=route, method=method, status=status, platform=platform, seconds=seconds
        )
    duration_ms = round(seconds * 1000, 1)
    log.log(
        logging.DEBUG if route in PROBES else logging.INFO,
        "%s %s %d %.1fms",
        method,
        route,
        status,
        duration_ms,
        extra={
            "method": method,
            "route": route,
            "status": status,
            "duration_ms": duration_ms,
            "platform": platform,
        },
    )
