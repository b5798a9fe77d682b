"""Reading an export file: anything wrong with it is one line naming what and where, before a write."""

from __future__ import annotations

import copy
import json
from io import StringIO
from typing import Any

import pytest

from storage.portable.checks import read_document
from storage.portable.document import write
from storage.portable.errors import PortableError

STAMP = "2026-11-24T12:00:00Z"


def minimal() -> dict[str, Any]:
    """A small valid export: one member, one objective under another, a key result with a check-in."""
    objective = {
        "ref": "O1",
        "cycle": "2026-Q4",
        "title": "Grow",
        "level": "company",
        "owner": "U1",
        "team": None,
        "parent": None,
        "aspirational": False,
        "private": False,
        "state": "active",
        "progress": 0.25,
        "confidence": None,
        "score": None,
        "created_at": STAMP,
        "updated_at": STAMP,
    }
    return {
        "format": "okrbot-workspace",
        "version": 1,
        "exported_at": STAMP,
        "workspace": {
            "platform": "slack",
            "external_id": "T0ACME",
            "name": "Acme",
            "default_tz": "Europe/Berlin",
            "created_at": STAMP,
            "next_objective_number": 3,
            "next_key_result_number": 2,
            "next_initiative_number": 1,
        },
        "coaching": None,
        "members": [
            {
                "user_id": "U1",
                "display_name": "Maya",
                "tz": "UTC",
                "is_admin": True,
                "created_at": STAMP,
                "schedule": None,
            }
        ],
        "teams": [{"name": "Growth", "created_at": STAMP, "members": ["U1"]}],
        "objectives": [
            objective,
            {**objective, "ref": "O2", "level": "team", "team": "growth", "parent": "O1"},
        ],
        "key_results": [
            {
                "ref": "KR1",
                "objective": "O2",
                "title": "Reach 200 customers",
                "kind": "increase",
                "start_value": 0,
                "target_value": 200,
                "current_value": 50,
                "unit": "customers",
                "owner": "U1",
                "weight": 1,
                "last_checkin_at": STAMP,
                "last_confidence": "on-track",
                "achieved_at": None,
                "created_at": STAMP,
                "updated_at": STAMP,
            }
        ],
        "check_ins": [
            {
                "key_result": "KR1",
                "value": 50,
                "previous_value": 0,
                "confidence": "on-track",
                "note": None,
                "author": "U1",
                "created_at": STAMP,
            }
        ],
        "initiatives": [],
        "closed_cycles": [],
        "check_in_rules": [],
        "channels": [],
        "teams_conversations": [],
        "teams_users": [],
    }


def problem(data: Any) -> str:
    text = data if isinstance(data, str) else json.dumps(data)
    with pytest.raises(PortableError) as caught:
        read_document(text)
    message = str(caught.value)
    assert "\n" not in message
    return message


def edited(change: Any) -> dict[str, Any]:
    data = copy.deepcopy(minimal())
    change(data)
    return data


def test_a_valid_file_reads_and_writes_back_the_same() -> None:
    document = read_document(json.dumps(minimal()))
    out = StringIO()
    write(document, out)
    assert read_document(out.getvalue()) == document
    assert out.getvalue().count("\n") > 10  # one record a line, not one long line


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("{", "the file is not valid JSON: Expecting property name enclosed in double quotes at line 1"),
        ("[]", 'the file is not an okrbot workspace export (no "format": "okrbot-workspace")'),
        ('{"format": "something-else", "version": 1}', "not an okrbot workspace export"),
        (
            '{"format": "okrbot-workspace", "version": 2}',
            "version 2 of the export format; this okrbot reads version 1: upgrade",
        ),
        ('{"format": "okrbot-workspace"}', "the file is version None of the export format"),
        (b"\xff\xfe{", "not UTF-8 text"),
    ],
)
def test_what_is_not_an_export_of_this_version_is_named(text: str | bytes, expected: str) -> None:
    with pytest.raises(PortableError) as caught:
        read_document(text)
    assert expected in str(caught.value)


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (
            lambda d: d["key_results"][0].update(objective="O77"),
            "key_results[0] (KR1): objective O77 is not in the file",
        ),
        (lambda d: d["check_ins"][0].update(author="U9"), "check_ins[0]: author U9 is not in the file"),
        (
            lambda d: d["objectives"][0].update(team="Sales"),
            "objectives[0] (O1): team Sales is not in the file",
        ),
        (lambda d: d["objectives"][0].update(parent="O2"), "objectives: O1 is aligned under itself"),
        (lambda d: d["objectives"][1].update(ref="O1"), "objectives: objective O1 appears more than once"),
        (lambda d: d["members"].append(dict(d["members"][0])), "members: user id U1 appears more than once"),
        (
            lambda d: d["objectives"][1].update(level="galaxy"),
            "objectives[1].level: Input should be 'company', 'team' or 'personal'",
        ),
        (lambda d: d["objectives"][1].update(ref="12"), "objectives[1].ref: String should match pattern"),
        (
            lambda d: d["key_results"][0].update(current_value="lots"),
            "key_results[0].current_value: Input should be a valid number",
        ),
        (
            lambda d: d["check_ins"][0].update(created_at="2026-11-24T12:00:00"),
            "check_ins[0].created_at: Input should have timezone info",
        ),
        (
            lambda d: d["workspace"].update(default_tz="Mars/Olympus"),
            "workspace.default_tz: Value error, 'Mars/Olympus' is not a time zone",
        ),
        (
            lambda d: d["objectives"][0].update(title="x" * 201),
            "objectives[0].title: String should have at most 200 characters",
        ),
        (
            lambda d: d["objectives"][0].update(colour="red"),
            "objectives[0].colour: Extra inputs are not permitted",
        ),
        (lambda d: d.pop("check_ins"), "check_ins: Field required"),
        (
            lambda d: d["members"][0].update(is_admin="maybe"),
            "members[0].is_admin: Input should be a valid boolean",
        ),
    ],
)
def test_a_wrong_record_is_named_with_where_it_is(change: Any, expected: str) -> None:
    assert expected in problem(edited(change))


def test_not_a_number_is_refused_where_json_would_let_it_through() -> None:
    text = json.dumps(minimal()).replace('"progress": 0.25', '"progress": NaN', 1)
    assert "objectives[0].progress" in problem(text)
