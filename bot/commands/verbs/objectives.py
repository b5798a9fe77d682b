"""`okr new`, `align`, `owner`, `rename`, `archive` and `delete`: the verbs that make and change objectives
(owner and rename also take a key result, rename an initiative)."""

from __future__ import annotations

from bot.commands.grammar import Args
from bot.commands.tokens import join_words
from bot.commands.types import Align, Archive, Delete, NewObjective, Ref, RefKind, Rename, SetOwner
from bot.commands.verb import Verb
from bot.service import initiatives, key_results, lookup, objectives, reading
from bot.service.context import Context
from bot.views import forms, messages, okrs
from bot.views.actions import ActionId, ObjectivePayload
from bot.views.cards import Button, ButtonStyle, Card, Response, Section, Tone

_ALIGN_WORDS = ("under", "to", "with")


def parse_new(args: Args) -> NewObjective:
    options = args.options(values=("team", "parent", "cycle"), flags=("company", "aspirational", "private"))
    team = options.value("team")
    if team is not None and options.flag("company"):
        args.fail("Use either --team or --company, not both")
    if team is not None and not team.strip():
        args.fail('--team needs the team\'s name, like --team "Growth Marketing"')
    parent_text = options.value("parent")
    parent = None
    if parent_text is not None:
        parent = args.check_ref(parent_text, (RefKind.OBJECTIVE,), "--parent")
    return NewObjective(
        title=join_words(args.rest()) or None,
        team=" ".join(team.split()) if team is not None else None,
        company=options.flag("company"),
        parent=parent,
        aspirational=options.flag("aspirational"),
        private=options.flag("private"),
        cycle=args.cycle(options.value("cycle")),
    )


async def run_new(ctx: Context, command: NewObjective, words: str) -> Response:
    if command.title is None:
        return Response(form=forms.new_objective_form(ctx.current_cycle.name))
    created = await objectives.create(ctx, command)
    detail = await reading.objective_detail(ctx, created.objective)
    return Response.card(okrs.objective_card(detail, ctx.now, hints=created.hints))


def parse_align(args: Args) -> Align:
    args.options()
    child = args.ref(RefKind.OBJECTIVE)
    if args.peek_word() in _ALIGN_WORDS:
        args.pop()
    if not args.words:
        args.fail(f'"okr align {child}" needs the parent objective: okr align {child} under O3')
    parent = args.ref(RefKind.OBJECTIVE, needed_by=f'"okr align {child} under"')
    args.end()
    return Align(child, parent)


async def run_align(ctx: Context, command: Align, words: str) -> Response:
    child_ref, parent_ref = command.child, command.parent
    lookup.expect_kind(child_ref, RefKind.OBJECTIVE)
    lookup.expect_kind(parent_ref, RefKind.OBJECTIVE)
    child = await lookup.objective(ctx, child_ref)
    parent = await lookup.objective(ctx, parent_ref)
    await objectives.align(ctx, child, parent)
    return messages.notice(f"{child_ref} now aligns under {parent_ref}", f"{child.title} → {parent.title}")


def parse_owner(args: Args) -> SetOwner:
    args.options()
    ref = args.ref(RefKind.OBJECTIVE, RefKind.KEY_RESULT)
    token = args.pop()
    if token is None:
        args.fail(f'"okr owner {ref}" needs the new owner, like @jane')
    owner = args.mention(token.text)
    args.end()
    return SetOwner(ref, owner)


async def run_owner(ctx: Context, command: SetOwner, words: str) -> Response:
    ref = command.ref
    lookup.expect_kind(ref, RefKind.OBJECTIVE, RefKind.KEY_RESULT)
    owner = await lookup.member(ctx, command.owner)
    if ref.kind is RefKind.OBJECTIVE:
        await objectives.set_owner(ctx, await lookup.objective(ctx, ref), owner)
    else:
        await key_results.set_owner(ctx, *await lookup.key_result(ctx, ref), owner)
    return messages.notice(f"{ref} now belongs to {owner.display_name}")


def parse_rename(args: Args) -> Rename:
    args.options()
    ref = args.ref(RefKind.OBJECTIVE, RefKind.KEY_RESULT, RefKind.INITIATIVE)
    return Rename(ref, args.title(f'"okr rename {ref}" needs the new title'))


