"""Cards as plain text for a terminal: progress bars, status marks, numbered buttons."""

from __future__ import annotations

import shutil

from bot.domain.enums import Status
from bot.views.cards import Button, Card, Progress, Response, Section, Tone

BAR_WIDTH = 16
STATUS_MARK = {Status.ON_TRACK: "● on track", Status.AT_RISK: "▲ at risk", Status.BEHIND: "■ behind"}
TONE_MARK = {
    Tone.SUCCESS: "✓ ",
    Tone.ERROR: "✗ ",
    Tone.WARNING: "! ",
    Tone.CELEBRATION: "🎉 ",
    Tone.NEUTRAL: "",
}


def progress_bar(progress: Progress) -> str:
    filled = round(max(0.0, min(1.0, progress.fraction)) * BAR_WIDTH)
    text = f"{'█' * filled}{'░' * (BAR_WIDTH - filled)} {progress.fraction:4.0%}"
    if progress.status is not None:
        text += f"  {STATUS_MARK[progress.status]}"
    if progress.expected is not None and progress.fraction < 1:
        text += f" (expected {progress.expected:.0%})"
    return text


class TextRenderer:
    """Renders responses and remembers the buttons it numbered, so that typing the number presses one."""

    def __init__(self) -> None:
        self.buttons: dict[int, Button] = {}
        self.width = min(shutil.get_terminal_size((100, 20)).columns, 110)

    def response(self, response: Response) -> str:
        self.buttons = {}
        parts = [self.card(card) for card in response.cards]
        parts += [f"✗ {field}: {message}" for field, message in response.errors.items()]
        return "\n\n".join(parts)

    def card(self, card: Card) -> str:
        lines = [f"{TONE_MARK[card.tone]}{card.title}"]
        if card.subtitle:
            lines.append(f"  {card.subtitle}")
        for section in card.sections:
            lines += self.section(section)
        if card.buttons:
            lines.append("  " + "  ".join(self.button(button) for button in card.buttons))
        if card.footer:
            lines.append(f"  {card.footer}")
        lines += [f"  ↳ {hint}" for hint in card.hints]
        return "\n".join(lines)

    def section(self, section: Section) -> list[str]:
        indent = "  " + "    " * section.depth
        lines = []
        heading = " ".join(part for part in (section.ref, section.heading) if part)
        owner = f"@{section.owner.name}" if section.owner else ""
        if heading:
            lines.append(f"{indent}{heading}  {owner}".rstrip())
            if section.text:
                lines.append(f"{indent}  {section.text}")
        elif section.text:
            lines.append(f"{indent}{owner}: {section.text}" if owner else f"{indent}{section.text}")
        elif owner and section.progress is None:
            lines.append(f"{indent}{owner}")
        if section.progress is not None:
            by = f"  {owner}" if owner and not heading and not section.text else ""
            lines.append(f"{indent}  {progress_bar(section.progress)}{by}")
        if section.facts:
            lines.append(f"{indent}  " + " · ".join(f"{fact.label}: {fact.value}" for fact in section.facts))
        if section.buttons:
            lines.append(f"{indent}  " + "  ".join(self.button(button) for button in section.buttons))
        return lines

    def button(self, button: Button) -> str:
        number = len(self.buttons) + 1
        self.buttons[number] = button
        return f"[{number}] {button.label}"
