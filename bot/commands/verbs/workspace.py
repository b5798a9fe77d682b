"""`okr workspace delete`: remove every OKR of this workspace, after an admin confirms."""

from __future__ import annotations

from bot.commands.grammar import Args
from bot.commands.types import WorkspaceDelete
from bot.commands.verb import Verb
from bot.service import permissions
from bot.service.context import Context
from bot.views import messages
from bot.views.actions import ActionId, NoPayload
from bot.views.cards import Button, ButtonStyle, Card, Confirm, Response, Section, Tone


def parse_workspace(args: Args) -> WorkspaceDelete:
    options = args.options(flags=("yes",))
    action = args.pop()
    if action is None or action.text.lower() != "delete":
        args.fail('The one workspace command is "okr workspace delete"')
    args.end()
    return WorkspaceDelete(options.flag("yes"))


async def run_workspace(ctx: Context, command: WorkspaceDelete, words: str) -> Response:
    permissions.require_admin(ctx, "delete the workspace's OKRs")
    if not command.confirmed:
        return _confirm_workspace_delete()
    await ctx.repo.delete_workspace()
    return messages.notice(
        "Deleted this workspace's OKRs", "Every objective, key result, check-in and team is gone."
    )


def _confirm_workspace_delete() -> Response:
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


WORKSPACE = Verb(
    name="workspace",
    usage="okr workspace delete [--yes]",
    summary="Delete all of this workspace's OKR data, after you confirm (admins only).",
    examples=("okr workspace delete",),
    commands=(WorkspaceDelete,),
    parse=parse_workspace,
    run=run_workspace,
)
