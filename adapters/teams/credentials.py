"""Outbound app credentials that keep their token across turns, fetched off the event loop.

The SDK's credential factories build a new `MicrosoftAppCredentials` (and so a new MSAL app with an empty
token cache) for every turn and every proactive message, and MSAL fetches tokens with `requests`,
synchronously, from inside the connector's request signing: one blocking round trip to Microsoft's login
service per reply. We keep one credentials object per (app id, scope, login endpoint), so MSAL's in-memory
cache serves every later request, and fetch the first token, and each renewal before expiry, in a worker
thread.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from typing import Any

from botframework.connector.auth import ServiceClientCredentialsFactory

log = logging.getLogger(__name__)

RENEW_EVERY = 4 * 60.0  # seconds; MSAL renews a client token within 5 minutes of its expiry


class ReusedCredentialsFactory(ServiceClientCredentialsFactory):  # type: ignore[misc]  # untyped SDK
    def __init__(self, inner: ServiceClientCredentialsFactory) -> None:
        self.inner = inner
        self.credentials: dict[tuple[str, str, str], Any] = {}
        self._task: asyncio.Task[None] | None = None

    async def is_valid_app_id(self, app_id: str) -> bool:
        return bool(await self.inner.is_valid_app_id(app_id))

    async def is_authentication_disabled(self) -> bool:
        return bool(await self.inner.is_authentication_disabled())

    async def create_credentials(
        self, app_id: str, oauth_scope: str, login_endpoint: str, validate_authority: bool
    ) -> Any:
        key = (app_id or "", oauth_scope or "", login_endpoint or "")
        found = self.credentials.get(key)
        if found is None:
            found = await self.inner.create_credentials(
                app_id, oauth_scope, login_endpoint, validate_authority
            )
            self.credentials[key] = found
            if not await self.is_authentication_disabled():
                await _fetch_token(found)
        return found

    async def _keep_renewed(self) -> None:
        while True:
            await asyncio.sleep(RENEW_EVERY)
            for credentials in list(self.credentials.values()):
                await _fetch_token(credentials)

    def start(self) -> None:
        self._task = asyncio.create_task(self._keep_renewed(), name="teams-app-token")

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task


async def _fetch_token(credentials: Any) -> None:
    """Ask MSAL for a token in a worker thread: a cache hit when fresh, a network fetch when not."""
    get_token = getattr(credentials, "get_access_token", None)
    if get_token is None:
        return
    try:
        await asyncio.to_thread(get_token)
    except Exception as error:  # the request that needs it will try again, and report its own failure
        log.warning("could not get a Bot Framework token for %s: %s", type(credentials).__name__, error)
