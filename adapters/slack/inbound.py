"""Reading Slack's request bodies into the core's terms, refusing shapes Slack never sends.

Bolt has already checked the signature; these functions check the shape, because a signed request can still
carry a payload we cannot use (an old app version's buttons, a client bug), and that must be a polite refusal,
never an exception that turns into a 500.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from adapters.slack.mrkdwn import neutral_mentions, unescape
from bot.domain.enums import Platform
from bot.invocation import CommandText, ConversationRef


class UnusablePayload(ValueError):
    """A well-signed Slack payload without the fields we need."""


# Where Bolt itself looks before any listener runs (its argument injection reads `actions[0]`, `event`, `view`
# and the ids inside `team`, `user`, `channel` and `authorizations[0]`): these must have Slack's shape.
_OBJECTS = ("team", "user", "channel", "enterprise", "view", "container", "message", "state", "event")
_NULLABLE = frozenset({"enterprise", "channel", "container", "message"})


def shape_problem(body: Any) -> str | None:
    """Why this parsed body is not something Slack sends, or None when Bolt can safely handle it.

    Drops the null values Slack may send for optional objects, so that Bolt finds them absent instead."""
    if not isinstance(body, dict):
        return "the body is not an object"
    for key in _OBJECTS:
        if key in body and body[key] is None and key in _NULLABLE:
            del body[key]  # Slack sends "enterprise": null; Bolt reads a present key as an object
        if key in body and not isinstance(body[key], dict):
            return f"{key} is not an object"
    authorizations = body.get("authorizations")
    if authorizations is not None and not (
        isinstance(authorizations, list) and all(isinstance(a, dict) for a in authorizations)
    ):
        return "authorizations is not a list of objects"
    kind = body.get("type")
    actions = body.get("actions")
    if kind == "block_actions" or "actions" in body:
        if not (isinstance(actions, list) and actions and all(isinstance(a, dict) for a in actions)):
            return "actions is not a list of actions"
        if not all(isinstance(a.get("action_id"), str) for a in actions):
            return "an action without an action_id"
    if kind == "event_callback" and not isinstance(body.get("event"), dict):
        return "event_callback without an event"
    if kind in ("view_submission", "view_closed"):
        view = body.get("view")
        if not isinstance(view, dict) or not isinstance(view.get("type"), str):
            return f"{kind} without a view"
    return None


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


def command_text(body: dict[str, Any]) -> CommandText:
    """A slash command's words as the core reads them: Slack's escaping of &, < and > undone, and its user and
    channel mentions (`<@U123|name>`, `<#C123|name>`) made neutral (bot/invocation.py)."""
    return CommandText(neutral_mentions(unescape(str(body.get("text") or ""))))
