"""`okr checkin` (also `check-in`, `ci`): a key result's new value, the owner's confidence and a note."""

from __future__ import annotations

from bot.commands.grammar import Args, shown
from bot.commands.tokens import CONFIDENCE_WORDS, checkin_value_of, confidence_of, join_words
from bot.commands.types import RecordCheckIn, RefKind
from bot.commands.verb import Verb
from bot.service import check_ins, lookup
from bot.service.context import Context
from bot.views import forms, okrs
from bot.views.cards import Response


def parse_checkin(args: Args) -> RecordCheckIn:
    options = args.options(values=("confidence",), flags=CONFIDENCE_WORDS)
    confidences = {CONFIDENCE_WORDS[name] for name in options.flags}
    typed = options.value("confidence")
    if typed is not None:
        confidence = confidence_of(typed)
        if confidence is None:
            args.fail(f"{shown(typed)} is not a confidence: use on-track, at-risk or off-track")
        confidences.add(confidence)
    if len(confidences) > 1:
        args.fail("Give one confidence: on-track, at-risk or off-track")
    key_result = args.ref(RefKind.KEY_RESULT)
    value = None
    token = args.pop()
    if token is not None:
        value = checkin_value_of(token.text)
        if value is None:
            args.fail(f"{shown(token.text)} is not a number: okr checkin {key_result} <value>")
    note = join_words(args.rest()) or None
    return RecordCheckIn(key_result, value, confidences.pop() if confidences else None, note)


async def run_checkin(ctx: Context, command: RecordCheckIn, words: str) -> Response:
    ref = command.key_result
    lookup.expect_kind(ref, RefKind.KEY_RESULT)
    kr, objective = await lookup.key_result(ctx, ref)
    if command.value is None:
        return Response(form=forms.checkin_form(kr))
    done = await check_ins.check_in(
        ctx, kr, objective, value=command.value, confidence=command.confidence, note=command.note
    )
    return Response.card(okrs.checked_in_card(kr, objective, ctx.now, achieved=done.achieved_now))


CHECKIN = Verb(
    name="checkin",
    aliases=("check-in", "ci"),
    usage="okr checkin KR34 [value | done | not-done] [--confidence on-track|at-risk|off-track] [note]",
    summary="Record a key result's new value, your confidence and a note.",
    examples=(
        "okr checkin KR34 32",
        "okr checkin KR34 45% --confidence at-risk waiting on legal review",
        "okr checkin KR35 done",
    ),
    commands=(RecordCheckIn,),
    parse=parse_checkin,
    run=run_checkin,
)
