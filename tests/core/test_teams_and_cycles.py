"""Teams and cycles: membership rules, listing cycles, closing one with a score."""

from __future__ import annotations

from datetime import UTC, datetime

from tests.harness import Harness


async def test_team_create_and_add(okr: Harness) -> None:
    assert "Created the team Design" in await okr.ok("team create Design", who="ari")
    assert 'already a team called "design"' in await okr.text("team create design", who="ari")
    assert "Added to Design: kim, lou" in await okr.ok("team add Design @kim @lou", who="ari")
    assert "Already in it: kim." in await okr.ok("team add Design @kim", who="ari")
    assert "Only members of Design or an admin" in await okr.text("team add Design @zed", who="zed")


async def test_cycle_list_and_close_with_scores(company: Harness) -> None:
    await company.ok("checkin KR1 40")  # KR1 50%
    await company.ok("checkin KR2 200", who="sam")  # KR2 100%
    await company.ok("checkin KR3 15", who="sam")  # O2 100%
    assert "Only a workspace admin can close a cycle." in await company.text("cycle close 2026-Q4", who="sam")
    closed = await company.say("cycle close 2026-Q4")
    text = company.renderer.response(closed)
    # O1: KR1 .5, KR2 1, child O2 1 -> 2.5 / 3 = .83; O2: 1.0; cycle mean .92
    assert "2026-Q4 is closed" in text and "2 objectives · score 0.92" in text
    assert "O1 Become the OKR tool small teams love" in text and "0.83 · yellow · committed" in text
    assert "1.00 · green · committed" in text
    assert "already closed" in await company.text("cycle close 2026-Q4")
    cycles = await company.ok("cycle list")
    assert "2026-Q4" in cycles and "Score: 0.92" in cycles
    assert "is closed; it no longer changes" in await company.text("checkin KR1 45")
    assert "2026-Q4 is closed" in await company.text("new Late one --cycle 2026-Q4")
    assert "Score: 0.8 (yellow)" in await company.ok("show O1")


async def test_cycles_in_the_future_or_past(company: Harness) -> None:
    assert "has not started yet" in await company.text("cycle close 2027-Q1")
    assert "is not a cycle" in await company.text("cycle close 2026-Q9")
    assert "2026-Q3 is over" in await company.text("new Old --cycle 2026-Q3")
    planned = await company.ok("new Next quarter --cycle 2027-Q1")
    assert "Cycle: 2027-Q1" in planned
    assert "Next quarter" in await company.ok("list cycle 2027-Q1")
    assert "Next quarter" not in await company.ok("list")


async def test_current_cycle_follows_the_callers_time_zone(okr: Harness) -> None:
    # 2026-12-31 20:00 UTC is already 2027-01-01 in Auckland.
    okr.clock[0] = datetime(2026, 12, 31, 20, 0, tzinfo=UTC)
    from bot.invocation import Actor  # local: only this test needs a non-UTC actor

    original = okr.actor
    okr.actor = lambda who, **kw: Actor(
        kw["platform"], kw["workspace"], who, who, "Pacific/Auckland", kw["admin"]
    )  # type: ignore[method-assign]
    try:
        assert "Cycle: 2027-Q1" in await okr.ok("new Kiwi plan")
    finally:
        okr.actor = original  # type: ignore[method-assign]
    assert "Cycle: 2026-Q4" in await okr.ok("new London plan", who="sam")
