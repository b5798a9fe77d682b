"""Objectives and key results as neutral cards: lists, details, and what changed."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

from bot.domain.cycles import Cycle
from bot.domain.enums import KRKind, ObjectiveState
from bot.domain.numbers import format_value
from bot.domain.progress import expected_progress, is_stale, kr_progress, score_verdict, status_for
from bot.service.reading import KeyResultDetail, ObjectiveDetail, ObjectivePage
from bot.views.actions import ActionId, KeyResultPayload, ObjectivePayload, SharePayload, ShowMorePayload
from bot.views.cards import Button, ButtonStyle, Card, Confirm, Fact, Person, Progress, Section, Tone
from storage.tables import KeyResult, Member, Objective, Team

SYMBOL_UNITS = ("%", "$", "€", "£", "¥")


def person(member: Member | None) -> Person | None:
    return Person(member.platform_user_id, member.display_name) if member else None


def _expected(cycle_name: str, now: datetime) -> float:
    return expected_progress(Cycle.parse(cycle_name), now)


def objective_progress(objective: Objective, now: datetime) -> Progress:
    if objective.state is ObjectiveState.CLOSED and objective.score is not None:
        return Progress(objective.score)
    expected = _expected(objective.cycle, now)
    return Progress(
        objective.progress, status_for(objective.progress, expected, objective.confidence), expected
    )


def key_result_progress(kr: KeyResult, cycle: str, now: datetime) -> Progress:
    fraction = kr_progress(kr.kind, kr.start_value, kr.target_value, kr.current_value)
    expected = _expected(cycle, now)
    return Progress(fraction, status_for(fraction, expected, kr.last_confidence), expected)


def describe_level(objective: Objective, team: Team | None) -> str:
    words = [team.name if team else objective.level.value.capitalize()]
    words.append("aspirational" if objective.aspirational else "committed")
    if objective.private:
        words.append("private")
    if objective.state is not ObjectiveState.ACTIVE:
        words.append(objective.state.value)
    return " · ".join(words)


def measure_text(kr: KeyResult) -> str:
    """`42 of 50 NPS (from 30)`, `done`, `stay above 99.9%`: the key result's numbers in words."""
    if kr.kind is KRKind.MILESTONE:
        return "done" if kr.current_value >= 1 else "not done yet"
    current = bare_value(kr.current_value, kr.unit)
    if kr.target_value is None:
        return f"{format_value(kr.current_value, kr.unit)} (no target yet)"
    target = format_value(kr.target_value, kr.unit)
    if kr.kind is KRKind.ABOVE:
        return f"{current}, keeping at or above {target}"
    if kr.kind is KRKind.BELOW:
        return f"{current}, keeping at or below {target}"
    return f"{current} of {target} (from {bare_value(kr.start_value, kr.unit)})"


def bare_value(value: float, unit: str | None) -> str:
    """A value with its unit when that is a symbol (%, $); a word unit ("customers") is said once, elsewhere."""
    return format_value(value, unit if unit in SYMBOL_UNITS else None)


def _since(moment: datetime | None, now: datetime) -> str:
    if moment is None:
        return "never"
    days = (now - moment).days
    return "today" if days <= 0 else "yesterday" if days == 1 else f"{days} days ago"


def checkin_button(kr: KeyResult) -> Button:
    return Button(
        "Check in", ActionId.OPEN_CHECKIN, KeyResultPayload(kr=kr.number).dump(), ButtonStyle.PRIMARY
    )


def key_result_section(
    kr: KeyResult, cycle: str, owner: Member | None, now: datetime, *, buttons: bool
) -> Section:
    facts = [Fact("Value", measure_text(kr)), Fact("Last check-in", _since(kr.last_checkin_at, now))]
    if kr.last_confidence is not None:
        facts.append(Fact("Confidence", kr.last_confidence.value.replace("-", " ")))
    if kr.achieved_at is None and is_stale(kr.last_checkin_at, kr.created_at, now):
        facts.append(Fact("Stale", "no check-in for over 14 days"))
    if kr.weight != 1:
        facts.append(Fact("Weight", f"{kr.weight:g}"))
    return Section(
        ref=f"KR{kr.number}",
        heading=kr.title,
        owner=person(owner),
        progress=key_result_progress(kr, cycle, now),
        facts=tuple(facts),
        buttons=(checkin_button(kr),) if buttons else (),
        depth=1,
    )


def objective_section(
    objective: Objective,
    owner: Member | None,
    team: Team | None,
    now: datetime,
    *,
    key_results: int | None = None,
) -> Section:
    facts = [Fact("Level", describe_level(objective, team))]
    if key_results is not None:
        facts.append(Fact("Key results", str(key_results)))
    if objective.score is not None:
        verdict = score_verdict(objective.score, objective.aspirational)
        facts.append(Fact("Score", f"{objective.score:.1f} ({verdict.value})"))
    return Section(
        ref=f"O{objective.number}",
        heading=objective.title,
        owner=person(owner),
        progress=objective_progress(objective, now),
        facts=tuple(facts),
    )


