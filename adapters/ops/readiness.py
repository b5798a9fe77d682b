"""`GET /readyz`: whether this instance should get traffic: the database answers, its schema is the one this
code was written for, and the server is not shutting down.

One cheap query per probe (the Alembic revision), bounded by a short timeout, so that a hung database makes the
probe answer 503 quickly rather than hang; the revision the code expects is read once, at start-up.
"""

from __future__ import annotations

import asyncio
import logging

import sqlalchemy as sa
from aiohttp import web
from sqlalchemy.ext.asyncio import AsyncEngine

from storage import migrate

log = logging.getLogger(__name__)

READY_TIMEOUT = 1.0  # seconds; load balancers probe every few seconds and time out after a few more
_REVISION = sa.text("SELECT version_num FROM alembic_version")


class Readiness:
    def __init__(self, engine: AsyncEngine, *, timeout: float = READY_TIMEOUT) -> None:
        self.engine = engine
        self.timeout = timeout
        self.head = migrate.head_revision()
        self.known = migrate.known_revisions()
        self.draining = False
        self._last_problem: str | None = "not asked yet"  # so that the first answer is logged, ready or not

    def drain(self) -> None:
        """From now on answer 503, so that load balancers stop sending traffic here (shutdown has begun)."""
        self.draining = True

    async def on_shutdown(self, app: web.Application) -> None:
        self.drain()

    async def problem(self) -> str | None:
        """Why this instance is not ready, in one line; None when it is."""
        if self.draining:
            return "shutting down"
        try:
            async with asyncio.timeout(self.timeout):
                return await self._schema_problem()
        except TimeoutError:
            return f"the database did not answer within {self.timeout:g}s"

    async def _schema_problem(self) -> str | None:
        try:
            connection = await self.engine.connect()
        except Exception as error:
            log.debug("readyz: cannot connect", exc_info=error)
            return f"the database is unreachable ({type(error).__name__})"
        try:
            revisions = list((await connection.execute(_REVISION)).scalars())
        except Exception as error:  # no alembic_version table: a database never migrated
            log.debug("readyz: cannot read the schema revision", exc_info=error)
            return f'the database is not migrated: run "{migrate.UPGRADE_COMMAND}"'
        finally:
            await connection.close()
        current = revisions[0] if len(revisions) == 1 else None
        if current is not None and current not in self.known:
            # Newer code migrated it during a rolling deploy: this instance keeps serving until it is replaced
            # (migrations add before they take away, so the release before still works on the schema after).
            return None
        if current != self.head:
            return f"the database is at revision {current or 'none'}, this code expects {self.head}"
        return None

    async def handle(self, request: web.Request) -> web.Response:
        problem = await self.problem()
        if problem != self._last_problem:
            # Once per change, not per probe: a load balancer probes every few seconds.
            if problem is None:
                log.info("ready")
            else:
                log.warning("not ready: %s", problem)
            self._last_problem = problem
        if problem is None:
            return web.json_response({"ok": True})
        return web.json_response({"ok": False, "reason": problem}, status=503)
