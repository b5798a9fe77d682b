"""Reading an export file: JSON, the right format and version, the shape of every record, and every key one
record gives for another pointing at something the file holds. All before anything is written."""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Iterable

from pydantic import ValidationError

from storage.portable import document as doc
from storage.portable.errors import PortableError

# The parts of a pydantic error location that are not the document's own keys (union and validator tags).
_TAG = re.compile(r"[^A-Za-z0-9_]|^(str|int|float|bool|none|list|dict|date|datetime)$")


def read_document(text: str | bytes) -> doc.Document:
    """The document in `text`, checked through; PortableError with a one-line reason otherwise."""
    try:
        data = json.loads(text)
    except UnicodeDecodeError:
        raise PortableError("the file is not UTF-8 text, so not an okrbot export") from None
    except json.JSONDecodeError as error:
        raise PortableError(f"the file is not valid JSON: {error.msg} at line {error.lineno}") from None
    except RecursionError:
        raise PortableError("the file's JSON is nested too deeply to be an okrbot export") from None
    if not isinstance(data, dict) or data.get("format") != doc.FORMAT:
        raise PortableError(f'the file is not an okrbot workspace export (no "format": "{doc.FORMAT}")')
    version = data.get("version")
    if version != doc.VERSION:
        newer = isinstance(version, int) and not isinstance(version, bool) and version > doc.VERSION
        raise PortableError(
            f"the file is version {version!r} of the export format; this okrbot reads version {doc.VERSION}"
            + (": upgrade okrbot to import it" if newer else "")
        )
    try:
        document = doc.Document.model_validate(data)
    except ValidationError as error:
        raise PortableError(_first_problem(error)) from None
    check_references(document)
    return document


def _first_problem(error: ValidationError) -> str:
    problems = error.errors()
    first = problems[0]
    path = ""
    for part in first["loc"]:
        if isinstance(part, int):
            path += f"[{part}]"
        elif _TAG.search(part) and path:
            break
        else:
            path += f".{part}" if path else part
    more = f" (and {len(problems) - 1} more problems)" if len(problems) > 1 else ""
    return f"{path or 'the file'}: {first['msg']}{more}"


def _unique(section: str, keys: Iterable[str], what: str) -> set[str]:
    counts = Counter(keys)
    twice = [key for key, n in counts.items() if n > 1]
    if twice:
        raise PortableError(f"{section}: {what} {twice[0]} appears more than once")
    return set(counts)


def _known(where: str, key: str | None, known: set[str], what: str) -> None:
    if key is not None and key not in known:
        raise PortableError(f"{where}: {what} {key} is not in the file")


def _known_team(where: str, name: str | None, teams: set[str]) -> None:
    # Team names are matched as people type them: in any case, like `okr ... --team growth`.
    if name is not None and name.casefold() not in teams:
        raise PortableError(f"{where}: team {name} is not in the file")


def check_references(document: doc.Document) -> None:
    """PortableError for the first record that names a member, team, objective or key result the file lacks."""
    users = _unique("members", (m.user_id for m in document.members), "user id")
    teams = _unique("teams", (t.name.casefold() for t in document.teams), "team")
    for i, team in enumerate(document.teams):
        _unique(f"teams[{i}] ({team.name})", team.members, "member")
        for user in team.members:
            _known(f"teams[{i}] ({team.name})", user, users, "member")

    objectives = _unique("objectives", (o.ref for o in document.objectives), "objective")
    parent_of: dict[str, str] = {}
    for i, objective in enumerate(document.objectives):
        where = f"objectives[{i}] ({objective.ref})"
        _known(where, objective.owner, users, "owner")
        _known_team(where, objective.team, teams)
        _known(where, objective.parent, objectives, "parent")
        if objective.parent is not None:
            parent_of[objective.ref] = objective.parent
    _no_loops(parent_of)

    key_results = _unique("key_results", (k.ref for k in document.key_results), "key result")
    for i, kr in enumerate(document.key_results):
        _known(f"key_results[{i}] ({kr.ref})", kr.objective, objectives, "objective")
        _known(f"key_results[{i}] ({kr.ref})", kr.owner, users, "owner")
    for i, check_in in enumerate(document.check_ins):
        _known(f"check_ins[{i}]", check_in.key_result, key_results, "key result")
        _known(f"check_ins[{i}]", check_in.author, users, "author")
    _unique("initiatives", (n.ref for n in document.initiatives), "initiative")
    for i, initiative in enumerate(document.initiatives):
        _known(f"initiatives[{i}] ({initiative.ref})", initiative.key_result, key_results, "key result")
        _known(f"initiatives[{i}] ({initiative.ref})", initiative.owner, users, "owner")

    _unique("closed_cycles", (c.name for c in document.closed_cycles), "cycle")
    for i, cycle in enumerate(document.closed_cycles):
        _known(f"closed_cycles[{i}]", cycle.closed_by, users, "member")
    for i, member in enumerate(document.members):
        for ref in (member.schedule.prompt_key_results or []) if member.schedule else ():
            _known(f"members[{i}] ({member.user_id}).schedule", ref, key_results, "key result")
    rule_scopes = []
    for i, rule in enumerate(document.check_in_rules):
        if rule.team is not None and rule.member is not None:
            raise PortableError(f"check_in_rules[{i}]: a rule is for a team or a member, not both")
        _known_team(f"check_in_rules[{i}]", rule.team, teams)
        _known(f"check_in_rules[{i}]", rule.member, users, "member")
        rule_scopes.append(
            f"team {rule.team.casefold()}"
            if rule.team
            else f"member {rule.member}"
            if rule.member
            else "workspace"
        )
    _unique("check_in_rules", rule_scopes, "the rule of")
    channel_scopes = []
    for i, channel in enumerate(document.channels):
        _known_team(f"channels[{i}]", channel.team, teams)
        for ref in channel.last_statuses or {}:
            _known(f"channels[{i}].last_statuses", ref, objectives, "objective")
        channel_scopes.append(f"{channel.purpose.value} {(channel.team or 'workspace').casefold()}")
    _unique("channels", channel_scopes, "the channel for")
    _unique("teams_conversations", (c.conversation_id for c in document.teams_conversations), "conversation")
    _unique("teams_users", (u.user_id for u in document.teams_users), "user")


def _no_loops(parent_of: dict[str, str]) -> None:
    ends_at_a_root: set[str] = set()  # checked already: following parents from here ends
    for start in parent_of:
        path: set[str] = set()
        current: str | None = start
        while current is not None and current not in ends_at_a_root:
            if current in path:
                raise PortableError(f"objectives: {current} is aligned under itself")
            path.add(current)
            current = parent_of.get(current)
        ends_at_a_root.update(path)