def list_card(page: ObjectivePage, words: str, now: datetime) -> Card:
    sections = []
    for objective in page.objectives:
        section = objective_section(
            objective,
            page.members.get(objective.owner_id),
            page.teams.get(objective.team_id) if objective.team_id else None,
            now,
            key_results=len(page.key_results.get(objective.id or 0, [])),
        )
        details = Button("Details", ActionId.SHOW_OBJECTIVE, ObjectivePayload(o=objective.number).dump())
        sections.append(replace(section, buttons=(details,)))
    buttons: tuple[Button, ...] = ()
    if page.has_more:
        last = page.objectives[-1]
        more = ShowMorePayload(
            words=words, offset=page.offset + len(page.objectives), rank=last.level_rank, number=last.number
        )
        buttons = (Button("Show more", ActionId.SHOW_MORE, more.dump()),)
    if not sections:
        empty = "Nothing here yet." if page.offset == 0 else "No more objectives."
        sections.append(Section(text=f"{empty} okr new <title> creates an objective."))
    shown = f"{page.offset + 1}–{page.offset + len(page.objectives)}" if page.objectives else "0"
    return Card(
        title=f"{page.heading} · {page.cycle}",
        subtitle=f"Showing {shown}" + (" (more below)" if page.has_more else ""),
        sections=tuple(sections),
        buttons=buttons,
    )


def objective_card(detail: ObjectiveDetail, now: datetime, *, hints: tuple[str, ...] = ()) -> Card:
    o = detail.objective
    members = detail.members
    head = objective_section(o, members.get(o.owner_id), detail.team, now)
    facts = [*head.facts, Fact("Cycle", o.cycle)]
    if detail.parent is not None:
        facts.append(Fact("Aligned under", f"O{detail.parent.number} {detail.parent.title}"))
    # The card's title already names the objective: its first section carries the rest.
    sections = [Section(owner=head.owner, progress=head.progress, facts=tuple(facts))]
    active = o.state is ObjectiveState.ACTIVE
    sections += [
        key_result_section(kr, o.cycle, members.get(kr.owner_id or 0), now, buttons=active)
        for kr in detail.key_results
    ]
    if not detail.key_results:
        sections.append(Section(text="No key results yet.", depth=1))
    for child in detail.children:
        sections.append(
            Section(
                ref=f"O{child.number}",
                heading=child.title,
                text="aligned under this objective",
                owner=person(members.get(child.owner_id)),
                progress=objective_progress(child, now),
                depth=1,
            )
        )
    payload = ObjectivePayload(o=o.number).dump()
    buttons: list[Button] = []
    if active:
        buttons.append(Button("Add key result", ActionId.OPEN_NEW_KEY_RESULT, payload))
        archive_confirm = Confirm(
            title=f"Archive O{o.number}?",
            text=f"“{o.title}” will leave lists and roll-ups. Its history is kept.",
            confirm_label="Archive",
        )
        buttons.append(
            Button("Archive", ActionId.ARCHIVE_OBJECTIVE, payload, ButtonStyle.DANGER, archive_confirm)
        )
    if not o.private:
        buttons.append(Button("Share", ActionId.SHARE, SharePayload(ref=f"O{o.number}").dump()))
    return Card(
        title=f"O{o.number} {o.title}",
        subtitle=describe_level(o, detail.team),
        sections=tuple(sections),
        buttons=tuple(buttons),
        hints=hints,
    )


def key_result_card(detail: KeyResultDetail, now: datetime, *, hints: tuple[str, ...] = ()) -> Card:
    kr, o = detail.key_result, detail.objective
    head = key_result_section(kr, o.cycle, detail.members.get(kr.owner_id or 0), now, buttons=False)
    facts = [Fact("Objective", f"O{o.number} {o.title}"), Fact("Kind", kr.kind.value), *head.facts]
    sections = [Section(owner=head.owner, progress=head.progress, facts=tuple(facts))]
    for initiative in detail.initiatives:
        mark = "✓ done" if initiative.done else "open"
        sections.append(Section(ref=f"I{initiative.number}", heading=initiative.title, text=mark, depth=1))
    if detail.check_ins:
        shown = len(detail.check_ins)
        more = f" (latest {shown} of {detail.check_in_count})" if detail.check_in_count > shown else ""
        sections.append(Section(heading=f"Check-ins{more}", depth=1))
    for check_in in detail.check_ins:
        author = detail.members.get(check_in.author_id)
        words = [
            f"{bare_value(check_in.previous_value, kr.unit)} → {bare_value(check_in.value, kr.unit)}",
            check_in.created_at.strftime("%Y-%m-%d"),
        ]
        if check_in.confidence:
            words.append(check_in.confidence.value.replace("-", " "))
        if check_in.note:
            words.append(f"“{check_in.note}”")
        sections.append(Section(text=" · ".join(words), owner=person(author), depth=2))
    buttons: tuple[Button, ...] = (checkin_button(kr),) if o.state is ObjectiveState.ACTIVE else ()
    buttons += (Button("Objective", ActionId.SHOW_OBJECTIVE, ObjectivePayload(o=o.number).dump()),)
    return Card(
        title=f"KR{kr.number} {kr.title}",
        subtitle=f"Key result of O{o.number}",
        sections=tuple(sections),
        buttons=buttons,
        hints=hints,
    )


def checked_in_card(kr: KeyResult, objective: Objective, now: datetime, *, achieved: bool) -> Card:
    section = key_result_section(kr, objective.cycle, None, now, buttons=False)
    title = f"🎯 KR{kr.number} reached its target!" if achieved else f"Checked in on KR{kr.number}"
    return Card(
        title=title,
        tone=Tone.CELEBRATION if achieved else Tone.SUCCESS,
        sections=(section,),
        footer=f"O{objective.number} {objective.title} is now at {objective.progress:.0%}",
    )
