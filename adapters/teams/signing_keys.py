"""Keeps the Bot Framework signing keys fresh without blocking the event loop.

botframework-connector fetches the OpenID metadata and JWKS with `requests` (synchronously, inside an async
function) when its cached keys are older than a day, or older than an hour and a token names an unknown key.
We fill that same cache (`JwtTokenExtractor.metadataCache`, keyed by metadata URL) ourselves with aiohttp,
at start-up and then every half hour, so the SDK always finds keys fresh enough never to fetch on its own.
A token naming a key we do not know triggers one asynchronous refresh (at most every few minutes), for
Microsoft's key rollover.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from datetime import datetime
from typing import Any

import aiohttp
import jwt
from botframework.connector.auth.jwt_token_extractor import JwtTokenExtractor, _OpenIdMetadata

log = logging.getLogger(__name__)

REFRESH_EVERY = 30 * 60.0  # seconds; under the SDK's one-hour threshold
UNKNOWN_KEY_COOLDOWN = 5 * 60.0
FAILED_RETRY_AFTER = 30.0
TIMEOUT = aiohttp.ClientTimeout(total=10)


class SigningKeys:
    def __init__(
        self, metadata_urls: tuple[str, ...], *, unknown_key_cooldown: float = UNKNOWN_KEY_COOLDOWN
    ) -> None:
        self.urls = tuple(dict.fromkeys(metadata_urls))
        self.unknown_key_cooldown = unknown_key_cooldown
        self._refreshed_at: dict[str, float] = {}  # monotonic time of the last attempt
        self._lock = asyncio.Lock()
        self._task: asyncio.Task[None] | None = None
        for url in self.urls:
            self._entry(url)

    def _entry(self, url: str) -> _OpenIdMetadata:
        entry: _OpenIdMetadata = JwtTokenExtractor.get_open_id_metadata(url)
        if entry.last_updated == datetime.min:
            # Until our first fetch: an empty, "fresh" entry, so the SDK rejects tokens instead of fetching.
            entry.last_updated = _sdk_now()
        return entry

    def known(self, kid: str) -> bool:
        return any(key.get("kid") == kid for url in self.urls for key in self._entry(url).keys)

    async def refresh(self) -> None:
        async with self._lock, aiohttp.ClientSession(timeout=TIMEOUT) as http:
            for url in self.urls:
                self._refreshed_at[url] = time.monotonic()
                try:
                    keys = await _fetch_keys(http, url)
                except (aiohttp.ClientError, TimeoutError, ValueError, KeyError) as error:
                    log.warning("could not fetch Bot Framework signing keys from %s: %s", url, error)
                    continue
                entry = self._entry(url)
                entry.keys = keys
                entry.last_updated = _sdk_now()

    async def before_validating(self, auth_header: str) -> None:
        """Called before the SDK validates a token: fetch keys first when the token names one we lack."""
        kid = _key_id(auth_header)
        if kid is None or self.known(kid):
            return
        last = min((self._refreshed_at.get(url, 0.0) for url in self.urls), default=0.0)
        cooldown = self.unknown_key_cooldown if self._has_keys() else FAILED_RETRY_AFTER
        if time.monotonic() - last >= cooldown:
            await self.refresh()

    def _has_keys(self) -> bool:
        return any(self._entry(url).keys for url in self.urls)

    async def _keep_fresh(self) -> None:
        while True:
            await asyncio.sleep(REFRESH_EVERY if self._has_keys() else FAILED_RETRY_AFTER)
            await self.refresh()

    async def start(self) -> None:
        await self.refresh()
        self._task = asyncio.create_task(self._keep_fresh(), name="teams-signing-keys")

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task


async def _fetch_keys(http: aiohttp.ClientSession, url: str) -> list[dict[str, Any]]:
    async with http.get(url) as response:
        response.raise_for_status()
        jwks_uri = (await response.json(content_type=None))["jwks_uri"]
    async with http.get(jwks_uri) as response:
        response.raise_for_status()
        keys = (await response.json(content_type=None))["keys"]
    if not isinstance(keys, list):
        raise ValueError("jwks keys is not a list")
    return [key for key in keys if isinstance(key, dict)]


def _sdk_now() -> datetime:
    """The time as the SDK reads it: not the injected clock, on purpose.

    The SDK decides a cache entry is stale by comparing `last_updated` with its own `datetime.now()` (naive,
    local). A stamp from any other clock (a test's settable one, set to another day) would make the SDK find
    our keys a day old and fetch them itself, synchronously on the event loop, or never find them stale."""
    return datetime.now()


def _key_id(auth_header: str) -> str | None:
    scheme, _, token = auth_header.partition(" ")
    if scheme != "Bearer" or not token:
        return None
    try:
        kid = jwt.get_unverified_header(token).get("kid")
    except jwt.InvalidTokenError:
        return None
    return kid if isinstance(kid, str) else None
