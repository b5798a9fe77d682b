"""A member's own dashboard (Slack's App Home): their OKRs, what needs attention, and quick actions."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta

from bot.domain.enums import Status
from bot.service.reading import ObjectivePage
from bot.views.actions import ActionId, NoPayload
from bot.views.cards import Button, ButtonStyle, Card, Tone
from bot.views.okrs import key_result_section, list_card, objective_progress
from storage.tables import KeyResult, Member

# A key result whose owner has not checked in for a week is due: check-ins are weekly by default.
CHECKIN_DUE_AFTER = timedelta(days=7)


def checkin_due(kr: KeyResult, now: datetime) -> bool:
    if kr.achieved_at is not None:
        return False
    return kr.last_checkin_at is None or now - kr.last_checkin_at >= CHECKIN_DUE_AFTER


def dashboard_cards(page: ObjectivePage, me: Member, now: datetime) -> tuple[Card, ...]:
    mine = [kr for krs in page.key_results.values() for kr in krs if kr.owner_id == me.id]
    due = [kr for kr in mine if checkin_due(kr, now)]
    at_risk = [
        o for o in page.objectives if objective_progress(o, now).status in (Status.AT_RISK, Status.BEHIND)
    ]
    new_objective = Button(
        "New objective", ActionId.OPEN_NEW_OBJECTIVE, NoPayload().dump(), ButtonStyle.PRIMARY
    )
    summary = Card(
        title=f"Your OKRs · {page.cycle}",
        subtitle=(
            f"{len(page.objectives)} objective(s), {len(mine)} key result(s) you own, "
            f"{len(due)} check-in(s) due, {len(at_risk)} at risk or behind"
        ),
        buttons=(new_objective,),
        hints=("Type /okr help for every command.",),
    )
    cards = [summary]
    if due:
        sections = tuple(key_result_section(kr, page.cycle.name, me, now, buttons=True) for kr in due)
        cards.append(Card(title="Check-ins due", sections=sections, tone=Tone.WARNING))
    # The list's own "Show more" continues the typed command, which is `list` here.
    cards.append(replace(list_card(page, "list", now), title=f"Your objectives · {page.cycle}"))
    return tuple(cards)
