"""Button and form ids, and the small typed payloads they carry through the platform and back."""

from __future__ import annotations

from enum import StrEnum
from typing import TypeVar

from pydantic import BaseModel, ConfigDict, ValidationError


class ActionId(StrEnum):
    SHOW_OBJECTIVE = "okr.show_objective"
    SHOW_KEY_RESULT = "okr.show_key_result"
    OPEN_CHECKIN = "okr.open_checkin"
    OPEN_NEW_OBJECTIVE = "okr.open_new_objective"
    OPEN_NEW_KEY_RESULT = "okr.open_new_key_result"
    ARCHIVE_OBJECTIVE = "okr.archive_objective"
    DELETE_OBJECTIVE = "okr.delete_objective"
    DELETE_WORKSPACE = "okr.delete_workspace"
    SHOW_MORE = "okr.show_more"
    SHARE = "okr.share"


class FormId(StrEnum):
    NEW_OBJECTIVE = "okr.form.new_objective"
    NEW_KEY_RESULT = "okr.form.new_key_result"
    CHECKIN = "okr.form.checkin"


class Payload(BaseModel):
    """Base of every payload: immutable, strict about unknown fields, compact when serialised."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    def dump(self) -> str:
        return self.model_dump_json(exclude_defaults=True)


class ObjectivePayload(Payload):
    o: int  # the objective's short number (O12 -> 12)


class KeyResultPayload(Payload):
    kr: int


class NoPayload(Payload):
    pass


class ShowMorePayload(Payload):
    """The list a "Show more" button continues: the same words, from a later row."""

    words: str
    offset: int  # rows already shown, for "Showing 21–40"
    rank: int  # the last row shown, where the next page starts: (level rank, number)
    number: int


class SharePayload(Payload):
    ref: str  # "O12" or "KR34"


class BadPayload(ValueError):
    """A button or form came back with a payload we did not make (tampered, stale or malformed)."""


P = TypeVar("P", bound=Payload)


def parse_payload(model: type[P], raw: str) -> P:
    try:
        return model.model_validate_json(raw or "{}")
    except ValidationError as error:
        raise BadPayload(f"bad {model.__name__}: {error.error_count()} error(s)") from error


# What each action carries, so an adapter-independent dispatcher can validate before handling.
ACTION_PAYLOADS: dict[ActionId, type[Payload]] = {
    ActionId.SHOW_OBJECTIVE: ObjectivePayload,
    ActionId.SHOW_KEY_RESULT: KeyResultPayload,
    ActionId.OPEN_CHECKIN: KeyResultPayload,
    ActionId.OPEN_NEW_OBJECTIVE: NoPayload,
    ActionId.OPEN_NEW_KEY_RESULT: ObjectivePayload,
    ActionId.ARCHIVE_OBJECTIVE: ObjectivePayload,
    ActionId.DELETE_OBJECTIVE: ObjectivePayload,
    ActionId.DELETE_WORKSPACE: NoPayload,
    ActionId.SHOW_MORE: ShowMorePayload,
    ActionId.SHARE: SharePayload,
}

FORM_PAYLOADS: dict[FormId, type[Payload]] = {
    FormId.NEW_OBJECTIVE: NoPayload,
    FormId.NEW_KEY_RESULT: ObjectivePayload,
    FormId.CHECKIN: KeyResultPayload,
}
