"""Short answers: done, failed, help."""

from __future__ import annotations

from bot.views.cards import Card, Response, Section, Tone


def notice(title: str, text: str = "", *, hints: tuple[str, ...] = ()) -> Response:
    sections = (Section(text=text),) if text else ()
    return Response.card(Card(title=title, sections=sections, tone=Tone.SUCCESS, hints=hints))


def error(message: str, hint: str | None = None) -> Response:
    return Response.card(Card(title=message, tone=Tone.ERROR, hints=(hint,) if hint else ()))


def help_card(text: str) -> Response:
    return Response.card(Card(title="okr help", sections=(Section(text=text),)))
