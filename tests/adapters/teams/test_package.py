"""`okrbot teams-package`: the zip Teams accepts for "Upload a custom app"."""

from __future__ import annotations

import json
import struct
import zipfile
import zlib
from pathlib import Path

import jsonschema
import pytest

from adapters.cli import main
from adapters.teams.package import MANIFEST_VERSION
from tests.adapters.teams.npm_cache import install

APP_ID = "0B6C5E2A-1D8F-4C1E-9A7B-2F3E4D5C6B7A"
APP_MANIFEST_VERSION = "1.1.2"  # Microsoft's schemas for the manifest, v1.0 to v1.30


def png_size_and_pixels(data: bytes) -> tuple[int, int, bytes]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    width, height, depth, color = struct.unpack(">IIBB", data[16:26])
    assert (depth, color) == (8, 6)  # RGBA
    idat = data.index(b"IDAT")
    length = struct.unpack(">I", data[idat - 4 : idat])[0]
    return width, height, zlib.decompress(data[idat + 4 : idat + 4 + length])


def build(tmp_path: Path) -> zipfile.ZipFile:
    output = tmp_path / "okr.zip"
    args = ["teams-package", "--app-id", APP_ID, "--bot-endpoint", "https://okr.contoso.com/api/messages"]
    assert main([*args, "--output", str(output)]) == 0
    return zipfile.ZipFile(output)


def test_the_package_holds_the_manifest_and_two_icons_at_its_root(tmp_path: Path) -> None:
    archive = build(tmp_path)
    assert sorted(archive.namelist()) == ["color.png", "manifest.json", "outline.png"]


def test_the_manifest_declares_the_bot_its_scopes_and_commands(tmp_path: Path) -> None:
    manifest = json.loads(build(tmp_path).read("manifest.json"))
    assert manifest["manifestVersion"] == MANIFEST_VERSION == "1.22"
    assert manifest["$schema"].endswith(f"/v{MANIFEST_VERSION}/MicrosoftTeams.schema.json")
    assert manifest["id"] == APP_ID.lower()
    [bot] = manifest["bots"]
    assert bot["botId"] == APP_ID.lower()
    assert bot["scopes"] == ["personal", "team", "groupChat"]
    [commands] = bot["commandLists"]
    assert [c["title"] for c in commands["commands"]] == ["help", "list", "new", "checkin", "show"]
    assert all(len(c["description"]) <= 128 for c in commands["commands"])
    assert manifest["validDomains"] == ["okr.contoso.com"]
    assert manifest["icons"] == {"color": "color.png", "outline": "outline.png"}
    assert len(manifest["name"]["short"]) <= 30 and len(manifest["description"]["short"]) <= 80
    assert all(v.startswith("https://") for k, v in manifest["developer"].items() if k.endswith("Url"))


def test_the_icons_are_the_sizes_teams_wants(tmp_path: Path) -> None:
    archive = build(tmp_path)
    width, height, _ = png_size_and_pixels(archive.read("color.png"))
    assert (width, height) == (192, 192)
    width, height, rows = png_size_and_pixels(archive.read("outline.png"))
    assert (width, height) == (32, 32)
    pixels = {
        rows[1 + y * (1 + 32 * 4) + x * 4 : 5 + y * (1 + 32 * 4) + x * 4]
        for y in range(32)
        for x in range(32)
    }
    assert pixels == {b"\xff\xff\xff\xff", b"\x00\x00\x00\x00"}  # white on transparent only


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--app-id", "my-bot", "--bot-endpoint", "https://x.example/api/messages"], "is not a GUID"),
        (["--app-id", APP_ID, "--bot-endpoint", "http://x.example/api/messages"], "must be an https:// URL"),
    ],
)
def test_bad_arguments_get_a_one_line_error_and_write_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], args: list[str], message: str
) -> None:
    output = tmp_path / "okr.zip"
    with pytest.raises(SystemExit) as exited:
        main(["teams-package", *args, "--output", str(output)])
    assert exited.value.code == 2
    error = capsys.readouterr().err.strip().splitlines()
    assert message in error[-1]
    assert error[0].startswith("usage: okrbot teams-package")
    assert not output.exists()


def test_the_manifest_is_valid_against_microsofts_own_schema(tmp_path: Path) -> None:
    # The schemas ship in Microsoft's @microsoft/app-manifest npm package (installed at test time).
    modules = install("@microsoft/app-manifest", APP_MANIFEST_VERSION)
    schema_path = modules / "@microsoft" / "app-manifest" / "build" / "json-schemas" / "teams"
    schema = json.loads((schema_path / f"v{MANIFEST_VERSION}" / "MicrosoftTeams.schema.json").read_text())
    manifest = json.loads(build(tmp_path).read("manifest.json"))
    validator = jsonschema.Draft4Validator(schema, format_checker=jsonschema.Draft4Validator.FORMAT_CHECKER)
    assert [error.message for error in validator.iter_errors(manifest)] == []
    broken = {**manifest, "bots": [{**manifest["bots"][0], "scopes": ["everywhere"]}]}
    assert any("everywhere" in error.message for error in validator.iter_errors(broken))
