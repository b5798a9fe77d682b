"""One handler per command: call the use case, pick the view. No parsing, no SQL, no platform markup."""

from __future__ import annotations

from bot.commands import types as c
from bot.commands.coaching import run_coaching
from bot.commands.usage import help_text
from bot.domain.numbers import format_value
from bot.domain.progress import score_verdict
from bot.service import (
    check_ins,
    cycles,
    export,
    initiatives,
    key_results,
    lookup,
    objectives,
    okr_teams,
    permissions,
    reading,
)
from bot.service.context import Context
from bot.service.errors import OkrError
from bot.views import forms, messages, okrs
from bot.views.actions import ActionId, NoPayload, ObjectivePayload
from bot.views.cards import (
    Attachment,
    Button,
    ButtonStyle,
    Card,
    Confirm,
    Fact,
    Response,
    Section,
    Tone,
    Visibility,
)

RefKind = c.RefKind


async def run(ctx: Context, command: c.Command, *, words: str = "") -> Response:
    """Carry out one typed command for the caller in `ctx`."""
    match command:
        case c.Help(topic):
            return messages.help_card(help_text(topic))
        case c.ListObjectives():
            page = await reading.objective_page(ctx, command)
            return Response.card(okrs.list_card(page, words or "list", ctx.now))
        case c.Show(ref, share):
            return await show(ctx, ref, share=share)
        case c.NewObjective(title=None):
            return Response(form=forms.new_objective_form(ctx.current_cycle.name))
        case c.NewObjective():
            created = await objectives.create(ctx, command)
            detail = await reading.objective_detail(ctx, created.objective)
            return Response.card(okrs.objective_card(detail, ctx.now, hints=created.hints))
        case c.NewKeyResult(objective=ref):
            lookup.expect_kind(ref, RefKind.OBJECTIVE)
            objective = await lookup.objective(ctx, ref)
            if command.title is None:
                return Response(form=forms.new_key_result_form(objective))
            added = await key_results.add(ctx, objective, command)
            detail = await reading.objective_detail(ctx, objective)
            return Response.card(okrs.objective_card(detail, ctx.now, hints=added.hints))
        case c.CheckIn(key_result=ref):
            lookup.expect_kind(ref, RefKind.KEY_RESULT)
            kr, objective = await lookup.key_result(ctx, ref)
            if command.value is None:
                return Response(form=forms.checkin_form(kr))
            done = await check_ins.check_in(
                ctx, kr, objective, value=command.value, confidence=command.confidence, note=command.note
            )
            return Response.card(okrs.checked_in_card(kr, objective, ctx.now, achieved=done.achieved_now))
        case c.NewInitiative(key_result=ref, title=title):
            lookup.expect_kind(ref, RefKind.KEY_RESULT)
            kr, objective = await lookup.key_result(ctx, ref)
            initiative = await initiatives.add(ctx, kr, objective, title)
            return messages.notice(f"Added I{initiative.number} to KR{kr.number}", initiative.title,
                                   hints=(f"okr done I{initiative.number} marks it done.",))  # fmt: skip
        case c.CompleteInitiative(initiative=ref):
            lookup.expect_kind(ref, RefKind.INITIATIVE)
            initiative, kr, objective = await lookup.initiative(ctx, ref)
            await initiatives.complete(ctx, initiative, kr, objective)
            return messages.notice(f"I{initiative.number} is done ✓", initiative.title)
        case c.Align(child=child_ref, parent=parent_ref):
            lookup.expect_kind(child_ref, RefKind.OBJECTIVE)
            lookup.expect_kind(parent_ref, RefKind.OBJECTIVE)
            child = await lookup.objective(ctx, child_ref)
            parent = await lookup.objective(ctx, parent_ref)
            await objectives.align(ctx, child, parent)
            return messages.notice(
                f"{child_ref} now aligns under {parent_ref}", f"{child.title} → {parent.title}"
            )
        case c.SetOwner(ref=ref, owner=who):
            lookup.expect_kind(ref, RefKind.OBJECTIVE, RefKind.KEY_RESULT)
            owner = await lookup.member(ctx, who)
            if ref.kind is RefKind.OBJECTIVE:
                await objectives.set_owner(ctx, await lookup.objective(ctx, ref), owner)
            else:
                await key_results.set_owner(ctx, *await lookup.key_result(ctx, ref), owner)
            return messages.notice(f"{ref} now belongs to {owner.display_name}")
        case c.Rename(ref=ref, title=title):
            return await rename(ctx, ref, title)
        case c.Archive(objective=ref):
            lookup.expect_kind(ref, RefKind.OBJECTIVE)
            objective = await lookup.objective(ctx, ref)
            await objectives.archive(ctx, objective)
            return messages.notice(f"Archived {ref}", objective.title)
        case c.Delete(objective=ref, confirmed=confirmed):
            lookup.expect_kind(ref, RefKind.OBJECTIVE)
            objective = await lookup.objective(ctx, ref)
            if not confirmed:
                return await confirm_delete(ctx, ref, objective.title, objective.id or 0)
            await objectives.delete(ctx, objective)
            return messages.notice(f"Deleted {ref}", objective.title)
        case c.WorkspaceDelete(confirmed=confirmed):
            permissions.require_admin(ctx, "delete the workspace's OKRs")
            if not confirmed:
                return confirm_workspace_delete()
            await ctx.repo.delete_workspace()
            return messages.notice(
                "Deleted this workspace's OKRs", "Every objective, key result, check-in and team is gone."
            )
        case c.CycleList():
            return Response.card(await cycle_list(ctx))
        case c.CycleClose(cycle=name):
            return Response.card(await cycle_close(ctx, name), visibility=Visibility.EVERYONE)
        case c.Export(format=format):
            filename, content = await export.export(ctx, format)
            attachment = Attachment(filename, f"text/{format.value}", content)
            return Response(cards=(Card(title=f"Your OKRs as {filename}", tone=Tone.SUCCESS),),
                            attachments=(attachment,))  # fmt: skip
        case c.TeamCreate(name=name):
            team = await okr_teams.create(ctx, name)
            return messages.notice(f"Created the team {team.name}", "You are its first member.",
                                   hints=(f"okr team add {team.name} @someone adds people.",))  # fmt: skip
        case c.TeamAdd(name=name, members=mentions):
            team, joined, already = await okr_teams.add_members(ctx, name, mentions)
            text = ", ".join(m.display_name for m in joined) or "nobody new"
            hints = (f"Already in it: {', '.join(m.display_name for m in already)}.",) if already else ()
            return messages.notice(f"Added to {team.name}: {text}", hints=hints)
        case (
            c.ShowSettings() | c.SetMyCheckin() | c.Pause() | c.Resume() | c.ShowConfig() | c.ConfigCheckin()
            | c.ConfigCelebrate() | c.ConfigDigest() | c.ConfigReminder() | c.ShowDigest()
        ):  # fmt: skip
            return await run_coaching(ctx, command)
    raise OkrError("I don't know that command.", "okr help lists them all.")  # pragma: no cover


