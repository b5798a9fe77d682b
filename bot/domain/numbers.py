"""Numbers as people type them in chat: `1,200`, `40%`, `$1.2k`, `3.5M`, `-2`, `99.9`."""

from __future__ import annotations

import math
import re

_NUMBER = re.compile(
    r"""^\s*
    (?P<sign>[-+−])?\s*
    (?P<currency>[$€£¥])?
    (?P<digits>\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?|\.\d+)
    \s*(?P<scale>[kKmMbB])?
    (?P<percent>%)?
    \s*$""",
    re.VERBOSE,
)
_SCALES = {"k": 1e3, "m": 1e6, "b": 1e9}
# A value beyond this is a typo, not a goal; it also keeps floats exact enough to compare.
MAX_ABS_VALUE = 1e15


def parse_number(text: str) -> float | None:
    """The value of `text`, or None when it is not a number someone would write in a goal."""
    match = _NUMBER.match(text)
    if match is None:
        return None
    value = float(match["digits"].replace(",", ""))
    if match["scale"]:
        value *= _SCALES[match["scale"].lower()]
    if match["sign"] in ("-", "−"):
        value = -value
    if not math.isfinite(value) or abs(value) > MAX_ABS_VALUE:
        return None
    return value


def unit_of(text: str) -> str | None:
    """The unit a number carries with it (`%` or a currency sign), if any."""
    match = _NUMBER.match(text)
    if match is None:
        return None
    if match["percent"]:
        return "%"
    return match["currency"] or None


def format_number(value: float) -> str:
    """A value as people read it: no trailing `.0`, thousands separated, at most two decimals."""
    if value == int(value) and abs(value) < 1e15:
        return f"{int(value):,}"
    return f"{value:,.2f}".rstrip("0").rstrip(".")


def format_value(value: float | None, unit: str | None) -> str:
    """A value with its unit: `$1,200`, `40%`, `200 customers`, `–` when there is none."""
    if value is None:
        return "–"
    number = format_number(value)
    if not unit:
        return number
    if unit in ("$", "€", "£", "¥"):
        return f"-{unit}{number[1:]}" if number.startswith("-") else f"{unit}{number}"
    if unit == "%":
        return f"{number}%"
    return f"{number} {unit}"
