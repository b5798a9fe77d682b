"""The one aiohttp server `okrbot serve` runs: probes and metrics, then each configured platform's routes.

    GET /healthz   the process is up (200, always)
    GET /readyz    200 when the database answers at the schema this code expects; 503 with a reason otherwise,
                   and from the moment the server begins shutting down (adapters/ops/readiness.py)
    GET /metrics   Prometheus metrics (adapters/ops/metrics.py)

Every request gets an id, one log line and its metrics (adapters/ops/requests.py).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence

from aiohttp import web

from adapters.ops.metrics import Metrics
from adapters.ops.readiness import Readiness
from adapters.ops.requests import ROUTE_PLATFORMS, observing
from bot.domain.enums import Platform

# A platform adapter joins the server by adding its routes (and start-up/clean-up hooks) to the app.
Mount = Callable[[web.Application], Awaitable[None]]


async def healthz(request: web.Request) -> web.Response:
    """The process is up and serving. Says nothing about the database (that is /readyz's job)."""
    return web.json_response({"ok": True})


def for_platform(platform: Platform, mount: Mount) -> Mount:
    """`mount`, with the routes it adds labelled as `platform`'s in request logs and metrics."""

    async def mounted(app: web.Application) -> None:
        before = len(app.router.resources())
        await mount(app)
        for resource in list(app.router.resources())[before:]:
            app[ROUTE_PLATFORMS][resource.canonical] = platform.value

    return mounted


async def build_app(
    mounts: Sequence[Mount] = (), *, readiness: Readiness | None = None, metrics: Metrics | None = None
) -> web.Application:
    app = web.Application(
        client_max_size=1024 * 1024,  # no platform sends more than a few kilobytes
        middlewares=[observing(metrics)],
    )
    app[ROUTE_PLATFORMS] = {}
    app.router.add_get("/healthz", healthz)
    if readiness is not None:
        app.router.add_get("/readyz", readiness.handle)
        # First of the shutdown hooks (the platforms' come after): stop being ready before draining anything.
        app.on_shutdown.append(readiness.on_shutdown)
    if metrics is not None:
        app.router.add_get("/metrics", metrics.handle)
    for mount in mounts:
        await mount(app)
    return app
