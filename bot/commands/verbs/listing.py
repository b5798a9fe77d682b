"""`okr list`, `okr show` and `okr export`: the verbs that read objectives and key results."""

from __future__ import annotations

from bot.commands.grammar import Args, shown
from bot.commands.tokens import Token, join_words, list_scope_of, looks_like_quarter, mention_of
from bot.commands.types import Export, ExportFormat, ListObjectives, ListScope, RefKind, Show, UserRef
from bot.commands.verb import Verb, always
from bot.service import export, lookup, reading
from bot.service.context import Context
from bot.service.errors import OkrError
from bot.views import okrs
from bot.views.cards import Attachment, Card, Response, Tone, Visibility


def parse_list(args: Args) -> ListObjectives:
    options = args.options(values=("cycle", "more"))
    scope: ListScope = ListScope.MINE
    team: str | None = None
    user: UserRef | None = None
    word = args.peek_word()
    if word == "at" and len(args.words) > 1 and args.words[1].text.lower() == "risk":  # "at risk"
        args.words[:2] = [Token("at-risk", "at-risk")]
        word = "at-risk"
    token = args.peek()
    if token is None or word == "cycle" or looks_like_quarter(token.text):
        pass
    elif (named := list_scope_of(word)) is not None:
        scope = named
        args.pop()
    elif word == "team":
        args.pop()
        scope, team = ListScope.TEAM, _list_team_name(args)
    elif (user := mention_of(token.text)) is not None:
        scope = ListScope.USER
        args.pop()
    else:
        args.fail(f"{shown(token.text)} is not a list: use mine, team <name>, @user, company, all or at-risk")
    cycle = options.value("cycle")
    if args.words and (args.peek_word() == "cycle" or looks_like_quarter(args.words[0].text)):
        if cycle is not None:
            args.fail("The cycle is given twice")
        if args.peek_word() == "cycle":
            args.pop()
        token = args.pop()
        if token is None:
            args.fail("cycle needs a value, like cycle 2026-Q4")
        cycle = token.text
    args.end()
    return ListObjectives(scope, team, user, args.cycle(cycle), _offset(args, options.value("more")))


def _list_team_name(args: Args) -> str:
    words: list[Token] = []
    while args.words and args.peek_word() != "cycle" and not looks_like_quarter(args.words[0].text):
        words.append(args.words.pop(0))
    name = join_words(words)
    if not name:
        args.fail('"okr list team" needs the team\'s name, like okr list team Growth')
    return name


def _offset(args: Args, text: str | None) -> int:
    if text is None:
        return 0
    if not text.isascii() or not text.isdigit() or len(text) > 9:
        args.fail(f"{shown(text)} is not a count: write --more like --more 10")
    return int(text)


async def run_list(ctx: Context, command: ListObjectives, words: str) -> Response:
    page = await reading.objective_page(ctx, command)
    return Response.card(okrs.list_card(page, words or "list", ctx.now))


def parse_show(args: Args) -> Show:
    options = args.options(flags=("share",))
    ref = args.ref(RefKind.OBJECTIVE, RefKind.KEY_RESULT)
    share = options.flag("share")
    if args.peek_word() == "share":
        args.pop()
        share = True
    args.end()
    return Show(ref, share)


async def run_show(ctx: Context, command: Show, words: str) -> Response:
    ref = command.ref
    lookup.expect_kind(ref, RefKind.OBJECTIVE, RefKind.KEY_RESULT)
    if ref.kind is RefKind.OBJECTIVE:
        objective = await lookup.objective(ctx, ref)
        card = okrs.objective_card(await reading.objective_detail(ctx, objective), ctx.now)
    else:
        kr, objective = await lookup.key_result(ctx, ref)
        card = okrs.key_result_card(await reading.key_result_detail(ctx, kr, objective), ctx.now)
    if command.share and objective.private:
        raise OkrError(f"{ref} is private, so it can't be shared in a channel.")
    return Response.card(card, visibility=Visibility.EVERYONE if command.share else Visibility.ONLY_YOU)


def parse_export(args: Args) -> Export:
    args.options()
    token = args.pop()
    args.end()
    if token is None:
        return Export()
    formats = {fmt.value: fmt for fmt in ExportFormat}
    if token.text.lower() not in formats:
        args.fail(f"{shown(token.text)} is not an export format: use csv or json")
    return Export(formats[token.text.lower()])


async def run_export(ctx: Context, command: Export, words: str) -> Response:
    filename, content = await export.export(ctx, command.format)
    attachment = Attachment(filename, f"text/{command.format.value}", content)
    return Response(
        cards=(Card(title=f"Your OKRs as {filename}", tone=Tone.SUCCESS),), attachments=(attachment,)
    )


LIST = Verb(
    name="list",
    usage="okr list [mine | team <name> | @user | company | all | at-risk] [cycle 2026-Q4] [--more N]",
    summary="List objectives: yours, a team's, someone's, the company's, or those at risk.",
    examples=("okr list", "okr list team Growth Marketing cycle 2026-Q3", "okr list at-risk --more 10"),
    commands=(ListObjectives,),
    parse=parse_list,
    run=run_list,
    read_only=always,
)

SHOW = Verb(
    name="show",
    usage="okr show O12 | KR34 [share]",
    summary="Show an objective or a key result with its progress.",
    examples=("okr show O12", "okr show KR34 share"),
    commands=(Show,),
    parse=parse_show,
    run=run_show,
    read_only=lambda command: not command.share,  # shared: posted for everyone, so never handed out again
)

EXPORT = Verb(
    name="export",
    usage="okr export [csv | json]",
    summary="Export the objectives and key results as CSV or JSON.",
    examples=("okr export", "okr export json"),
    commands=(Export,),
    parse=parse_export,
    run=run_export,
)
