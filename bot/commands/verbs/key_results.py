"""`okr kr`, `okr initiative` and `okr done`: key results under an objective, initiatives under a key result."""

from __future__ import annotations

from bot.commands.grammar import Args, shown
from bot.commands.tokens import join_words, kr_kind_of
from bot.commands.types import CompleteInitiative, NewInitiative, NewKeyResult, RefKind
from bot.commands.verb import Verb
from bot.domain.enums import KRKind
from bot.domain.numbers import unit_of
from bot.service import initiatives, key_results, lookup, reading
from bot.service.context import Context
from bot.views import forms, messages, okrs
from bot.views.cards import Response


def parse_kr(args: Args) -> NewKeyResult:
    options = args.options(
        values=("target", "start", "unit", "owner", "type", "weight"), aliases={"kind": "type"}
    )
    objective = args.ref(RefKind.OBJECTIVE)
    target_text, start_text = options.value("target"), options.value("start")
    target, start = args.number("target", target_text), args.number("start", start_text)
    unit = options.value("unit")
    if unit is not None and not unit.strip():
        args.fail("--unit needs a unit, like --unit customers")
    if unit is None:
        units = {unit_of(text) for text in (target_text, start_text) if text is not None} - {None}
        if len(units) > 1:
            args.fail("--start and --target carry different units: give one --unit")
        unit = units.pop() if units else None
    owner_text, kind_text = options.value("owner"), options.value("type")
    kind = None
    if kind_text is not None:
        kind = kr_kind_of(kind_text)
        if kind is None:
            args.fail(f"{shown(kind_text)} is not a key result type: use {', '.join(KRKind)}")
    weight = args.number("weight", options.value("weight"))
    if weight is not None and weight <= 0:
        args.fail("--weight must be more than 0, like --weight 2")
    return NewKeyResult(
        objective=objective,
        title=join_words(args.rest()) or None,
        target=target,
        start=start,
        unit=" ".join(unit.split()) if unit is not None else None,
        owner=args.mention(owner_text, "--owner @jane") if owner_text is not None else None,
        kind=kind,
        weight=weight,
    )


async def run_kr(ctx: Context, command: NewKeyResult, words: str) -> Response:
    ref = command.objective
    lookup.expect_kind(ref, RefKind.OBJECTIVE)
    objective = await lookup.objective(ctx, ref)
    if command.title is None:
        return Response(form=forms.new_key_result_form(objective))
    added = await key_results.add(ctx, objective, command)
    detail = await reading.objective_detail(ctx, objective)
    return Response.card(okrs.objective_card(detail, ctx.now, hints=added.hints))


def parse_initiative(args: Args) -> NewInitiative:
    args.options()
    key_result = args.ref(RefKind.KEY_RESULT)
    return NewInitiative(
        key_result, args.title(f'"okr initiative {key_result}" needs the initiative\'s title')
    )


async def run_initiative(ctx: Context, command: NewInitiative, words: str) -> Response:
    ref = command.key_result
    lookup.expect_kind(ref, RefKind.KEY_RESULT)
    kr, objective = await lookup.key_result(ctx, ref)
    initiative = await initiatives.add(ctx, kr, objective, command.title)
    return messages.notice(
        f"Added I{initiative.number} to KR{kr.number}",
        initiative.title,
        hints=(f"okr done I{initiative.number} marks it done.",),
    )


def parse_done(args: Args) -> CompleteInitiative:
    args.options()
    initiative = args.ref(RefKind.INITIATIVE)
    args.end()
    return CompleteInitiative(initiative)


async def run_done(ctx: Context, command: CompleteInitiative, words: str) -> Response:
    ref = command.initiative
    lookup.expect_kind(ref, RefKind.INITIATIVE)
    initiative, kr, objective = await lookup.initiative(ctx, ref)
    await initiatives.complete(ctx, initiative, kr, objective)
    return messages.notice(f"I{initiative.number} is done ✓", initiative.title)


KR = Verb(
    name="kr",
    usage=(
        "okr kr O12 [title] [--target N] [--start N] [--unit U] [--owner @user] [--weight N]\n"
        "       [--type increase|decrease|above|below|milestone]"
    ),
    summary="Add a key result to an objective (with no title you get a form).",
    examples=(
        "okr kr O12 Raise NPS to 40 --start 25 --target 40",
        "okr kr O12 Cut churn --start 5% --target 3% --type decrease --owner @jane",
        "okr kr O12 Launch the new pricing page --type milestone",
    ),
    commands=(NewKeyResult,),
    parse=parse_kr,
    run=run_kr,
)

INITIATIVE = Verb(
    name="initiative",
    usage="okr initiative KR34 <title>",
    summary="Add an initiative (a piece of work) to a key result.",
    examples=("okr initiative KR34 Run a pricing survey",),
    commands=(NewInitiative,),
    parse=parse_initiative,
    run=run_initiative,
)

DONE = Verb(
    name="done",
    usage="okr done I5",
    summary="Mark an initiative as done.",
    examples=("okr done I5",),
    commands=(CompleteInitiative,),
    parse=parse_done,
    run=run_done,
)
