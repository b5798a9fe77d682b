"""Which bot token to use for a workspace when the bot speaks first (no request to take it from)."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Protocol

from adapters.slack.rotation import OneRefreshAtATime

log = logging.getLogger(__name__)

# Refresh a rotating token when it has less than this left (Slack's rotating tokens last 12 hours).
REFRESH_BEFORE_MINUTES = 120


class TokenSource(Protocol):
    async def token_for(self, team_id: str) -> str | None: ...


class SingleWorkspaceToken:
    """One workspace, one token from the environment."""

    def __init__(self, token: str) -> None:
        self.token = token

    async def token_for(self, team_id: str) -> str | None:
        return self.token


class TokensByWorkspace:
    """A fixed bot token per workspace (team id -> token), known up front: for benches and tests that send to
    several workspaces without an installation store. A team not in the mapping has no installation."""

    def __init__(self, tokens: Mapping[str, str]) -> None:
        self.tokens = dict(tokens)

    async def token_for(self, team_id: str) -> str | None:
        return self.tokens.get(team_id)


class InstalledTokens:
    """The token saved when the workspace installed the app, refreshed first when it rotates and is due."""

    def __init__(self, rotator: OneRefreshAtATime) -> None:
        self.store = rotator.store
        self.rotator = rotator

    async def token_for(self, team_id: str) -> str | None:
        bot = await self.store.async_find_bot(enterprise_id=None, team_id=team_id)
        if bot is None:
            return None
        # The rotator saves what it refreshed, inside its per-workspace lock.
        refreshed = await self.rotator.perform_bot_token_rotation(
            bot=bot, minutes_before_expiration=REFRESH_BEFORE_MINUTES
        )
        return (refreshed or bot).bot_token
