"""The forms: create an objective, add a key result, check in."""

from __future__ import annotations

from bot.domain.enums import Confidence, KRKind
from bot.domain.limits import NOTE_MAX, TITLE_MAX, UNIT_MAX
from bot.domain.numbers import format_number
from bot.views.actions import FormId, KeyResultPayload, NoPayload, ObjectivePayload
from bot.views.cards import Choice, FieldKind, Form, FormField
from storage.tables import KeyResult, Objective

CONFIDENCE_CHOICES = (
    Choice(Confidence.ON_TRACK.value, "🟢 On track"),
    Choice(Confidence.AT_RISK.value, "🟡 At risk"),
    Choice(Confidence.OFF_TRACK.value, "🔴 Off track"),
)
KIND_CHOICES = (
    Choice(KRKind.INCREASE.value, "Increase to a target"),
    Choice(KRKind.DECREASE.value, "Decrease to a target"),
    Choice(KRKind.ABOVE.value, "Stay above a threshold"),
    Choice(KRKind.BELOW.value, "Stay below a threshold"),
    Choice(KRKind.MILESTONE.value, "Milestone (done / not done)"),
)
LEVEL_CHOICES = (Choice("personal", "Personal"), Choice("team", "Team"), Choice("company", "Company"))
MILESTONE_CHOICES = (Choice("1", "Done"), Choice("0", "Not done yet"))


def new_objective_form(cycle: str) -> Form:
    return Form(
        form_id=FormId.NEW_OBJECTIVE,
        title="New objective",
        intro=f"An objective is a qualitative goal for {cycle}. You add measurable key results next.",
        fields=(
            FormField("title", "Objective", required=True, max_length=TITLE_MAX,
                      placeholder="Delight our first 100 customers"),
            FormField("level", "Level", FieldKind.CHOICE, required=True, initial="personal", choices=LEVEL_CHOICES),
            FormField("team", "Team", hint="For a team objective: the team's name."),
            FormField("parent", "Aligned under", placeholder="O3", hint="The objective this one supports."),
            FormField("aspirational", "Aspirational (a stretch: 70% is a success)", FieldKind.CHECKBOX),
            FormField("private", "Private (only you and admins see it)", FieldKind.CHECKBOX),
        ),
        submit_label="Create",
        state=NoPayload().dump(),
    )  # fmt: skip


def new_key_result_form(objective: Objective) -> Form:
    return Form(
        form_id=FormId.NEW_KEY_RESULT,
        title=f"Key result for O{objective.number}",
        intro=f"How will you know “{objective.title}” is achieved?",
        fields=(
            FormField("title", "Key result", required=True, max_length=TITLE_MAX,
                      placeholder="Increase NPS from 30 to 50"),
            FormField("kind", "Type", FieldKind.CHOICE, required=True, initial="increase", choices=KIND_CHOICES),
            FormField("start", "Start value", FieldKind.NUMBER, hint="Read from the title when left empty."),
            FormField("target", "Target", FieldKind.NUMBER),
            FormField("unit", "Unit", max_length=UNIT_MAX, placeholder="customers, %, $"),
            FormField("owner", "Owner", FieldKind.USER, hint="You, when left empty."),
        ),
        submit_label="Add",
        state=ObjectivePayload(o=objective.number).dump(),
    )  # fmt: skip


def checkin_form(kr: KeyResult) -> Form:
    if kr.kind is KRKind.MILESTONE:
        value = FormField(
            "value",
            "Status",
            FieldKind.CHOICE,
            required=True,
            initial="1" if kr.current_value >= 1 else "0",
            choices=MILESTONE_CHOICES,
        )
    else:
        target = f" (target {format_number(kr.target_value)})" if kr.target_value is not None else ""
        value = FormField(
            "value",
            f"New value{target}",
            FieldKind.NUMBER,
            required=True,
            initial=format_number(kr.current_value).replace(",", ""),
        )
    return Form(
        form_id=FormId.CHECKIN,
        title=f"Check in on KR{kr.number}",
        intro=kr.title,
        fields=(
            value,
            FormField("confidence", "Confidence", FieldKind.CHOICE, required=True,
                      initial=(kr.last_confidence or Confidence.ON_TRACK).value, choices=CONFIDENCE_CHOICES),
            FormField("note", "Note", FieldKind.LONG_TEXT, max_length=NOTE_MAX,
                      placeholder="What moved it, what blocks it"),
        ),
        submit_label="Check in",
        state=KeyResultPayload(kr=kr.number).dump(),
    )  # fmt: skip
