"""Slack's mrkdwn: escaping people's text, mentions, progress bars and status emoji, and Slack's length rules."""

from __future__ import annotations

import re

from bot.domain.enums import Status
from bot.views.cards import Person, Progress, Tone

BAR_WIDTH = 10
STATUS_EMOJI = {Status.ON_TRACK: "🟢", Status.AT_RISK: "🟡", Status.BEHIND: "🔴"}
TONE_EMOJI = {
    Tone.NEUTRAL: "",
    Tone.SUCCESS: "✅",
    Tone.WARNING: "⚠️",
    Tone.ERROR: "❌",
    Tone.CELEBRATION: "🎉",
}

# What stays a live Slack token in text we show: user and channel mentions (`<@U123>`, `<@U123|jane>`,
# `<#C123|general>`) and links. Broadcasts (`<!here>`, `<!channel>`) are escaped: the bot never pings a room
# because someone's note contained one.
_KEPT = re.compile(r"<(?:@[UW][A-Z0-9]+|#C[A-Z0-9]+|(?:https?|mailto):[^<>|\s]+)(?:\|[^<>]*)?>")
# The neutral mentions the inbound translation wrote (bot/invocation.py), drawn back as Slack's own.
_IDENTIFIED = re.compile(r"@\{([UW][A-Z0-9]+)\|([^{}<>]*)\}|#\{(C[A-Z0-9]+)\|([^{}<>]*)\}")
_KEPT_OR_IDENTIFIED = re.compile(f"{_KEPT.pattern}|{_IDENTIFIED.pattern}")
# Slack's markup for a person or a channel in text Slack sent us (names have no `<>`).
_SLACK_MARKUP = re.compile(r"<([@#])([A-Za-z0-9]+)(?:\|([^<>]*))?>")
_SLACK_USER_ID = re.compile(r"[UW][A-Z0-9]{2,}")
_ESCAPES = {"&": "&amp;", "<": "&lt;", ">": "&gt;"}


def escape(text: str) -> str:
    """`text` safe to put in mrkdwn: `&`, `<`, `>` escaped, except inside the mentions and links it carries."""
    parts: list[str] = []
    start = 0
    # Most text has no neutral mention: it keeps to the shorter pattern, as escaping runs on every line drawn.
    kept_here = _KEPT_OR_IDENTIFIED if "{" in text else _KEPT
    for match in kept_here.finditer(text):
        parts.append(_escape_all(text[start : match.start()]))
        kept = match.group(0)
        if kept[0] != "<":  # @{U1|jane} -> <@U1|jane>, #{C1|} -> <#C1>
            sigil, (slack_id, name) = kept[0], (match[1], match[2]) if match[1] else (match[3], match[4])
            kept = f"<{sigil}{slack_id}|{name}>" if name else f"<{sigil}{slack_id}>"
        parts.append(kept)
        start = match.end()
    parts.append(_escape_all(text[start:]))
    return "".join(parts)


def _escape_all(text: str) -> str:
    return "".join(_ESCAPES.get(char, char) for char in text)


def unescape(text: str) -> str:
    """Text as Slack sends it (a literal `<` arrives as `&lt;`) back to what the person typed.

    Mentions and links stay in their `<...>` form (`neutral_mentions` turns the mentions into the core's)."""
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


def neutral_mentions(text: str) -> str:
    """Slack's `<@U123|jane>` and `<#C123|general>` as the core's `@{U123|jane}` and `#{C123|general}`
    (bot/invocation.py). Broadcasts (`<!here>`) and links stay as they are: ordinary text to the core."""
    if "<" not in text:
        return text
    return _SLACK_MARKUP.sub(_neutral, text)


def _neutral(match: re.Match[str]) -> str:
    name = (match[3] or "").replace("{", "").replace("}", "")
    return f"{match[1]}{{{match[2]}|{name}}}"


def is_slack_user_id(user_id: str) -> bool:
    return _SLACK_USER_ID.fullmatch(user_id) is not None


def mention(person: Person) -> str:
    """`<@U123>` for a Slack member; the escaped name for anyone else (a console or imported member)."""
    return f"<@{person.user_id}>" if is_slack_user_id(person.user_id) else escape(person.name)


def bold(text: str) -> str:
    """Bold, escaped text. Slack ends bold at a `*` inside it, so those are shown as a look-alike."""
    return f"*{escape(text).replace('*', '∗')}*" if text.strip() else ""


def progress_bar(progress: Progress) -> str:
    """`▓▓▓▓▓░░░░░ 50%  🟡 at risk · expected 60%`, in a code span so that the bar keeps its width."""
    fraction = max(0.0, min(1.0, progress.fraction))
    filled = round(fraction * BAR_WIDTH)
    text = f"`{'█' * filled}{'░' * (BAR_WIDTH - filled)}` {progress.fraction:.0%}"
    if progress.status is not None:
        text += f"  {STATUS_EMOJI[progress.status]} {progress.status.label}"
    if progress.expected is not None and progress.fraction < 1:
        text += f" · expected {progress.expected:.0%}"
    return text


def slack_length(text: str) -> int:
    """Length as Slack counts it (UTF-16 code units), so an emoji outside the BMP counts as two."""
    return len(text.encode("utf-16-le")) // 2


def clip(text: str, limit: int) -> str:
    """`text` cut to `limit` (Slack's count) with an ellipsis; for labels where the full text is shown elsewhere."""
    if slack_length(text) <= limit:
        return text
    cut = text[: limit - 1]
    while slack_length(cut) > limit - 1:
        cut = cut[:-1]
    return cut.rstrip() + "…"


def split_text(text: str, limit: int) -> list[str]:
    """`text` in pieces of at most `limit` (Slack's count), cut at line ends, then spaces, when it can be."""
    pieces: list[str] = []
    rest = text
    while slack_length(rest) > limit:
        head = rest[:limit]
        while slack_length(head) > limit:
            head = head[:-1]
        cut = max(head.rfind("\n"), head.rfind(" "))
        if cut <= len(head) // 2:
            cut = len(head)
        # Never split an escape (`&amp;`) or a mention in two.
        token = max(head.rfind("&", 0, cut), head.rfind("<", 0, cut))
        if token > 0 and token > max(head.rfind(";", 0, cut), head.rfind(">", 0, cut)):
            cut = token
        pieces.append(rest[:cut].rstrip())
        rest = rest[cut:].lstrip("\n ")
    if rest or not pieces:
        pieces.append(rest)
    return pieces