async def show(ctx: Context, ref: c.Ref, *, share: bool = False) -> Response:
    lookup.expect_kind(ref, RefKind.OBJECTIVE, RefKind.KEY_RESULT)
    if ref.kind is RefKind.OBJECTIVE:
        objective = await lookup.objective(ctx, ref)
        card = okrs.objective_card(await reading.objective_detail(ctx, objective), ctx.now)
    else:
        kr, objective = await lookup.key_result(ctx, ref)
        card = okrs.key_result_card(await reading.key_result_detail(ctx, kr, objective), ctx.now)
    if share and objective.private:
        raise OkrError(f"{ref} is private, so it can't be shared in a channel.")
    return Response.card(card, visibility=Visibility.EVERYONE if share else Visibility.ONLY_YOU)


async def rename(ctx: Context, ref: c.Ref, title: str) -> Response:
    if ref.kind is RefKind.OBJECTIVE:
        await objectives.rename(ctx, await lookup.objective(ctx, ref), title)
    elif ref.kind is RefKind.KEY_RESULT:
        await key_results.rename(ctx, *await lookup.key_result(ctx, ref), title)
    else:
        await initiatives.rename(ctx, *await lookup.initiative(ctx, ref), title)
    return messages.notice(f"Renamed {ref}", " ".join(title.split()))


async def confirm_delete(ctx: Context, ref: c.Ref, title: str, objective_id: int) -> Response:
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


def confirm_workspace_delete() -> Response:
    sure = Confirm(
        title="Delete everything?",
        text="All objectives, key results, check-ins, teams and settings of this workspace, for good.",
        confirm_label="Delete everything",
    )
    delete = Button(
        "Delete everything", ActionId.DELETE_WORKSPACE, NoPayload().dump(), ButtonStyle.DANGER, sure
    )
    card = Card(
        title="Delete all of this workspace's OKRs?",
        tone=Tone.WARNING,
        sections=(Section(text="This cannot be undone. okr export saves a copy first."),),
        buttons=(delete,),
        hints=("okr workspace delete --yes skips this question.",),
    )
    return Response.card(card)


async def cycle_list(ctx: Context) -> Card:
    sections = []
    for summary in await cycles.summaries(ctx):
        state = "current" if summary.current else "closed" if summary.closed else "open"
        facts = [Fact("Objectives", str(summary.objectives)), Fact("State", state)]
        if summary.closed is not None:
            facts.append(Fact("Score", f"{summary.closed.score:.2f}"))
        sections.append(Section(heading=summary.cycle.name, facts=tuple(facts)))
    return Card(title="Cycles", sections=tuple(sections))


async def cycle_close(ctx: Context, name: str) -> Card:
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
