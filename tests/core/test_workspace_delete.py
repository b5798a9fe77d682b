"""`okr workspace delete`: an admin removes every OKR of the workspace, after confirming; others cannot."""

from __future__ import annotations

from bot.views.actions import ActionId
from tests.harness import Harness


async def test_delete_asks_first_then_the_button_deletes_everything(company: Harness) -> None:
    before = await company.snapshot()

    asked = await company.say("workspace delete", admin=True)

    assert await company.snapshot() == before
    button = asked.cards[0].buttons[0]
    assert button.action is ActionId.DELETE_WORKSPACE and button.confirm is not None
    done = await company.press(button, admin=True)
    assert done.replace_original
    assert "Deleted this workspace's OKRs" in company.renderer.response(done)
    assert "Nothing here yet" in await company.text("list all")


async def test_yes_deletes_without_asking_and_leaves_other_workspaces(company: Harness) -> None:
    await company.ok("new Another company's goal", workspace="globex")

    await company.ok("workspace delete --yes", admin=True)

    rows = await company.snapshot()
    assert [o[1] for o in rows["objective"]] == [rows["workspace"][-1][0]]  # only globex's objective is left
    assert "Another company's goal" in await company.text("list", workspace="globex")


async def test_only_admins_may_delete(company: Harness) -> None:
    before = await company.snapshot()

    refused = await company.text("workspace delete --yes", who="sam", admin=False)

    assert refused == "✗ Only a workspace admin can delete the workspace's OKRs."
    assert await company.snapshot() == before


async def test_workspace_needs_the_delete_word(company: Harness) -> None:
    assert (await company.text("workspace rename")).startswith(
        '✗ The one workspace command is "okr workspace delete"'
    )
