"""Who a Slack user is (name, time zone, admin), from users.info, remembered for a while per process.

Slash commands carry only a user id and a legacy username, so the first request from someone costs one
users.info call; after that the answer is reused until it is an hour old. The cache is only a speed-up: the
member row in the database is the record, so several bot instances need not share it.
"""

from __future__ import annotations

import logging
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass

from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.domain.enums import Platform
from bot.invocation import Actor

log = logging.getLogger(__name__)

FRESH_FOR = 3600.0  # seconds a users.info answer is reused
RETRY_FAILED_AFTER = 60.0  # when users.info failed, try again this soon
MAX_PEOPLE = 10_000  # cached people per process; the least recently seen go first


@dataclass(frozen=True)
class Profile:
    display_name: str
    tz: str | None
    is_admin: bool | None


def profile_from_user(user: dict[str, object], fallback_name: str) -> Profile:
    """The parts of a users.info `user` object the core needs. A display name may be empty in Slack."""
    profile = user.get("profile") if isinstance(user.get("profile"), dict) else {}
    assert isinstance(profile, dict)
    name = next(
        (str(n) for n in (profile.get("display_name"), profile.get("real_name"), user.get("real_name"),
                          user.get("name")) if n),
        fallback_name,
    )  # fmt: skip
    tz = user.get("tz")
    return Profile(
        display_name=name,
        tz=str(tz) if tz else None,
        is_admin=bool(user.get("is_admin") or user.get("is_owner")),
    )


class SlackDirectory:
    def __init__(self, *, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self._people: OrderedDict[tuple[str, str], tuple[float, Profile]] = OrderedDict()

    async def actor(self, client: AsyncWebClient, *, team_id: str, user_id: str, fallback_name: str) -> Actor:
        profile = await self.profile(client, team_id=team_id, user_id=user_id, fallback_name=fallback_name)
        return Actor(
            Platform.SLACK,
            team_id,
            user_id=user_id,
            display_name=profile.display_name,
            tz=profile.tz,
            is_admin=profile.is_admin,
        )

    async def profile(
        self, client: AsyncWebClient, *, team_id: str, user_id: str, fallback_name: str
    ) -> Profile:
        key = (team_id, user_id)
        now = self._clock()
        cached = self._people.get(key)
        if cached is not None and cached[0] > now:
            self._people.move_to_end(key)
            return cached[1]
        try:
            answer = await client.users_info(user=user_id)
            user = answer.get("user")
            profile = profile_from_user(user if isinstance(user, dict) else {}, fallback_name)
            expires = now + FRESH_FOR
        except SlackApiError as error:
            # The request still deserves an answer: go on with what the payload said, without claiming to
            # know the person's time zone or admin rights, and ask Slack again soon.
            log.warning("users.info failed for %s/%s: %s", team_id, user_id, error.response.get("error"))
            profile = cached[1] if cached else Profile(fallback_name, None, None)
            expires = now + RETRY_FAILED_AFTER
        self._people[key] = (expires, profile)
        self._people.move_to_end(key)
        while len(self._people) > MAX_PEOPLE:
            self._people.popitem(last=False)
        return profile
