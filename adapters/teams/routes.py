"""One Bot Framework turn: a message, a card action, an install. Translates, asks the core, draws the answer."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from http import HTTPStatus
from typing import Any, TypeVar

from botbuilder.core import MessageFactory, TurnContext
from botbuilder.core.teams import TeamsInfo
from botbuilder.schema import ActivityTypes, ChannelAccount
from botbuilder.schema.teams import TeamsChannelAccount
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel.ext.asyncio.session import AsyncSession

from adapters.teams import inbound, references, render, reply
from adapters.teams.install import link_members, roster, welcome_card
from bot.core import OkrBot
from bot.invocation import ActionPress, CommandText, FormSubmit, Invocation
from bot.views.actions import ActionId, FormId
from bot.views.cards import Choice, FieldKind, Form, Response
from storage.repository import WorkspaceRepository

log = logging.getLogger(__name__)
T = TypeVar("T")

ADAPTIVE_CARD_ACTION = "adaptiveCard/action"
INSTALL_ACTIONS = ("add", "add-upgrade")
PEOPLE_MAX = 500  # choices in a person picker; a bigger tenant types to filter them

# How to get a form back from the core, to redraw it with a submission's errors: the same press or command
# that opened it, with the form's own state as the payload.
REOPEN: dict[FormId, ActionPress | CommandText] = {
    FormId.CHECKIN: ActionPress(ActionId.OPEN_CHECKIN, ""),
    FormId.NEW_KEY_RESULT: ActionPress(ActionId.OPEN_NEW_KEY_RESULT, ""),
    FormId.NEW_OBJECTIVE: CommandText("new"),
}


class TeamsRoutes:
    def __init__(self, okr: OkrBot) -> None:
        self.okr = okr
        # Teams sends installationUpdate and conversationUpdate for one install at the same moment; in one
        # process they take turns (across processes, the unique keys and `_again_on_conflict` settle it).
        self._installing = asyncio.Lock()

    @property
    def sessions(self) -> async_sessionmaker[AsyncSession]:
        return self.okr.sessions

    async def on_turn(self, context: TurnContext) -> None:
        activity = context.activity
        tenant = inbound.tenant_id(activity)
        if tenant is None:
            # Every Teams activity names its tenant; anything else is not a Teams conversation we can serve.
            log.warning(
                "ignored a %s activity without a tenant (channel %s)", activity.type, activity.channel_id
            )
            if activity.type == ActivityTypes.invoke:
                await reply.invoke_answer(
                    context, reply.error_body("This bot works in Microsoft Teams only.")
                )
            return
        if activity.type == ActivityTypes.message:
            await self._remember(context, tenant)
            await self._message(context, tenant)
        elif activity.type == ActivityTypes.invoke and activity.name == ADAPTIVE_CARD_ACTION:
            await self._remember(context, tenant)
            await self._execute(context, tenant)
        elif activity.type == ActivityTypes.installation_update:
            if (activity.action or "") in INSTALL_ACTIONS:
                await self._install(context, tenant)
        elif activity.type == ActivityTypes.conversation_update:
            await self._members_added(context, tenant)

    # ------------------------------------------------------------------------------------ remembering

    async def _remember(self, context: TurnContext, tenant: str) -> bool:
        """Store a fresh reference (and who wrote) on every activity; True when the conversation is new."""
        return await _again_on_conflict(lambda: self._store_reference(context, tenant))

    async def _store_reference(self, context: TurnContext, tenant: str) -> bool:
        activity = context.activity
        kind = inbound.conversation_type(activity)
        seen = references.Seen(
            conversation_id=inbound.base_conversation_id(activity.conversation.id),
            kind=kind,
            user_id=inbound.user_id(activity.from_property)
            if kind == inbound.PERSONAL and activity.from_property and activity.from_property.role != "bot"
            else None,
            reference=inbound.reference_json(activity),
        )
        async with self.sessions() as session, session.begin():
            workspace = await references.workspace_of(session, tenant, default_tz=self.okr.default_tz)
            assert workspace.id is not None
            now = self.okr.clock()
            new = await references.remember_conversation(session, workspace.id, seen, now=now)
            sender = activity.from_property
            if sender is not None and sender.id and sender.role != "bot" and activity.service_url:
                await references.remember_user(
                    session,
                    workspace.id,
                    user_id=inbound.user_id(sender),
                    aad_object_id=sender.aad_object_id,
                    service_url=activity.service_url,
                    now=now,
                )
        return new

    # --------------------------------------------------------------------------------------- messages

    async def _message(self, context: TurnContext, tenant: str) -> None:
        activity = context.activity
        press = inbound.card_press(activity.value) if activity.value is not None else None
        if activity.value is not None and press is None:
            return  # a card from someone else's app, or data we never made
        await self._link_mentioned(context, tenant)
        what: CommandText | ActionPress | FormSubmit = press or CommandText(inbound.command_text(activity))
        response = await self._ask(context, tenant, what)
        # An Action.Submit (the fallback for old clients) comes back as a message replying to the card.
        card_id = activity.reply_to_id if press is not None else None
        if isinstance(what, FormSubmit):
            await self._answer_submission(context, tenant, what, response, card_id)
        elif card_id and response.replace_original and response.cards:
            await reply.update(context, card_id, render.card(response.cards[0]))
            await self._send(context, tenant, response, skip_first=True)
        else:
            await self._send(context, tenant, response)

    async def _answer_submission(
        self, context: TurnContext, tenant: str, what: FormSubmit, response: Response, card_id: str | None
    ) -> None:
        if response.errors:
            redrawn = await self._redraw_form(context, tenant, what, response.errors)
            if card_id and redrawn is not None:
                await reply.update(context, card_id, redrawn)
            else:
                await self._send(context, tenant, response)
            return
        if card_id and response.cards:
            # The form turns into its result ("checked in ✓") instead of staying clickable.
            await reply.update(context, card_id, render.card(response.cards[0]))
            await self._send(context, tenant, response, skip_first=True)
        else:
            await self._send(context, tenant, response)

    async def _send(
        self, context: TurnContext, tenant: str, response: Response, *, skip_first: bool = False
    ) -> None:
        cards = [render.card(card) for card in response.cards[1 if skip_first else 0 :]]
        if response.form is not None:
            cards.append(render.form(response.form, people=await self._people(tenant, response.form)))
        if response.errors and not cards:
            text = "\n".join(f"⚠ {message}" for message in response.errors.values())
            await context.send_activity(MessageFactory.text(text))
        for card in cards:
            await context.send_activity(reply.card_activity(card))
        for attachment in response.attachments:
            await context.send_activity(MessageFactory.text(reply.attachment_text(attachment)))

    async def _people(self, tenant: str, form: Form) -> tuple[Choice, ...]:
        """The choices for a form's person fields: the workspace's members, by name, with their Teams ids."""
        if not any(field.kind is FieldKind.USER for field in form.fields):
            return ()
        async with self.sessions() as session:
            workspace = await references.workspace_of(session, tenant, default_tz=self.okr.default_tz)
            assert workspace.id is not None
            members = await references.members_by_name(session, workspace.id, limit=PEOPLE_MAX)
        return tuple(Choice(member.platform_user_id, member.display_name) for member in members)

    async def _link_mentioned(self, context: TurnContext, tenant: str) -> None:
        """People mentioned in a command become members first, so the core can find them by name."""
        mentioned = inbound.other_mentions(context.activity)
        if not mentioned:
            return
        accounts = [_teams_account(account) for account in mentioned if account.id]
        await _again_on_conflict(
            lambda: link_members(
                self.sessions,
                tenant=tenant,
                default_tz=self.okr.default_tz,
                now=self.okr.clock(),
                service_url=context.activity.service_url or "",
                members=accounts,
            )
        )

    async def _ask(
        self, context: TurnContext, tenant: str, what: CommandText | ActionPress | FormSubmit
    ) -> Response:
        activity = context.activity
        known = (
            None if (activity.from_property.name or "").strip() else await self._known_name(context, tenant)
        )
        who = inbound.actor(activity, tenant, known_name=known)
        return await self.okr.handle(Invocation(who, inbound.conversation(activity, tenant), what))

    async def _known_name(self, context: TurnContext, tenant: str) -> str | None:
        async with self.sessions() as session:
            workspace = await references.workspace_of(session, tenant, default_tz=self.okr.default_tz)
            assert workspace.id is not None
            repo = WorkspaceRepository(session=session, workspace_id=workspace.id)
            member = await repo.member_by_user_id(inbound.user_id(context.activity.from_property))
            return member.display_name if member is not None else None

    async def _redraw_form(
        self, context: TurnContext, tenant: str, what: FormSubmit, errors: dict[str, str]
    ) -> dict[str, Any] | None:
        opener = REOPEN[what.form]
        if isinstance(opener, ActionPress):
            opener = ActionPress(opener.action, what.state)
        reopened = await self._ask(context, tenant, opener)
        form: Form | None = reopened.form
        if form is None:
            return None
        return render.form(form, values=what.values, errors=errors, people=await self._people(tenant, form))

    # ---------------------------------------------------------------------------- Action.Execute invoke

    async def _execute(self, context: TurnContext, tenant: str) -> None:
        press = inbound.card_press(inbound.execute_data(context.activity))
        if press is None:
            await reply.invoke_answer(
                context, reply.error_body("That card action is not one of mine."), HTTPStatus.OK
            )
            return
        response = await self._ask(context, tenant, press)
        if isinstance(press, FormSubmit):
            if response.errors:
                redrawn = await self._redraw_form(context, tenant, press, response.errors)
                if redrawn is not None:
                    await reply.invoke_answer(context, reply.card_body(redrawn))
                    return
            elif response.cards:
                await self._send(context, tenant, response, skip_first=True)
                await reply.invoke_answer(context, reply.card_body(render.card(response.cards[0])))
                return
        elif response.replace_original and response.cards:
            await self._send(context, tenant, response, skip_first=True)
            await reply.invoke_answer(context, reply.card_body(render.card(response.cards[0])))
            return
        await self._send(context, tenant, response)
        # The card stays as it was; Teams shows nothing more for this "message" answer.
        await reply.invoke_answer(context, reply.done_body())

    # --------------------------------------------------------------------------------------- installs

    async def _members_added(self, context: TurnContext, tenant: str) -> None:
        activity = context.activity
        added = activity.members_added or []
        bot_id = activity.recipient.id if activity.recipient else None
        if any(member.id == bot_id for member in added):
            await self._install(context, tenant)
        elif added and inbound.conversation_type(activity) != inbound.PERSONAL:
            # New people in a team the bot is already in: link them too (the update names them by id only).
            members = [await TeamsInfo.get_member(context, member.id) for member in added if member.id]
            await self._link(context, tenant, members)

    async def _link(self, context: TurnContext, tenant: str, members: list[TeamsChannelAccount]) -> int:
        """Link the roster's `members` to the tenant's workspace; how many were new."""
        return await link_members(
            self.sessions,
            tenant=tenant,
            default_tz=self.okr.default_tz,
            now=self.okr.clock(),
            service_url=context.activity.service_url or "",
            members=members,
        )

    async def _install(self, context: TurnContext, tenant: str) -> None:
        async with self._installing:
            await self._install_once(context, tenant)

    async def _install_once(self, context: TurnContext, tenant: str) -> None:
        activity = context.activity
        new = await self._remember(context, tenant)
        members = await roster(context)
        created = await _again_on_conflict(lambda: self._link(context, tenant, members))
        log.info("installed in %s (%d members, %d new)", activity.conversation.id, len(members), created)
        if new:
            # Teams sends both installationUpdate and conversationUpdate on install: greet once.
            personal = inbound.conversation_type(activity) == inbound.PERSONAL
            await context.send_activity(reply.card_activity(render.card(welcome_card(personal=personal))))


# ------------------------------------------------------------------------------------------- helpers


async def _again_on_conflict(work: Callable[[], Awaitable[T]]) -> T:
    """Run a transaction; once more if another instance inserted the same row meanwhile (it exists now)."""
    try:
        return await work()
    except IntegrityError:
        log.info("a concurrent Teams activity stored the same rows first; trying again")
        return await work()


def _teams_account(account: ChannelAccount) -> TeamsChannelAccount:
    return TeamsChannelAccount(id=account.id, name=account.name, aad_object_id=account.aad_object_id)
