"""Block Kit objects as JSON dicts: what slack_sdk's `to_dict()` makes, without validating every object again.

`JsonObject.to_dict()` runs the object's validators before it serialises, and finds them by scanning `dir()` of
every object, at every level: for a 43-block `/okr list` that was 4 ms of a 13 ms answer (the largest cost after
the database). The builders in blocks.py, modals.py and home.py already keep every value inside Slack's limits
(they clip and split text), and the tests serialise every payload they build both ways and compare, so the
validators still run on every shape we produce; only the request path skips them.

Classes that lay themselves out in their own `to_dict` (ConfirmObject, Option, ...) keep it: only the generic
attribute walk of `JsonObject` is done here.
"""

from __future__ import annotations

from typing import Any

from slack_sdk.models.basic_objects import EMPTY_ALLOWED_TYPE_AND_PROPERTY_LIST, JsonObject

_EMPTY_ALLOWED = {(item["type"], item["property"]) for item in EMPTY_ALLOWED_TYPE_AND_PROPERTY_LIST}


def as_json(value: Any) -> Any:
    """`value` (a Block Kit object, a list of them, or a plain value) as JSON-ready data, like `to_dict()`."""
    if isinstance(value, JsonObject):
        if type(value).to_dict is not JsonObject.to_dict:
            return value.to_dict()
        kind = getattr(value, "type", None)
        out = {}
        for key in sorted(value.attributes):
            item = getattr(value, key, None)
            if item is not None and (_present(item) or (kind, key) in _EMPTY_ALLOWED):
                out[key] = as_json(item)
        return out
    if isinstance(value, list | tuple):
        return [as_json(item) for item in value]
    return value


def _present(item: Any) -> bool:
    """JsonObject's rule: empty containers (and strings) are left out."""
    return len(item) > 0 if hasattr(item, "__len__") else True
