"""The sender: takes due messages from the outbox and hands them to the platforms, each exactly once.

How a message goes out:
1. A lane (one per workspace) claims a batch of due rows under a lease (storage/outbox.py: FOR UPDATE SKIP
   LOCKED on PostgreSQL), so no other sender, in this process or another, takes them while the lease runs.
2. Each row waits for its turn in the workspace's window (bot/jobs/pacing.py: at most the platform's rate in
   any second), then goes to the platform's ChatPort.
3. Only when the port returned is the row marked sent, with the message's reference (for later updates).
   A retryable refusal (429, 5xx) or a timeout puts it back with exponential backoff and jitter, never sooner
   than Retry-After, and the lane claims it again the moment it is due; after `max_attempts` tries, or a
   refusal no retry will change, it is set aside as failed with a log line naming it.
A sender that dies leaves rows claimed: their leases run out and any sender takes them again. The window for
a duplicate is the one no outbox can close: the platform took a message but the sender died (or timed out)
before recording it.

Lanes run in parallel across workspaces; within one, sends are paced by the platform's rate, with several in
flight at once so that the platform's latency does not lower the rate. With several senders on one database
(one per `okrbot serve` instance), a workspace belongs to one sender while it holds live claims there
(storage/outbox.py: claim), so the pace holds for all of them together.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import heapq
import logging
import os
import random
import socket
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, field, fields
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.config import Settings
from bot.domain.clock import Clock, system_clock
from bot.domain.enums import Platform
from bot.invocation import ConversationRef
from bot.jobs.cardjson import card_from_json
from bot.jobs.pacing import Pacer, Sleep, Turn, Window, set_or_slept
from bot.jobs.retry import retry_delay
from bot.ports import ChatPort, DeliveryFailed, MessageRef, Recipient
from bot.telemetry import NO_TELEMETRY, SendResult, Telemetry
from bot.views.cards import Card
from storage import outbox
from storage.outbox import Lane, SentRef
from storage.tables import Outbox, OutboxStatus, TargetKind

log = logging.getLogger(__name__)

# Messages per second to one workspace, below each platform's documented limits so that a 429 is rare:
# - Slack: chat.postMessage allows about 1 per second per channel with short bursts, and an unpublished
#   workspace-wide cap for an app; each DM is its own channel, so a fan-out is bound by the workspace cap.
#   10/s (600 a minute) stays well inside what Slack lets apps post.
# - Teams: 50 requests per second per app per tenant for all conversations together; 20/s leaves room for
#   the bot's replies to people, which share that budget.
# - Console: no platform at all.
DEFAULT_RATES: Mapping[Platform, float] = {
    Platform.SLACK: 10.0,
    Platform.TEAMS: 20.0,
    Platform.CONSOLE: 1000.0,
}


@dataclass(frozen=True)
class SenderConfig:
    rates: Mapping[Platform, float] = field(default_factory=lambda: dict(DEFAULT_RATES))
    max_attempts: int = 8  # tries before a message is set aside as failed
    lease: float = 60.0  # seconds a claim lasts; a dead sender's rows come back after this
    send_timeout: float = 15.0  # seconds one platform call may take before it counts as failed
    in_flight: int = (
        16  # platform calls at once to one workspace (the pace still holds; a slow call holds one)
    )
    parallel_workspaces: int = 32
    # Retries after 1, 2, 4, 8 ... s (each with a random half dropped), capped at 15 min: eight tries span
    # about two to four minutes. Raise max_attempts to ride out longer outages (12 tries: about half an hour).
    backoff_base: float = 0.5
    backoff_cap: float = 900.0
    update_wait: float = 2.0  # seconds an update waits, at least, for the message it changes to be sent
    record_every: float = 0.02  # seconds sends wait to be recorded together (in one transaction)
    poll: float = 2.0  # seconds between looks at the outbox when nothing woke the sender
    batch: int | None = (
        None  # rows claimed at once per workspace; None: what the pace sends in a quarter lease
    )

    @classmethod
    def from_settings(cls, settings: Settings) -> SenderConfig:
        rates = {
            **DEFAULT_RATES,
            Platform.SLACK: settings.outbox_rate_slack,
            Platform.TEAMS: settings.outbox_rate_teams,
        }
        return cls(
            rates=rates, max_attempts=settings.outbox_max_attempts, lease=settings.outbox_lease_seconds
        )

    def batch_for(self, platform: Platform) -> int:
        if self.batch is not None:
            return self.batch
        # Never more than the pace sends in a quarter of the lease: the rest of a batch would wait past it.
        quarter_lease = self.rates[platform] * self.lease / 4
        return max(1, int(min(500, quarter_lease, max(10, self.rates[platform] * 5))))


@dataclass
class SendReport:
    sent: int = 0
    retried: int = 0
    failed: int = 0
    deferred: int = 0  # updates waiting for their original, claims handed back untried

    def __sub__(self, other: SendReport) -> SendReport:
        return SendReport(*(getattr(self, f.name) - getattr(other, f.name) for f in fields(self)))

    def copy(self) -> SendReport:
        return SendReport(self.sent, self.retried, self.failed, self.deferred)


class _Countdown:
    """Set once each row of a batch has had its turn in the window (or needs none): time to claim the next batch."""

    def __init__(self, rows: int) -> None:
        self._left = rows
        self._seen: set[int | None] = set()
        self._done = asyncio.Event()
        if rows == 0:
            self._done.set()

    def tick(self, row_id: int | None) -> None:
        if row_id not in self._seen:
            self._seen.add(row_id)
            self._left -= 1
            if self._left <= 0:
                self._done.set()

    async def wait(self) -> None:
        await self._done.wait()


@dataclass
class _LaneRun:
    """What the batches of one run of a lane share."""

    lane: Lane
    port: ChatPort
    in_flight: asyncio.Semaphore
    retries_due: list[datetime] = field(default_factory=list)  # a heap: when this run's retries come due
    retried: asyncio.Event = field(default_factory=asyncio.Event)

    def retry_at(self, due: datetime) -> None:
        heapq.heappush(self.retries_due, due)
        self.retried.set()

    def take_due(self, now: datetime) -> int:
        """How many retries are due by `now`, forgetting them."""
        due = 0
        while self.retries_due and self.retries_due[0] <= now:
            heapq.heappop(self.retries_due)
            due += 1
        return due


def default_sender_name() -> str:
    return f"{socket.gethostname()[:32]}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


class Sender:
    def __init__(
        self,
        sessions: async_sessionmaker[AsyncSession],
        ports: Mapping[Platform, ChatPort],
        *,
        config: SenderConfig | None = None,
        name: str | None = None,
        clock: Clock = system_clock,
        sleep: Sleep = asyncio.sleep,
        rng: random.Random | None = None,
        telemetry: Telemetry = NO_TELEMETRY,
    ) -> None:
        self.sessions = sessions
        self.ports = ports  # read at each send: `okrbot serve` fills it in as the platforms mount
        self.config = config or SenderConfig()
        self.name = name or default_sender_name()
        self.totals = SendReport()
        self.telemetry = telemetry
        self._platform_of: dict[int, Platform] = {}  # workspace id -> platform, for telemetry's labels
        self._clock = clock
        self._rng = rng or random.Random()
        self._sleep = sleep
        self._pacer = Pacer(clock=clock, sleep=sleep)
        self._windows = {platform: Window.for_rate(rate) for platform, rate in self.config.rates.items()}
        self._parallel = asyncio.Semaphore(self.config.parallel_workspaces)
        self._lanes: dict[int, asyncio.Task[None]] = {}
        self._wake = asyncio.Event()
        self._stopping = False
        self._unrecorded: list[tuple[int, SentRef | None, asyncio.Future[None]]] = []
        self._recorder: asyncio.Task[None] | None = None
        # SQLite has one writer: queueing writes here is far cheaper than SQLite's busy-wait between connections.
        bind = sessions.kw.get("bind")
        self._write_lock = asyncio.Lock() if bind is not None and bind.dialect.name == "sqlite" else None

    @contextlib.asynccontextmanager
    async def _writing(self) -> AsyncIterator[AsyncSession]:
        """A session in a write transaction (one at a time on SQLite)."""
        async with contextlib.AsyncExitStack() as stack:
            if self._write_lock is not None:
                await stack.enter_async_context(self._write_lock)
            session = await stack.enter_async_context(self.sessions())
            await stack.enter_async_context(session.begin())
            yield session

    # ------------------------------------------------------------------------------------------ driving

    def wake(self) -> None:
        """Look at the outbox now (something was just enqueued) rather than at the next poll."""
        self._wake.set()

    def stop(self) -> None:
        """Make `run` finish the sends in flight, hand back the other claims and return."""
        self._stopping = True
        self._wake.set()

    async def send_due(self, now: datetime | None = None) -> SendReport:
        """One pass: try each row due at `now` (default: the clock) once; retries wait for their time."""
        before = self.totals.copy()
        due = max(now, self._clock()) if now is not None else self._clock()
        async with self.sessions() as session:
            lanes = await outbox.due_lanes(
                session=session, now=due, leases_end_by=self._clock(), platforms=self.ports
            )
        await asyncio.gather(*(self._lane(lane, pass_at=due) for lane in lanes))
        return self.totals - before

    async def run(self) -> None:
        """Send as messages come due, until `stop()` (even one called before); then release what this sender
        still holds. A stopped sender stays stopped."""
        try:
            while not self._stopping:
                self._wake.clear()
                timeout = await self._start_due_lanes()
                if self._stopping:
                    break
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._wake.wait(), timeout)
        finally:
            self._stopping = True
            await asyncio.gather(*self._lanes.values(), return_exceptions=True)
            released = await self.release()
            if released:
                log.info("sender %s handed back %d claimed message(s)", self.name, released)

    async def release(self) -> int:
        """Hand back every claim this sender holds, due at once (on shutdown)."""
        async with self._writing() as session:
            return await outbox.release(session=session, sender=self.name, now=self._clock())

    async def _start_due_lanes(self) -> float:
        """Start a lane for each workspace with due rows; seconds until the next look."""
        now = self._clock()
        try:
            async with self.sessions() as session:
                lanes = await outbox.due_lanes(
                    session=session, now=now, leases_end_by=now, platforms=self.ports
                )
                next_due = await outbox.next_due_at(session=session, platforms=self.ports)
        except Exception:
            log.exception("the sender could not read the outbox; trying again in %ss", self.config.poll)
            return self.config.poll
        for lane in lanes:
            if lane.workspace_id not in self._lanes:
                task = asyncio.create_task(
                    self._lane(lane, pass_at=None), name=f"outbox-lane-{lane.workspace_id}"
                )
                self._lanes[lane.workspace_id] = task
                task.add_done_callback(functools.partial(self._lane_done, lane.workspace_id))
        if next_due is None or next_due <= now:  # nothing waiting, or running lanes are on it
            return self.config.poll
        return min(self.config.poll, max(0.01, (next_due - now).total_seconds()))

    def _lane_done(self, workspace_id: int, task: asyncio.Task[None]) -> None:
        self._lanes.pop(workspace_id, None)
        if not task.cancelled() and task.exception() is not None:
            log.error("outbox lane of workspace %s stopped", workspace_id, exc_info=task.exception())
        self._wake.set()  # rows may have come due for it meanwhile

    # ------------------------------------------------------------------------------------------- lanes

    async def _lane(self, lane: Lane, *, pass_at: datetime | None) -> None:
        """Claim and send a workspace's due rows until none is left.

        `pass_at`: a one-off pass (send_due) sends rows due by then, each at most once (ids only go up), a batch
        after the other. Otherwise rows are due by the clock, and the next batch is claimed as soon as the last
        row of this one got its turn, so that the lane never idles between batches (the in-flight limit is the
        lane's, across batches). A retry is claimed the moment it comes due, in a small batch of its own that
        goes out alongside: waiting for the next full batch would hold it back by seconds, and a message
        refused a few times in a row would finish the fan-out seconds after the rest.
        """
        run = _LaneRun(lane, self.ports[lane.platform], asyncio.Semaphore(self.config.in_flight))
        self._platform_of[lane.workspace_id] = lane.platform
        full = self.config.batch_for(lane.platform)
        batches: list[asyncio.Task[list[int]]] = []
        async with self._parallel:
            try:
                after_id = 0
                # The first claim is a window's worth, so that the lane's sends start after a small claim (on
                # SQLite the lanes' claims queue for the one writer); the full ones follow while it goes out.
                limit, retries_only = min(self._windows[lane.platform].sends, full), False
                latest: tuple[asyncio.Task[list[int]], _Countdown] | None = None
                while not self._stopping:
                    now = self._clock()
                    until = now + timedelta(seconds=self.config.lease)
                    async with self._writing() as session:
                        rows = await outbox.claim(
                            session=session,
                            workspace_id=lane.workspace_id,
                            now=max(pass_at, now) if pass_at is not None else now,
                            leases_end_by=now,
                            until=until,
                            sender=self.name,
                            limit=limit,
                            after_id=after_id if pass_at is not None else 0,
                        )
                        members = [row.member_id for row in rows if row.member_id is not None]
                        users = await outbox.member_user_ids(session=session, member_ids=members)
                    batches = [task for task in batches if not task.done()]
                    if rows:
                        paced = _Countdown(len(rows))
                        batch = asyncio.create_task(
                            self._send_batch(run, rows, users, lease_end=until, paced=paced)
                        )
                        batches.append(batch)
                        if not retries_only:
                            latest = (batch, paced)
                    elif not retries_only:
                        latest = None  # nothing left to claim but retries
                    if pass_at is not None:
                        if not rows:
                            return
                        untried = await batch
                        after_id = (min(untried) - 1) if untried else (rows[-1].id or 0)
                        limit = full
                        continue
                    if latest is None and not batches:
                        return
                    limit, retries_only = await self._next_claim(run, latest, batches, full=full)
            finally:
                await asyncio.gather(*batches, return_exceptions=True)

    async def _next_claim(
        self,
        run: _LaneRun,
        latest: tuple[asyncio.Task[list[int]], _Countdown] | None,
        running: Sequence[asyncio.Task[list[int]]],
        *,
        full: int,
    ) -> tuple[int, bool]:
        """Wait for a reason to claim again; then how many rows, and whether only retries are due.

        A full batch once the latest full one has had its turns (or, with nothing left but retries, once every
        batch is done: the claim finds nothing and the lane ends); a few rows the moment retries come due.
        """
        if latest is not None:
            batch, paced = latest
            ready: asyncio.Future[Any] = asyncio.ensure_future(paced.wait())
            waits: list[asyncio.Future[Any]] = [batch, ready]
        else:
            ready = asyncio.ensure_future(asyncio.wait(running))
            waits = [ready]
        retry = asyncio.ensure_future(self._retry_due(run))
        try:
            await asyncio.wait([*waits, retry], return_when=asyncio.FIRST_COMPLETED)
        finally:
            ready.cancel()
            retry.cancel()
        due = run.take_due(self._clock())
        if any(waiting.done() and not waiting.cancelled() for waiting in waits):
            return full, False  # the claim takes the due retries first: ids go up, and theirs are older
        return due, True

    async def _retry_due(self, run: _LaneRun) -> None:
        """Return once one of the lane's retries is due."""
        while True:
            run.retried.clear()
            until = (run.retries_due[0] - self._clock()).total_seconds() if run.retries_due else None
            if until is not None and until <= 0:
                return
            await set_or_slept(run.retried, self._sleep, until)

    async def _send_batch(
        self,
        run: _LaneRun,
        rows: Sequence[Outbox],
        users: Mapping[int, str],
        *,
        lease_end: datetime,
        paced: _Countdown,
    ) -> list[int]:
        """Send claimed rows in order, a few at a time; hand back (and return) the ids left untried.

        The rows wait for their turns in the window here, one at a time, rather than all at once in the
        pacer's queue: so a small batch of retries claimed meanwhile takes turns with this one instead of
        queueing behind the whole of it.
        """
        untried: list[int] = []
        by_key: dict[str, asyncio.Task[None]] = {}
        window = self._windows[run.lane.platform]
        for position, row in enumerate(rows):
            if self._stopping:  # the rest go back untried
                untried += [later.id for later in rows[position:] if later.id is not None]
                break
            try:
                send = await self._prepared(run, row, users, by_key)
                if send is None:
                    continue
                turn = await self._pacer.turn(run.lane.workspace_id, window)
                try:
                    await run.in_flight.acquire()
                except BaseException:
                    turn.unused()  # the pacer outlives this lane: a lost turn would narrow its window for good
                    raise
            except Exception:
                # The database failed while settling a row that cannot be sent: the lease brings it back.
                log.exception("outbox %s: could not record why it cannot be sent", row.key)
                continue
            finally:
                paced.tick(row.id)
            by_key[row.key] = asyncio.create_task(self._send_row(run, row, send, turn, lease_end, untried))
        for row_id in untried:
            paced.tick(row_id)
        await asyncio.gather(*by_key.values())
        if untried:
            async with self._writing() as session:
                await outbox.release(session=session, sender=self.name, now=self._clock(), row_ids=untried)
            self.totals.deferred += len(untried)
        return untried

    async def _prepared(
        self,
        run: _LaneRun,
        row: Outbox,
        users: Mapping[int, str],
        by_key: Mapping[str, asyncio.Task[None]],
    ) -> Callable[[], Awaitable[MessageRef | None]] | None:
        """The call that sends the row; None when the row was settled without one (failed, or put back)."""
        lane, port = run.lane, run.port
        try:
            card = card_from_json(row.card)
        except ValueError as error:
            await self._fail(row, f"the stored card cannot be read: {error}", count_attempt=False)
            return None
        match row.target_kind:
            case TargetKind.MEMBER:
                user = users.get(row.member_id or 0)
                if user is None:
                    await self._fail(row, f"member {row.member_id} no longer exists", count_attempt=False)
                    return None
                recipient = Recipient(workspace_id=lane.external_id, user_id=user)
                return lambda: port.send_dm(recipient, card)
            case TargetKind.CONVERSATION:
                conversation = ConversationRef(
                    row.conversation_platform or lane.platform,
                    row.conversation_workspace or lane.external_id,
                    row.conversation_opaque or "",
                )
                return lambda: port.post(conversation, card)
            case TargetKind.UPDATE:
                original = await self._original(row, by_key)
                if original is None:
                    return None
                return lambda: self._update(port, original, card)

    async def _send_row(
        self,
        run: _LaneRun,
        row: Outbox,
        send: Callable[[], Awaitable[MessageRef | None]],
        turn: Turn,
        lease_end: datetime,
        untried: list[int],
    ) -> None:
        """Make the call the row's turn and in-flight place were taken for, and record how it went."""
        assert row.id is not None
        try:
            # Only the platform call holds the in-flight place: recording its outcome waits for the database,
            # and must not hold back the next send.
            try:
                if self._stopping or (lease_end - self._clock()).total_seconds() <= self.config.send_timeout:
                    turn.unused()
                    untried.append(row.id)  # stopping; or it might be sent after another sender took it over
                    return
                outcome = await self._call(row, send, turn)
            finally:
                turn.answered(self._clock())
                run.in_flight.release()
            if not isinstance(outcome, DeliveryFailed):
                await self._sent(row, outcome)
            elif outcome.retryable:
                due = await self._retry(row, outcome.reason, outcome.retry_after)
                if due is not None:
                    run.retry_at(due)
            else:
                await self._fail(row, outcome.reason, count_attempt=True)
        except Exception:
            # The database failed while recording the outcome: the lease brings the row back.
            log.exception("outbox %s: could not record how sending went", row.key)

    async def _call(
        self, row: Outbox, send: Callable[[], Awaitable[MessageRef | None]], turn: Turn
    ) -> MessageRef | DeliveryFailed | None:
        """The platform's answer, or the failure that stands for it."""
        try:
            async with asyncio.timeout(self.config.send_timeout):
                return await send()
        except DeliveryFailed as refused:
            if refused.turned_away:
                turn.refused(self._clock())
            return refused
        except TimeoutError:
            return DeliveryFailed(f"no answer within {self.config.send_timeout:g}s", retryable=True)
        except Exception as error:  # an adapter's bug or an unexpected network error: retry, bounded
            log.warning("outbox %s: the port raised %r", row.key, error)
            return DeliveryFailed(f"{type(error).__name__}: {error}", retryable=True)

    async def _original(self, row: Outbox, by_key: Mapping[str, asyncio.Task[None]]) -> Outbox | None:
        """The sent message an update changes; None when the update must wait or cannot happen."""
        key = row.update_key or ""
        pending = by_key.get(key)
        if pending is not None and pending is not asyncio.current_task():
            await pending  # the original is in this very batch: let it go first
        async with self.sessions() as session:
            original = await outbox.find_by_key(session=session, key=key)
        if original is None:
            await self._fail(row, f"no message was planned under {key!r} to update", count_attempt=False)
            return None
        if original.status == OutboxStatus.FAILED:
            await self._fail(row, f"the message it updates ({key}) failed", count_attempt=False)
            return None
        if original.status != OutboxStatus.SENT:
            wait = self._clock() + timedelta(seconds=self.config.update_wait)
            if original.status == OutboxStatus.PENDING:
                wait = max(wait, original.next_attempt_at)
            async with self._writing() as session:
                await outbox.reschedule(
                    session=session,
                    row_id=row.id or 0,
                    sender=self.name,
                    at=wait,
                    error=None,
                    count_attempt=False,
                )
            self.totals.deferred += 1
            return None
        return original

    @staticmethod
    async def _update(port: ChatPort, original: Outbox, card: Card) -> None:
        if original.sent_message is None or original.sent_platform is None:
            raise DeliveryFailed(f"{original.key} was sent without a message reference", retryable=False)
        conversation = ConversationRef(
            original.sent_platform, original.sent_workspace or "", original.sent_conversation or ""
        )
        await port.update(MessageRef(conversation, original.sent_message), card)

    # ------------------------------------------------------------------------------------- outcomes

    async def _sent(self, row: Outbox, ref: MessageRef | None) -> None:
        """Record a send; returns once it is committed (with the others that finished meanwhile)."""
        sent_ref = None
        if ref is not None:
            conversation = ref.conversation
            sent_ref = SentRef(
                conversation.platform, conversation.workspace_id, conversation.opaque, ref.opaque
            )
        done = asyncio.get_running_loop().create_future()
        self._unrecorded.append((row.id or 0, sent_ref, done))
        if self._recorder is None or self._recorder.done():
            self._recorder = asyncio.create_task(self._record_sent())
        await done
        self.totals.sent += 1
        self._observe(row, SendResult.SENT)

    async def _record_sent(self) -> None:
        """Write down sends in batches: all that finished while the previous batch was being written.

        A fan-out finishes hundreds of sends a second; one transaction each would make the database, not the
        platform's rate, the limit. Waiting `record_every` (20 ms) adds that and one write to the window in which
        a crash could leave a sent message unrecorded (and so sent again).
        """
        while self._unrecorded:
            await asyncio.sleep(self.config.record_every)  # let the sends finishing meanwhile join
            batch, self._unrecorded = self._unrecorded, []
            try:
                async with self._writing() as session:
                    await outbox.mark_many_sent(
                        session=session,
                        sender=self.name,
                        now=self._clock(),
                        sent=[(row_id, ref) for row_id, ref, _ in batch],
                    )
            except Exception as error:
                for _, _, done in batch:
                    done.set_exception(error)
            else:
                for _, _, done in batch:
                    done.set_result(None)

    async def _retry(self, row: Outbox, reason: str, retry_after: float | None) -> datetime | None:
        """Put the row back for another try later: when; None when it was set aside instead."""
        attempts = row.attempts + 1
        if attempts >= self.config.max_attempts:
            await self._fail(row, f"gave up after {attempts} attempts: {reason}", count_attempt=True)
            return None
        delay = retry_delay(
            attempts,
            base=self.config.backoff_base,
            cap=self.config.backoff_cap,
            retry_after=retry_after,
            rng=self._rng,
        )
        at = self._clock() + timedelta(seconds=delay)
        async with self._writing() as session:
            await outbox.reschedule(
                session=session, row_id=row.id or 0, sender=self.name, at=at, error=reason, count_attempt=True
            )
        self.totals.retried += 1
        self._observe(row, SendResult.RETRIED)
        log.info("outbox %s: try %d failed (%s); next in %.1fs", row.key, attempts, reason, delay)
        return at

    async def _fail(self, row: Outbox, reason: str, *, count_attempt: bool) -> None:
        async with self._writing() as session:
            await outbox.mark_failed(
                session=session,
                row_id=row.id or 0,
                sender=self.name,
                error=reason,
                count_attempt=count_attempt,
            )
        self.totals.failed += 1
        self._observe(row, SendResult.FAILED)
        log.error("outbox %s failed: %s", row.key, reason)

    def _observe(self, row: Outbox, result: SendResult) -> None:
        platform = self._platform_of.get(row.workspace_id)
        if platform is not None:  # always known: rows are only tried in their workspace's lane
            self.telemetry.message_sent(platform, result)
