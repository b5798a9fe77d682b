"""The Teams app package: manifest.json and two icons in a zip, ready to upload ("Upload a custom app").

Manifest schema v1.22 (the current one on learn.microsoft.com's "App manifest" page when this was written).
The icons are drawn here, in pure Python: a 192x192 colour icon and a 32x32 white-on-transparent outline, as
Teams requires.
"""

from __future__ import annotations

import io
import json
import math
import re
import struct
import zipfile
import zlib
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

MANIFEST_VERSION = "1.22"
MANIFEST_SCHEMA = (
    f"https://developer.microsoft.com/json-schemas/teams/v{MANIFEST_VERSION}/MicrosoftTeams.schema.json"
)
ACCENT = (0x46, 0x4E, 0xB8)  # Teams purple
SCOPES = ["personal", "team", "groupChat"]
COMMANDS = [
    ("help", "What I understand, with examples"),
    ("list", "Your objectives this quarter (list team <name>, list company)"),
    ("new", "Create an objective: new <title>"),
    ("checkin", "Update a key result: checkin KR3 40"),
    ("show", "An objective or key result: show O1, show KR3"),
]
_GUID = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")


class PackageError(ValueError):
    """An argument Teams would reject; the message says which and why."""


@dataclass(frozen=True)
class AppInfo:
    app_id: str  # the bot's Microsoft App ID, also used as the Teams app id
    bot_endpoint: str  # https://host/api/messages, where Azure Bot Service sends activities
    name: str = "OKR Bot"
    developer: str = "okrbot"
    website: str | None = None  # defaults to the bot endpoint's origin
    version: str = "1.0.0"


def check(info: AppInfo) -> None:
    if not _GUID.match(info.app_id):
        raise PackageError(
            f"--app-id {info.app_id!r} is not a GUID like 00000000-0000-0000-0000-000000000000"
        )
    parts = urlsplit(info.bot_endpoint)
    if parts.scheme != "https" or not parts.hostname:
        raise PackageError(f"--bot-endpoint {info.bot_endpoint!r} must be an https:// URL")
    if not 1 <= len(info.name) <= 30:
        raise PackageError("--name must be 1 to 30 characters (Teams' short name limit)")


def manifest(info: AppInfo) -> dict[str, Any]:
    check(info)
    host = urlsplit(info.bot_endpoint).hostname or ""
    website = info.website or f"https://{host}"
    return {
        "$schema": MANIFEST_SCHEMA,
        "manifestVersion": MANIFEST_VERSION,
        "version": info.version,
        "id": info.app_id.lower(),
        "developer": {
            "name": info.developer,
            "websiteUrl": website,
            "privacyUrl": website,
            "termsOfUseUrl": website,
        },
        "name": {"short": info.name, "full": f"{info.name}: objectives and key results in Teams"},
        "description": {
            "short": "Run your team's OKRs without leaving Teams.",
            "full": (
                "Create objectives and key results, check in weekly from a card, and see progress, status "
                "and owners at a glance. Type help to the bot to start."
            ),
        },
        "icons": {"color": "color.png", "outline": "outline.png"},
        "accentColor": "#{:02X}{:02X}{:02X}".format(*ACCENT),
        "bots": [
            {
                "botId": info.app_id.lower(),
                "scopes": SCOPES,
                "supportsFiles": False,
                "isNotificationOnly": False,
                "commandLists": [
                    {"scopes": SCOPES, "commands": [{"title": t, "description": d} for t, d in COMMANDS]}
                ],
            }
        ],
        "permissions": ["identity", "messageTeamMembers"],
        "validDomains": [host],
    }


def build(info: AppInfo) -> bytes:
    """The zip, as bytes: manifest.json, color.png, outline.png at its root (Teams wants no folder)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("manifest.json", json.dumps(manifest(info), indent=2) + "\n")
        archive.writestr("color.png", color_icon())
        archive.writestr("outline.png", outline_icon())
    return buffer.getvalue()


# ------------------------------------------------------------------------------------------------ icons

Pixel = tuple[int, int, int, int]


def _png(width: int, height: int, pixel: Any) -> bytes:
    """An RGBA PNG from a function of (x, y)."""
    rows = bytearray()
    for y in range(height):
        rows.append(0)  # filter: none
        for x in range(width):
            rows += bytes(pixel(x, y))

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", width, height, 8, 6, 0, 0, 0)  # 8-bit RGBA
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(bytes(rows), 9))
        + (chunk(b"IEND", b""))
    )


def _target(x: float, y: float, size: int) -> bool:
    """A target: two rings and a bullseye (an objective, hit)."""
    centre = (size - 1) / 2
    r = math.hypot(x - centre, y - centre) / (size / 2)
    return r < 0.16 or 0.32 < r < 0.48 or 0.64 < r < 0.8


def color_icon(size: int = 192) -> bytes:
    background: Pixel = (*ACCENT, 255)
    white: Pixel = (255, 255, 255, 255)
    return _png(size, size, lambda x, y: white if _target(x, y, size) else background)


def outline_icon(size: int = 32) -> bytes:
    white: Pixel = (255, 255, 255, 255)
    clear: Pixel = (0, 0, 0, 0)
    return _png(size, size, lambda x, y: white if _target(x, y, size) else clear)