async def run_rename(ctx: Context, command: Rename, words: str) -> Response:
    ref, title = command.ref, command.title
    if ref.kind is RefKind.OBJECTIVE:
        await objectives.rename(ctx, await lookup.objective(ctx, ref), title)
    elif ref.kind is RefKind.KEY_RESULT:
        await key_results.rename(ctx, *await lookup.key_result(ctx, ref), title)
    else:
        await initiatives.rename(ctx, *await lookup.initiative(ctx, ref), title)
    return messages.notice(f"Renamed {ref}", " ".join(title.split()))


def parse_archive(args: Args) -> Archive:
    args.options()
    objective = args.ref(RefKind.OBJECTIVE)
    args.end()
    return Archive(objective)


async def run_archive(ctx: Context, command: Archive, words: str) -> Response:
    ref = command.objective
    lookup.expect_kind(ref, RefKind.OBJECTIVE)
    objective = await lookup.objective(ctx, ref)
    await objectives.archive(ctx, objective)
    return messages.notice(f"Archived {ref}", objective.title)


def parse_delete(args: Args) -> Delete:
    options = args.options(flags=("yes",))
    objective = args.ref(RefKind.OBJECTIVE)
    args.end()
    return Delete(objective, options.flag("yes"))


async def run_delete(ctx: Context, command: Delete, words: str) -> Response:
    ref = command.objective
    lookup.expect_kind(ref, RefKind.OBJECTIVE)
    objective = await lookup.objective(ctx, ref)
    if not command.confirmed:
        return await _confirm_delete(ctx, ref, objective.title, objective.id or 0)
    await objectives.delete(ctx, objective)
    return messages.notice(f"Deleted {ref}", objective.title)


async def _confirm_delete(ctx: Context, ref: Ref, title: str, objective_id: int) -> Response:
    count = len(await ctx.repo.key_results_of(objective_id))
    delete = Button(
        "Delete", ActionId.DELETE_OBJECTIVE, ObjectivePayload(o=ref.number).dump(), ButtonStyle.DANGER
    )
    card = Card(
        title=f"Delete {ref} “{title}”?",
        tone=Tone.WARNING,
        sections=(
            Section(text=f"This deletes it with its {count} key result(s) and their history, for good."),
        ),
        buttons=(delete,),
        hints=(f"okr archive {ref} keeps the history instead. okr delete {ref} --yes skips this question.",),
    )
    return Response.card(card)


NEW = Verb(
    name="new",
    usage=(
        'okr new [title] [--team "<name>" | --company] [--parent O3] [--aspirational] [--private]\n'
        "        [--cycle 2027-Q1]"
    ),
    summary="Create an objective (with no title you get a form).",
    examples=(
        "okr new Delight our customers --team Support",
        'okr new "Win the enterprise market" --company --cycle 2027-Q1',
        "okr new",
    ),
    commands=(NewObjective,),
    parse=parse_new,
    run=run_new,
)

ALIGN = Verb(
    name="align",
    usage="okr align O12 under O3",
    summary="Align an objective under a parent objective.",
    examples=("okr align O12 under O3",),
    commands=(Align,),
    parse=parse_align,
    run=run_align,
)

OWNER = Verb(
    name="owner",
    usage="okr owner O12 | KR34 @user",
    summary="Give an objective or a key result a new owner.",
    examples=("okr owner KR34 @jane",),
    commands=(SetOwner,),
    parse=parse_owner,
    run=run_owner,
)

RENAME = Verb(
    name="rename",
    usage="okr rename O12 | KR34 | I5 <title>",
    summary="Rename an objective, a key result or an initiative.",
    examples=("okr rename O12 Make onboarding effortless",),
    commands=(Rename,),
    parse=parse_rename,
    run=run_rename,
)

ARCHIVE = Verb(
    name="archive",
    usage="okr archive O12",
    summary="Archive an objective (it leaves the lists but is kept).",
    examples=("okr archive O12",),
    commands=(Archive,),
    parse=parse_archive,
    run=run_archive,
)

DELETE = Verb(
    name="delete",
    usage="okr delete O12 [--yes]",
    summary="Delete an objective for good, after you confirm.",
    examples=("okr delete O12", "okr delete O12 --yes"),
    commands=(Delete,),
    parse=parse_delete,
    run=run_delete,
)
