"""Turn what people typed (O12, KR34, @jane, "Growth", 2026-Q4) into rows, or a clear error."""

from __future__ import annotations

from bot.commands.types import Ref, RefKind, UserRef
from bot.domain.cycles import Cycle
from bot.service.context import Context
from bot.service.errors import NotFound, OkrError
from bot.service.permissions import require_view
from storage.tables import Initiative, KeyResult, Member, Objective, Team


async def objective(ctx: Context, ref: Ref) -> Objective:
    found = await ctx.repo.objective(ref.number)
    if found is None:
        raise NotFound(
            f"There is no {ref} in this workspace.", "okr list all shows the objectives there are."
        )
    require_view(ctx, found, ref)
    return found


async def key_result(ctx: Context, ref: Ref) -> tuple[KeyResult, Objective]:
    found = await ctx.repo.key_result(ref.number)
    parent = await ctx.repo.objective_by_id(found.objective_id) if found is not None else None
    if found is None or parent is None:
        raise NotFound(
            f"There is no {ref} in this workspace.", "okr show O12 lists an objective's key results."
        )
    require_view(ctx, parent, ref)
    return found, parent


async def initiative(ctx: Context, ref: Ref) -> tuple[Initiative, KeyResult, Objective]:
    found = await ctx.repo.initiative(ref.number)
    if found is None:
        raise NotFound(
            f"There is no {ref} in this workspace.", "okr show KR34 lists a key result's initiatives."
        )
    kr = await ctx.repo.key_result_by_id(found.key_result_id)
    parent = await ctx.repo.objective_by_id(kr.objective_id) if kr is not None else None
    if kr is None or parent is None:
        raise NotFound(f"There is no {ref} in this workspace.")
    require_view(ctx, parent, ref)
    return found, kr, parent


def expect_kind(ref: Ref, *kinds: RefKind) -> None:
    if ref.kind not in kinds:
        wanted = " or ".join(
            {
                RefKind.OBJECTIVE: "an objective (O12)",
                RefKind.KEY_RESULT: "a key result (KR34)",
                RefKind.INITIATIVE: "an initiative (I5)",
            }[kind]
            for kind in kinds
        )
        raise OkrError(f"{ref} is not {wanted}.")


async def member(ctx: Context, who: UserRef) -> Member:
    """The member a mention names. Mentions with an id are trusted (the platform made them)."""
    if who.user_id is not None:
        if who.name is None and (known := await ctx.repo.member_by_user_id(who.user_id)) is not None:
            return known  # an id alone (a picked person) says nothing new: keep the name we have
        return await ctx.repo.upsert_member(user_id=who.user_id, display_name=who.name or who.user_id)
    name = (who.name or "").strip()
    if not name:
        raise OkrError("That mention names nobody.", "Mention someone like @jane.")
    if ctx.platform.mentions_are_names:
        found = await ctx.repo.member_by_user_id(name)
        return found or await ctx.repo.upsert_member(user_id=name, display_name=name)
    matches = await ctx.repo.members_named(name)
    if not matches:
        raise NotFound(
            f"I don't know @{name} in this workspace yet.", "Mention them so that the app can see who it is."
        )
    if len(matches) > 1:
        raise OkrError(f"More than one person here is called @{name}.", "Use a mention the app can resolve.")
    return matches[0]


async def team(ctx: Context, name: str) -> Team:
    found = await ctx.repo.team_named(name.strip())
    if found is None:
        raise NotFound(f'There is no team called "{name}".', f"okr team create {name} makes it.")
    return found


def cycle(ctx: Context, text: str | None) -> Cycle:
    if text is None:
        return ctx.current_cycle
    try:
        return Cycle.parse(text)
    except ValueError as error:
        raise OkrError(str(error)) from error
