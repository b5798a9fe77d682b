"""`okr cycle`: list the OKR cycles (quarters, halves), or close one and score its objectives."""

from __future__ import annotations

from bot.commands.grammar import Args, shown
from bot.commands.types import CycleClose, CycleList
from bot.commands.verb import Verb
from bot.domain.numbers import format_value
from bot.domain.progress import score_verdict
from bot.service import cycles, lookup
from bot.service.context import Context
from bot.views.cards import Card, Fact, Response, Section, Tone, Visibility


def parse_cycle(args: Args) -> CycleList | CycleClose:
    args.options()
    action = args.pop()
    if action is None or action.text.lower() == "list":
        args.end()
        return CycleList()
    if action.text.lower() != "close":
        args.fail(
            f'Unknown cycle command {shown(action.text)}: use "okr cycle list" or "okr cycle close 2026-Q4"'
        )
    token = args.pop()
    if token is None:
        args.fail('"okr cycle close" needs the cycle, like okr cycle close 2026-Q4')
    args.end()
    args.cycle(token.text)
    return CycleClose(token.text)


async def run_cycle(ctx: Context, command: CycleList | CycleClose, words: str) -> Response:
    if isinstance(command, CycleList):
        return Response.card(await _cycle_list(ctx))
    return Response.card(await _cycle_close(ctx, command.cycle), visibility=Visibility.EVERYONE)


async def _cycle_list(ctx: Context) -> Card:
    sections = []
    for summary in await cycles.summaries(ctx):
        state = "current" if summary.current else "closed" if summary.closed else "open"
        facts = [Fact("Objectives", str(summary.objectives)), Fact("State", state)]
        if summary.closed is not None:
            facts.append(Fact("Score", f"{summary.closed.score:.2f}"))
        sections.append(Section(heading=summary.cycle.name, facts=tuple(facts)))
    return Card(title="Cycles", sections=tuple(sections))


async def _cycle_close(ctx: Context, name: str) -> Card:
    result = await cycles.close(ctx, lookup.cycle(ctx, name))
    sections = []
    for objective in result.objectives:
        verdict = score_verdict(objective.progress, objective.aspirational)
        kind = "aspirational" if objective.aspirational else "committed"
        sections.append(
            Section(
                ref=f"O{objective.number}",
                heading=objective.title,
                facts=(Fact("Score", f"{objective.progress:.2f} · {verdict.value} · {kind}"),),
            )
        )
    return Card(
        title=f"{result.record.name} is closed",
        subtitle=f"{result.record.objective_count} objectives · score {format_value(result.record.score, None)}",
        tone=Tone.SUCCESS,
        sections=tuple(sections),
        hints=("Committed objectives aim for 1.0; aspirational ones count 0.7 as a success.",),
    )


CYCLE = Verb(
    name="cycle",
    usage="okr cycle [list]\nokr cycle close 2026-Q4",
    summary="List the OKR cycles, or close one.",
    examples=("okr cycle list", "okr cycle close 2026-Q4"),
    commands=(CycleList, CycleClose),
    parse=parse_cycle,
    run=run_cycle,
)
