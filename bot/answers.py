"""Answers to read-only commands (`okr list`, `okr show O12`, `okr help`) and dashboards, kept until the data
changes.

People ask for the same lists again and again between the few moments anything changes (a check-in, a new
objective). A kept answer is handed out only while its workspace's change generation is still the one read
before the answer was computed (storage/changes.py: a commit by any process moves it), and only for about a
minute of the bot's clock, since statuses such as "behind" follow the calendar. The key is everything an answer
depends on besides the data: who asks (as the platform describes them now), where, and the words.
"""

from __future__ import annotations

import random
from collections import OrderedDict
from collections.abc import Hashable
from dataclasses import dataclass
from datetime import datetime, timedelta

from bot.commands.request import Request
from bot.invocation import Actor, ConversationRef, Invocation
from bot.views.cards import Response, Visibility
from storage.changes import ChangeWatch, workspace_tag

MAX_ANSWERS = 2_000  # kept answers per process (a list is about 16 KiB); the least recently asked go first
# A kept answer is read again between 3/4 and 5/4 of this after it was read, each at a moment of its own: answers
# read together (after a change, or at start) must not all expire, and be read again, together.
FRESH_FOR = timedelta(seconds=60)


@dataclass(frozen=True)
class AnswerKey:
    actor: Actor
    conversation: ConversationRef
    words: str
    dashboard: bool = False  # the actor's dashboard (App Home), which no typed words can stand for


@dataclass(frozen=True)
class _Kept:
    generation: Hashable
    until: datetime
    response: Response


def read_only_key(invocation: Invocation, request: Request) -> AnswerKey | None:
    """The key of an invocation whose answer may be kept: typed words that only read (their verb says so, in
    bot/commands/verbs/). Else None."""
    if not request.read_only:
        return None
    return AnswerKey(invocation.actor, invocation.conversation, " ".join(request.words.split()))


def dashboard_key(actor: Actor) -> AnswerKey:
    return AnswerKey(actor, ConversationRef(actor.platform, actor.workspace_id, ""), "", dashboard=True)


def keepable(response: Response) -> bool:
    """Only what the caller alone sees, as cards: never a form to open, field errors or a file."""
    return (
        response.visibility is Visibility.ONLY_YOU
        and response.form is None
        and not response.errors
        and not response.attachments
        and not response.replace_original
    )


class AnswerCache:
    def __init__(self, changes: ChangeWatch, *, max_answers: int = MAX_ANSWERS) -> None:
        self._changes = changes
        self._max = max_answers
        self._kept: OrderedDict[AnswerKey, _Kept] = OrderedDict()

    def generation(self, key: AnswerKey) -> Hashable | None:
        """The generation of the data the answer for `key` reads; None: do not keep it."""
        return self._changes.generation(_tag(key.actor))

    def changed(self, actor: Actor) -> None:
        """The actor's command has committed: their workspace's kept answers are out of date."""
        self._changes.changed(_tag(actor))

    def get(self, key: AnswerKey, generation: Hashable, now: datetime) -> Response | None:
        kept = self._kept.get(key)
        if kept is None:
            return None
        if kept.generation != generation or now >= kept.until:
            del self._kept[key]
            return None
        self._kept.move_to_end(key)
        return kept.response

    def put(self, key: AnswerKey, generation: Hashable, now: datetime, response: Response) -> None:
        self._kept[key] = _Kept(generation, now + FRESH_FOR * random.uniform(0.75, 1.25), response)
        self._kept.move_to_end(key)
        while len(self._kept) > self._max:
            self._kept.popitem(last=False)

    def __len__(self) -> int:
        return len(self._kept)


def _tag(actor: Actor) -> str:
    return workspace_tag(actor.platform.value, actor.workspace_id)
