"""manifest.yml: valid against Slack's manifest schema, and in step with what the code serves and asks for."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml

from adapters.slack.mount import BOT_SCOPES, EVENTS_PATH, REDIRECT_PATH

ROOT = Path(__file__).resolve().parents[3]
SCHEMA = json.loads((ROOT / "tests/fixtures/slack/manifest.schema.json").read_text())
MANIFESTS = ["manifest.yml", "manifest.socket-mode.yml"]


def _load(name: str) -> dict[str, Any]:
    loaded: dict[str, Any] = yaml.safe_load((ROOT / name).read_text())
    return loaded


@pytest.mark.parametrize("name", MANIFESTS)
def test_manifest_is_valid_for_slack(name: str) -> None:
    jsonschema.validate(_load(name), SCHEMA)


def test_the_schema_copy_rejects_what_slack_would() -> None:
    broken = _load("manifest.yml")
    broken["features"]["slash_commands"][0]["command"] = "okr"  # no leading slash
    broken["display_information"]["name"] = "x" * 100
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(broken, SCHEMA)


@pytest.mark.parametrize("name", MANIFESTS)
def test_manifest_asks_for_the_scopes_the_bot_uses_and_no_more(name: str) -> None:
    assert sorted(_load(name)["oauth_config"]["scopes"]["bot"]) == sorted(BOT_SCOPES)


@pytest.mark.parametrize("name", MANIFESTS)
def test_manifest_subscribes_to_the_events_the_bot_handles(name: str) -> None:
    manifest = _load(name)
    assert sorted(manifest["settings"]["event_subscriptions"]["bot_events"]) == [
        "app_home_opened",
        "app_uninstalled",
        "tokens_revoked",
    ]
    assert manifest["features"]["app_home"]["home_tab_enabled"] is True
    assert manifest["settings"]["interactivity"]["is_enabled"] is True
    # Channel and user mentions arrive as <#C123|name> and <@U123|name>, which adapters/slack/inbound.py reads.
    assert manifest["features"]["slash_commands"][0]["should_escape"] is True


def test_http_manifest_points_every_url_at_the_routes_the_server_has() -> None:
    manifest = _load("manifest.yml")
    urls = [
        manifest["features"]["slash_commands"][0]["url"],
        manifest["settings"]["event_subscriptions"]["request_url"],
        manifest["settings"]["interactivity"]["request_url"],
    ]
    assert {url.removeprefix("https://okrbot.example.com") for url in urls} == {EVENTS_PATH}
    assert manifest["oauth_config"]["redirect_urls"] == [f"https://okrbot.example.com{REDIRECT_PATH}"]
    assert manifest["settings"]["socket_mode_enabled"] is False


def test_socket_mode_manifest_has_no_urls() -> None:
    manifest = _load("manifest.socket-mode.yml")
    assert manifest["settings"]["socket_mode_enabled"] is True
    assert "request_url" not in manifest["settings"]["event_subscriptions"]
    assert "url" not in manifest["features"]["slash_commands"][0]
