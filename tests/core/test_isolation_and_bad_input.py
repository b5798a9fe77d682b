"""No workspace sees another's data, and bad input changes nothing anywhere."""

from __future__ import annotations

from bot.domain.enums import Platform
from bot.views.actions import ActionId
from bot.views.cards import Response
from tests.harness import Harness


async def test_workspaces_never_see_each_other(company: Harness) -> None:
    other = {"workspace": "globex", "admin": True}
    assert "Nothing here yet" in await company.ok("list all", **other)
    assert "There is no O1" in await company.text("show O1", **other)
    assert "There is no KR1" in await company.text("checkin KR1 40", **other)
    assert 'There is no team called "Growth"' in await company.text("list team Growth", **other)
    # Numbering is per workspace: Globex's first objective is its O1 too.
    await company.ok("new Globex goal", **other)
    assert "Globex goal" in await company.ok("show O1", **other)
    assert "Become the OKR tool" in await company.ok("show O1")
    export = await company.say("export json", **other)
    assert "Become the OKR tool" not in export.attachments[0].content
    # The same user id on another platform is another person in another workspace.
    assert "Nothing here yet" in await company.ok("list all", platform=Platform.SLACK, admin=True)


async def test_private_items_are_only_for_owner_and_admins(company: Harness) -> None:
    await company.ok("new Quiet plan --private", who="lee")  # O3
    await company.ok("kr O3 Reach 3 things", who="lee")  # KR4
    assert "O3 is private to its owner." in await company.text("show O3", who="sam")
    assert "KR4 is private to its owner." in await company.text("checkin KR4 1", who="sam")
    assert "Quiet plan" not in await company.ok("list all", who="sam")
    assert "Quiet plan" in await company.ok("list all", admin=True)
    assert "Quiet plan" in await company.ok("show O3", who="lee")


async def test_bad_input_gets_one_line_and_a_hint_and_writes_nothing(company: Harness) -> None:
    before = await company.snapshot()
    cases = {
        "show O99": "There is no O99 in this workspace.",
        "show X12": "is not",
        "new " + "x" * 5000: "That title is 5,000 characters long; keep it to 200.",
        "checkin KR1 lots": '"lots" is not a number',
        "align O1 under KR1": "needs an objective, like O12",
        "frobnicate": "Unknown command",
        "rename O2 " + "y" * 201: "keep it to 200",
        "team create " + "z" * 81: "keep it to 80",
        "owner KR1 @": "",
    }
    for text, expected in cases.items():
        response = await company.say(text, who="sam")
        rendered = company.renderer.response(response)
        assert rendered.startswith("✗ "), text
        assert expected in rendered, (text, rendered)
        assert len(response.cards) == 1 and "\n" not in response.cards[0].title
    assert await company.snapshot() == before


async def test_tampered_button_payloads_are_refused_politely(company: Harness) -> None:
    from bot.invocation import ActionPress

    before = await company.snapshot()
    for value in ("", "not json", '{"o": "x"}', '{"o": 1, "extra": true}', '{"kr": 1}'):
        response: Response = await company.invoke(ActionPress(ActionId.DELETE_OBJECTIVE, value))
        assert "out of date" in company.renderer.response(response), value
    assert await company.snapshot() == before


async def test_slack_style_mentions_resolve_by_id(okr: Harness) -> None:
    slack = {"platform": Platform.SLACK, "workspace": "T0001", "who": "U0MAYA"}
    await okr.ok("new Slack goal", **slack)
    await okr.ok("kr O1 Reach 10 wins --owner @{U0SAM|sam}", **slack)
    assert "@sam" in await okr.ok("show KR1", **slack)
    assert "I don't know @nobody" in await okr.text("owner KR1 @nobody", **slack)
    assert "KR1 now belongs to sam" in await okr.ok("owner KR1 @sam", **slack)  # known now, by name


async def test_a_refused_first_command_from_a_new_workspace_leaves_no_row(company: Harness) -> None:
    before = await company.snapshot()

    assert "There is no KR1" in await company.text("checkin KR1 40", workspace="newco")
    assert "Unknown command" in await company.text("frobnicate", workspace="newco")

    assert await company.snapshot() == before
