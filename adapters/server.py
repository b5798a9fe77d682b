"""The one aiohttp server `okrbot serve` runs: health checks, then each configured platform's routes."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence

from aiohttp import web

# A platform adapter joins the server by adding its routes (and start-up/clean-up hooks) to the app.
Mount = Callable[[web.Application], Awaitable[None]]


async def healthz(request: web.Request) -> web.Response:
    """The process is up and serving. Says nothing about the database (that is /readyz's job)."""
    return web.json_response({"ok": True})


async def build_app(mounts: Sequence[Mount] = ()) -> web.Application:
    app = web.Application(client_max_size=1024 * 1024)  # no platform sends more than a few kilobytes
    app.router.add_get("/healthz", healthz)
    for mount in mounts:
        await mount(app)
    return app
