"""The dashboard (Slack's App Home): a member's own OKRs, check-ins due, and a New objective action."""

from __future__ import annotations

from datetime import timedelta

from bot.domain.enums import Platform
from bot.invocation import Actor
from bot.views.actions import ActionId
from tests.harness import Harness


def _actor(who: str) -> Actor:
    return Actor(Platform.CONSOLE, "acme", user_id=who, display_name=who, tz="UTC")


async def test_dashboard_lists_my_objectives_and_due_check_ins(company: Harness) -> None:
    cards = await company.bot.dashboard(_actor("sam"))

    summary, due, objectives = cards
    assert summary.title == "Your OKRs · 2026-Q4"
    assert "2 key result(s) you own, 2 check-in(s) due" in (summary.subtitle or "")
    assert [b.action for b in summary.buttons] == [ActionId.OPEN_NEW_OBJECTIVE]
    assert [s.ref for s in due.sections] == ["KR2", "KR3"]
    assert all(s.buttons[0].action is ActionId.OPEN_CHECKIN for s in due.sections)
    assert [s.ref for s in objectives.sections] == ["O1", "O2"]


async def test_a_recent_check_in_is_no_longer_due(company: Harness) -> None:
    await company.ok("checkin KR3 10", who="sam")
    company.clock[0] += timedelta(days=6)

    cards = await company.bot.dashboard(_actor("sam"))

    assert [s.ref for s in cards[1].sections] == ["KR2"]


async def test_new_objective_button_opens_the_form(company: Harness) -> None:
    summary = (await company.bot.dashboard(_actor("lee")))[0]

    response = await company.press(summary.buttons[0], who="lee")

    assert response.form is not None and response.form.title == "New objective"


async def test_a_newcomer_sees_an_empty_dashboard(okr: Harness) -> None:
    cards = await okr.bot.dashboard(_actor("new"))

    assert len(cards) == 2  # the summary and an empty list, no check-ins due
    assert "Nothing here yet" in cards[1].sections[0].text
