"""Log lines: one JSON object per line in production (for a log pipeline), readable text everywhere else.

Every line written while a request is being handled carries its request id (adapters/ops/requests.py sets it),
including lines from the work a request started in the background: asyncio tasks copy the context they were
created in.
"""

from __future__ import annotations

import json
import logging
import sys
from contextvars import ContextVar
from datetime import UTC, datetime
from typing import Any, TextIO

from bot.config import Settings

REQUEST_ID: ContextVar[str | None] = ContextVar("okrbot_request_id", default=None)

READABLE_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"

# Loggers that would say too much at INFO: aiohttp's access log repeats our own request line, and with the
# query string (which may carry an OAuth code); APScheduler logs two lines a minute for every tick, whose lag
# is a metric now. Their warnings (a missed tick, a server error) still show.
QUIET_LOGGERS = ("aiohttp.access", "apscheduler")

# What every LogRecord has; anything else on a record came from `extra=` and goes into the JSON object.
_RECORD_FIELDS = frozenset(vars(logging.LogRecord("", 0, "", 0, "", None, None))) | {"message", "asctime"}


class RequestIdFilter(logging.Filter):
    """Puts the current request's id (or None) on every record, for both formats."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = REQUEST_ID.get()
        return True


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time, level, logger, message, request_id (when there is one), extra fields."""

    def format(self, record: logging.LogRecord) -> str:
        line: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
        }
        request_id = getattr(record, "request_id", None)
        if request_id is not None:
            line["request_id"] = request_id
        for name, value in vars(record).items():
            if name not in _RECORD_FIELDS and name != "request_id" and not name.startswith("_"):
                line[name] = value
        if record.exc_info:
            line["exception"] = self.formatException(record.exc_info)
        if record.stack_info:
            line["stack"] = self.formatStack(record.stack_info)
        return json.dumps(line, default=str, ensure_ascii=False)


class ReadableFormatter(logging.Formatter):
    """The usual `time LEVEL logger: message`, with `[request <id>]` at the end during a request."""

    def __init__(self) -> None:
        super().__init__(READABLE_FORMAT)

    def format(self, record: logging.LogRecord) -> str:
        text = super().format(record)
        request_id = getattr(record, "request_id", None)
        if request_id is None:
            return text
        first, newline, rest = text.partition("\n")  # after the message, not after a traceback
        return f"{first} [request {request_id}]{newline}{rest}"


def configure_logging(settings: Settings, *, level: int = logging.INFO, stream: TextIO | None = None) -> None:
    """Send this process's logs to `stream` (stderr): JSON lines when OKRBOT_ENV=production, text otherwise.

    Replaces whatever handlers the root logger had, so calling it again (tests, a second command) is safe.
    """
    handler = logging.StreamHandler(stream if stream is not None else sys.stderr)
    handler.addFilter(RequestIdFilter())
    handler.setFormatter(JsonFormatter() if settings.okrbot_env == "production" else ReadableFormatter())
    root = logging.getLogger()
    for old in root.handlers[:]:
        root.removeHandler(old)
    root.addHandler(handler)
    root.setLevel(level)
    for name in QUIET_LOGGERS:
        logging.getLogger(name).setLevel(max(level, logging.WARNING))
