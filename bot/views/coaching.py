"""The coach's cards: check-in prompts and reminders, celebrations, digests, the end-of-cycle nudge."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime

from bot.domain.enums import ChannelPurpose, Status
from bot.domain.numbers import format_value
from bot.domain.schedules import Slot, zone
from bot.service.settings import MySettings, WorkspaceConfig
from bot.views.cards import Card, Fact, Progress, Section, Tone
from bot.views.okrs import bare_value, key_result_section, objective_progress, person
from storage.tables import KeyResult, Member, Objective

MAX_SECTIONS = 40  # well inside Slack's 50 blocks a message, with the title, hints and footer


def _checkin_sections(
    items: Sequence[tuple[KeyResult, Objective]], done: set[int], now: datetime
) -> tuple[Section, ...]:
    sections = []
    for kr, objective in items[:MAX_SECTIONS]:
        finished = kr.id in done
        section = key_result_section(kr, objective.cycle, None, now, buttons=not finished)
        facts = (Fact("Objective", f"O{objective.number} {objective.title}"), *section.facts)
        text = "✓ checked in" if finished else ""
        sections.append(replace(section, facts=facts, text=text))
    return tuple(sections)


def checkin_prompt(
    items: Sequence[tuple[KeyResult, Objective]], now: datetime, *, done: set[int] | None = None
) -> Card:
    """The check-in DM: each key result with its numbers and a Check in button; done ones marked."""
    done = done or set()
    left = [kr for kr, _ in items if kr.id not in done]
    if not left:
        return Card(
            title="Checked in ✓",
            subtitle="Thanks! Every key result on this list has a fresh check-in.",
            tone=Tone.SUCCESS,
            sections=_checkin_sections(items, done, now),
        )
    return Card(
        title="Time for your check-in",
        subtitle=f"{len(left)} of your key results could use a new value and a confidence.",
        sections=_checkin_sections(items, done, now),
        hints=(
            "Or type: okr checkin KR34 42 --confidence on-track",
            "okr pause until 2026-12-24 pauses these while you are away; okr settings changes when they come.",
        ),
    )


def reminder(
    items: Sequence[tuple[KeyResult, Objective]], now: datetime, *, done: set[int] | None = None
) -> Card:
    """The one reminder: only the key results still waiting."""
    done = done or set()
    card = checkin_prompt(items, now, done=done)
    if card.tone is Tone.SUCCESS:
        return card
    return replace(card, title="A gentle reminder to check in", hints=card.hints[:1])


@dataclass(frozen=True)
class Achievement:
    """What a celebration card says: who, what, from where to where, and the objective it moves."""

    key_result: KeyResult
    objective: Objective
    by: Member | None
    owner: Member | None


def key_result_celebration(achieved: Achievement, now: datetime) -> Card:
    kr, objective = achieved.key_result, achieved.objective
    start, current = bare_value(kr.start_value, kr.unit), format_value(kr.current_value, kr.unit)
    target = format_value(kr.target_value, kr.unit) if kr.target_value is not None else "its target"
    who = achieved.owner or achieved.by
    facts = [Fact("Moved", f"{start} → {current} (target {target})")]
    if achieved.by is not None and achieved.owner is not None and achieved.by.id != achieved.owner.id:
        facts.append(Fact("Checked in by", achieved.by.display_name))
    facts.append(Fact("Moves", f"O{objective.number} {objective.title}"))
    return Card(
        title=f"🎯 KR{kr.number} reached its target!",
        subtitle=f"{who.display_name if who else 'Someone'} did it: {kr.title}",
        tone=Tone.CELEBRATION,
        sections=(
            Section(
                ref=f"KR{kr.number}",
                heading=kr.title,
                owner=person(who),
                progress=Progress(1.0),
                facts=tuple(facts),
            ),
            Section(
                ref=f"O{objective.number}",
                heading=objective.title,
                text="the objective it moves",
                progress=objective_progress(objective, now),
                depth=1,
            ),
        ),
    )


def objective_celebration(objective: Objective, owner: Member | None, key_results: int) -> Card:
    return Card(
        title=f"🏆 O{objective.number} is achieved!",
        subtitle=f"Every key result of “{objective.title}” reached its target.",
        tone=Tone.CELEBRATION,
        sections=(
            Section(
                ref=f"O{objective.number}",
                heading=objective.title,
                owner=person(owner),
                progress=Progress(1.0),
                facts=(
                    Fact("Key results", f"{key_results} of {key_results} achieved"),
                    Fact("Cycle", objective.cycle),
                ),
            ),
        ),
    )


def cycle_ending(cycle: str, days_left: int, objectives: Sequence[Objective], now: datetime) -> Card:
    sections = [
        Section(ref=f"O{o.number}", heading=o.title, progress=objective_progress(o, now))
        for o in objectives[:MAX_SECTIONS]
    ]
    return Card(
        title=f"{cycle} ends in {days_left} day{'s' if days_left != 1 else ''}",
        subtitle="Time to score your objectives: a last check-in on each key result, then close the cycle.",
        tone=Tone.WARNING,
        sections=tuple(sections),
        hints=(
            "okr checkin KR34 <value> records where each key result ended.",
            f"An admin closes the cycle with okr cycle close {cycle} (the scores are the progress then).",
        ),
    )


# -- digests ----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class DigestLine:
    objective: Objective
    owner: Member | None
    status: Status
    previous: Status | None  # what the last digest said; None when it did not show this objective


@dataclass(frozen=True)
class Digest:
    heading: str  # "Acme" or a team's name
    cycle: str
    week: str
    lines: Sequence[DigestLine]
    at_risk: Sequence[tuple[KeyResult, Objective, Status]]
    stale: Sequence[tuple[KeyResult, Objective]]
    not_checked_in: Sequence[Member]


def _change(line: DigestLine) -> str | None:
    if line.previous is None:
        return "new this week"
    if line.previous is line.status:
        return None
    return f"{line.previous.label} → {line.status.label}"


def digest_card(digest: Digest, now: datetime) -> Card:
    sections: list[Section] = []
    for line in digest.lines[:20]:
        facts = (Fact("Since last week", change),) if (change := _change(line)) else ()
        sections.append(
            Section(
                ref=f"O{line.objective.number}",
                heading=line.objective.title,
                owner=person(line.owner),
                progress=objective_progress(line.objective, now),
                facts=facts,
            )
        )
    if not digest.lines:
        sections.append(Section(text="No objectives in this cycle yet."))
    if digest.at_risk:
        text = "\n".join(
            f"KR{kr.number} {kr.title} ({status.label}, O{o.number})" for kr, o, status in digest.at_risk[:10]
        )
        sections.append(Section(heading="At risk or behind", text=text))
    if digest.stale:
        text = "\n".join(f"KR{kr.number} {kr.title} (O{o.number})" for kr, o in digest.stale[:10])
        sections.append(Section(heading="No check-in for 14 days", text=text))
    if digest.not_checked_in:
        names = ", ".join(m.display_name for m in digest.not_checked_in[:30])
        sections.append(Section(heading="Not checked in this week", text=names))
    changed = sum(
        1 for line in digest.lines if line.previous is not None and line.previous is not line.status
    )
    return Card(
        title=f"Weekly OKR digest · {digest.heading} · {digest.cycle}",
        subtitle=(
            f"{digest.week}: {len(digest.lines)} objectives, {changed} changed status, "
            f"{len(digest.at_risk)} key results at risk or behind, {len(digest.stale)} stale"
        ),
        sections=tuple(sections),
        hints=("okr list at-risk shows what needs help; okr checkin KR34 <value> keeps things fresh.",),
    )


# -- settings ---------------------------------------------------------------------------------------------


def when_text(moment: datetime | None, tz: str) -> str:
    """`Mon 30 Nov 2026, 09:00 (Pacific/Auckland)`."""
    if moment is None:
        return "none"
    local = moment.astimezone(zone(tz))
    return f"{local:%a %d %b %Y, %H:%M} ({tz})"


def settings_card(settings: MySettings) -> Card:
    schedule = settings.slot.describe() if settings.slot else "off"
    facts = [
        Fact("Check-in prompts", f"{schedule} ({settings.source} setting)"),
        Fact("Your time zone", settings.tz),
    ]
    if settings.paused_until is not None:
        until = (
            "until you resume"
            if settings.paused_until == date.max
            else f"through {settings.paused_until:%a %d %b %Y}"
        )
        facts.append(Fact("Paused", until))
    if settings.slot is not None:
        facts.append(Fact("Next prompt", when_text(settings.next_prompt, settings.tz)))
    return Card(
        title="Your check-in settings",
        sections=(Section(facts=tuple(facts)),),
        hints=(
            "okr settings checkin friday 15:00 | off | default changes them; "
            "okr pause until 2026-12-24 pauses them.",
        ),
    )


def config_card(config: WorkspaceConfig) -> Card:
    default = config.default.describe() if config.default else "off"
    facts = [
        Fact(
            "Check-ins", f"{default}{'' if config.default_set else ' (the default)'}, in each person's zone"
        ),
        Fact("Reminder", f"{config.reminder_hours} h after a prompt" if config.reminder_hours else "off"),
    ]
    facts += [
        Fact(f"Check-ins · {rule.team.name}", rule.slot.describe() if rule.slot else "off")
        for rule in config.teams
    ]
    for setting, team in config.channels:
        scope = f" · {team.name}" if team else ""
        if (
            setting.purpose is ChannelPurpose.DIGEST
            and setting.weekday is not None
            and setting.minute is not None
        ):
            when = f", {Slot(setting.weekday, setting.minute).describe()} ({config.tz})"
        else:
            when = ""
        facts.append(Fact(f"{setting.purpose.value.capitalize()}{scope}", f"{setting.label}{when}"))
    if not config.channels:
        facts.append(Fact("Celebrations", "DMs to the owners (no channel set)"))
    return Card(
        title="Coaching settings",
        sections=(Section(facts=tuple(facts)),),
        hints=("okr help config shows how to change them.",),
    )


def replace_title(card: Card, title: str) -> Card:
    return replace(card, title=title, tone=Tone.SUCCESS)
