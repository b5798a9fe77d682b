"""Checks Adaptive Cards with Microsoft's own `adaptivecards` library (npm), targeting version 1.5."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path
from typing import Any

from tests.adapters.teams.npm_cache import install

ADAPTIVECARDS_VERSION = "3.0.6"
VALIDATOR = Path(__file__).with_name("validate_cards.js")


def problems(cards: list[dict[str, Any]]) -> list[str]:
    """Every parse or validation event the library reports, and every element it dropped, per card."""
    modules = install("adaptivecards", ADAPTIVECARDS_VERSION)
    result = subprocess.run(
        ["node", str(VALIDATOR)],
        input=json.dumps(cards),
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
        env={**os.environ, "NODE_PATH": str(modules)},
    )
    found = []
    for index, (card, checked) in enumerate(zip(cards, json.loads(result.stdout)["results"], strict=True)):
        found += [f"card {index} ({_title(card)}): {event['message']}" for event in checked["events"]]
        missing = _types(card) - _types(checked["roundTrip"])
        if missing:
            found.append(f"card {index} ({_title(card)}): the library dropped {sorted(missing)}")
    return found


def _title(card: dict[str, Any]) -> str:
    body = card.get("body") or [{}]
    return str(body[0].get("text", "?"))[:40]


def _types(node: Any) -> set[str]:
    """Element and action types in a card, not counting fallbacks (the library keeps those to itself)."""
    found: set[str] = set()
    if isinstance(node, dict):
        if isinstance(node.get("type"), str):
            found.add(node["type"])
        for key, value in node.items():
            if key != "fallback":
                found |= _types(value)
    elif isinstance(node, list):
        for item in node:
            found |= _types(item)
    return found
