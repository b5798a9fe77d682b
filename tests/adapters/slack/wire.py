"""Slack's wire formats for tests: recorded payloads from tests/fixtures/slack, signed like Slack signs them."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, quote, urlencode

from slack_sdk.signature import SignatureVerifier

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "slack"
SIGNING_SECRET = "8f742231b10e8888abcd99yyyzzz85a5"
TEAM = "T0ACME"  # FakeSlackApi's default workspace
MAYA = "U0MAYA"  # the user in the recorded payloads


def fixture_json(name: str) -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads((FIXTURES / name).read_text())
    return loaded


def signed_headers(
    body: str, *, secret: str = SIGNING_SECRET, timestamp: int | None = None, content_type: str
) -> dict[str, str]:
    """The headers Slack sends: X-Slack-Request-Timestamp and the v0 HMAC-SHA256 of `v0:<ts>:<body>`."""
    stamp = str(int(time.time()) if timestamp is None else timestamp)
    return {
        "Content-Type": content_type,
        "X-Slack-Request-Timestamp": stamp,
        "X-Slack-Signature": SignatureVerifier(secret).generate_signature(timestamp=stamp, body=body),
    }


FORM = "application/x-www-form-urlencoded"
JSON = "application/json"


def slash_command(text: str, *, response_url: str, user: str = MAYA, team: str = TEAM, **fields: str) -> str:
    """The recorded /okr form body with this text, user and response_url (Slack form-encodes commands)."""
    recorded = dict(parse_qsl((FIXTURES / "slash_command.form").read_text().strip()))
    recorded.update(text=text, response_url=response_url, user_id=user, team_id=team, **fields)
    return urlencode(recorded)


def interaction(payload: dict[str, Any]) -> str:
    """Interactivity bodies are a form with one field, `payload`, holding the JSON."""
    return "payload=" + quote(json.dumps(payload))


def button_press(
    action_id: str, value: str, *, response_url: str, user: str = MAYA, team: str = TEAM
) -> dict[str, Any]:
    payload = fixture_json("block_actions.json")
    payload["actions"][0].update(action_id=action_id, value=value)
    payload["response_url"] = response_url
    payload["user"]["id"] = user
    payload["team"]["id"] = team
    return payload


def event(name: str, **changes: Any) -> dict[str, Any]:
    payload = fixture_json(name)
    payload.update(changes)
    return payload
