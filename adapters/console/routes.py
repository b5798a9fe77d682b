"""The console's one route: a line typed in a terminal (what you would type after /okr) to the core and its
answer back as text; forms become prompts."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from pathlib import Path

from adapters.console.render import TextRenderer
from bot.core import OkrBot
from bot.invocation import ActionPress, Actor, CommandText, ConversationRef, FormSubmit, Invocation
from bot.views.cards import FieldKind, Form, FormField, Response

# Reads one line after showing a prompt; None at the end of the input.
ReadLine = Callable[[str], Awaitable[str | None]]
Write = Callable[[str], None]
MAX_FORM_TRIES = 3
GREETING = "okrbot console. Type what you would type after /okr (try: help, list all). Ctrl-D quits."


class EndOfInput(Exception):
    """The input ended in the middle of a form."""


class Console:
    def __init__(self, bot: OkrBot, actor: Actor, *, read: ReadLine, write: Write, files: Path) -> None:
        self.bot = bot
        self.actor = actor
        self.read = read
        self.write = write
        self.files = files  # where exports are written
        self.renderer = TextRenderer()
        self.conversation = ConversationRef(actor.platform, actor.workspace_id, "console")

    async def run(self) -> None:
        while (line := await self.read("okr> ")) is not None:
            if line.strip().lower() in ("quit", "exit"):
                break
            await self.handle_line(line)

    async def handle_line(self, line: str) -> None:
        text = line.strip()
        if not text or text.startswith("#"):
            return
        if text.isdigit() and int(text) in self.renderer.buttons:
            await self.press(int(text))
            return
        await self.show(await self.invoke(CommandText(text)))

    async def press(self, number: int) -> None:
        button = self.renderer.buttons[number]
        if button.confirm is not None:
            self.write(f"{button.confirm.title} {button.confirm.text}")
            answer = await self.read(f"{button.confirm.confirm_label}? [y/N] ")
            if (answer or "").strip().lower() not in ("y", "yes"):
                self.write("Left as it was.")
                return
        await self.show(await self.invoke(ActionPress(button.action, button.value)))

    async def invoke(self, what: CommandText | ActionPress | FormSubmit) -> Response:
        return await self.bot.handle(Invocation(self.actor, self.conversation, what))

    async def show(self, response: Response) -> None:
        if response.cards or response.errors:
            self.write(self.renderer.response(response))
        for attachment in response.attachments:
            path = self.files / attachment.filename
            path.write_text(attachment.content, encoding="utf-8")
            self.write(f"  Wrote {path}")
        if response.form is not None:
            await self.fill(response.form)

    async def fill(self, form: Form) -> None:
        """Ask for each field, submit, and ask again for the fields the bot says are wrong."""
        self.write(f"── {form.title} ──" + (f"\n{form.intro}" if form.intro else ""))
        values: dict[str, str | None] = {}
        to_ask = list(form.fields)
        for _ in range(MAX_FORM_TRIES):
            try:
                for field in to_ask:
                    values[field.name] = await self.ask(field)
            except EndOfInput:
                self.write("Cancelled.")
                return
            response = await self.invoke(FormSubmit(form.form_id, form.state, values))
            if not response.errors:
                await self.show(response)
                return
            self.write(self.renderer.response(response))
            to_ask = [field for field in form.fields if field.name in response.errors]
            if not to_ask:
                return
        self.write("Giving up on that form.")

    async def ask(self, field: FormField) -> str | None:
        """One field's answer (None when left empty with nothing to default to)."""
        label = field.label + ("" if field.required else " (optional)")
        if field.kind is FieldKind.CHOICE:
            options = ", ".join(f"{choice.value}={choice.label}" for choice in field.choices)
            label += f" [{options}]"
        if field.kind is FieldKind.CHECKBOX:
            label += " [y/N]"
        if field.initial:
            label += f" ({field.initial})"
        answer = await self.read(f"{label}: ")
        if answer is None:
            raise EndOfInput
        answer = answer.strip() or (field.initial or "")
        if field.kind is FieldKind.CHECKBOX:
            return "true" if answer.lower() in ("y", "yes", "true") else "false"
        if field.kind is FieldKind.USER:
            return answer.lstrip("@") or None  # console user ids are the names people type
        return answer or None
