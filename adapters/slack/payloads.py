"""Reading Slack's request bodies into the core's terms, refusing shapes Slack never sends.

Bolt has already checked the signature; these functions check the shape, because a signed request can still
carry a payload we cannot use (an old app version's buttons, a client bug), and that must be a polite refusal,
never an exception that turns into a 500.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from bot.domain.enums import Platform
from bot.invocation import ConversationRef


class UnusablePayload(ValueError):
    """A well-signed Slack payload without the fields we need."""


def text_field(body: dict[str, Any], *path: str) -> str:
    """body[path[0]][path[1]]... as a non-empty string, or UnusablePayload naming the path."""
    value: Any = body
    for key in path:
        value = value.get(key) if isinstance(value, dict) else None
    if not isinstance(value, str) or not value:
        raise UnusablePayload(f"missing {'.'.join(path)}")
    return value


def optional_text(body: dict[str, Any], *path: str) -> str | None:
    try:
        return text_field(body, *path)
    except UnusablePayload:
        return None


@dataclass(frozen=True)
class Origin:
    """Where a request came from and where later answers for it can go."""

    team_id: str
    user_id: str
    user_name: str
    channel_id: str | None
    response_url: str | None
    trigger_id: str | None

    def conversation(self) -> ConversationRef:
        # With no channel (App Home, a modal opened there), the person's DM with the bot is the place.
        return ConversationRef(Platform.SLACK, self.team_id, self.channel_id or self.user_id)


def command_origin(body: dict[str, Any]) -> Origin:
    """A slash command's form fields (team_id, user_id, channel_id, response_url, trigger_id, ...)."""
    return Origin(
        team_id=text_field(body, "team_id"),
        user_id=text_field(body, "user_id"),
        user_name=optional_text(body, "user_name") or text_field(body, "user_id"),
        channel_id=optional_text(body, "channel_id"),
        response_url=optional_text(body, "response_url"),
        trigger_id=optional_text(body, "trigger_id"),
    )


def interaction_origin(body: dict[str, Any]) -> Origin:
    """A block_actions or view_submission payload: team.id, user.id, channel.id, response_url..."""
    team_id = optional_text(body, "team", "id") or optional_text(body, "user", "team_id")
    if team_id is None:
        raise UnusablePayload("missing team.id")
    return Origin(
        team_id=team_id,
        user_id=text_field(body, "user", "id"),
        user_name=optional_text(body, "user", "username") or optional_text(body, "user", "name") or "",
        channel_id=optional_text(body, "channel", "id") or optional_text(body, "container", "channel_id"),
        response_url=optional_text(body, "response_url"),
        trigger_id=optional_text(body, "trigger_id"),
    )


@dataclass(frozen=True)
class ModalMemo:
    """What a modal carries in private_metadata so that its submission can answer where it was opened.

    A slash command's response_url stays usable for 30 minutes, long enough to fill in a form, and it works in
    channels the bot was never invited to, where chat.postEphemeral would fail.
    """

    state: str
    response_url: str | None = None
    channel_id: str | None = None

    def dump(self) -> str:
        return json.dumps(
            {"s": self.state, "r": self.response_url, "c": self.channel_id}, separators=(",", ":")
        )

    @classmethod
    def load(cls, raw: str | None) -> ModalMemo:
        try:
            data = json.loads(raw or "")
        except ValueError:
            raise UnusablePayload("private_metadata is not ours") from None
        if not isinstance(data, dict) or not isinstance(data.get("s"), str):
            raise UnusablePayload("private_metadata is not ours")
        url, channel = data.get("r"), data.get("c")
        return cls(
            data["s"], url if isinstance(url, str) else None, channel if isinstance(channel, str) else None
        )
