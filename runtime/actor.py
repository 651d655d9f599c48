"""One activation of one conversation: drain its inbox in order, one entry at a time, hand each
to the handler and commit what it decided; supervise failures (exceptions, turns over the
timeout, entries that crash the process); deactivate when idle."""

from __future__ import annotations

import logging
import time
from collections import Counter, deque
from collections.abc import Callable, Sequence
from contextlib import AbstractContextManager
from typing import Protocol

import anyio
import attrs
from opentelemetry import propagate, trace
from opentelemetry.trace import Link, SpanKind

from runtime import metrics
from runtime.config import RuntimeConfig
from runtime.contracts import (
    ConversationKey,
    CrashLoop,
    Envelope,
    Handler,
    LeaseLost,
    SkipNotifier,
    Turn,
    TurnTimedOut,
)
from runtime.inbox import InboxEntry
from runtime.store import KEEP, ConversationStore, SessionConflict, dead_letter
from runtime.telemetry import hashed
from runtime.turns import TurnRate

log = logging.getLogger(__name__)
_tracer = trace.get_tracer(__name__)


class ActorHost(Protocol):
    """What an actor needs from the process hosting it."""

    config: RuntimeConfig
    store: ConversationStore
    handler: Handler
    counters: Counter[str]

    @property
    def stopping(self) -> bool: ...

    @property
    def sends(self) -> bool: ...

    @property
    def suspects(self) -> anyio.Lock:
        """Held while delivering an entry whose earlier delivery never finished."""
        ...

    def outbox_has_items(
        self, actor: Actor, depth: int, appended: Sequence[bytes] | None = None
    ) -> None:
        """`appended`: the replies just added at the outbox's end, when the caller knows them."""
        ...

    def forget(self, actor: Actor) -> None: ...

    async def confirm_kept(self, conversations: Sequence[ConversationKey]) -> None:
        """REDIS_ACK_REPLICAS: return once that many replicas hold what was written for
        `conversations`; raises StoreUnavailable otherwise."""
        ...


@attrs.define
class _Context:
    """The TurnContext given to the handler for one entry."""

    actor: Actor
    attempt: int

    @property
    def key(self) -> ConversationKey:
        return self.actor.key

    async def checkpoint(self, session: bytes | None, replies: Sequence[bytes] = ()) -> None:
        await self.actor.commit(session, replies, ttl=None)
        if self.actor.host.config.ack_replicas > 0:
            # G5 across a failover: a checkpoint only the dead master held would be lost, and
            # the turn replayed on its replica would move the money again. So no call to
            # credex-core before a replica holds it (short: the turn fails and is retried).
            await self.actor.host.confirm_kept([self.key])


class Actor:
    def __init__(self, host: ActorHost, key: ConversationKey, token: str) -> None:
        self.host = host
        self.key = key
        self.token = token
        self.mailbox: deque[InboxEntry] = deque()
        self.lease_lost = False
        # When the lease was last extended (monotonic): claimed just now; commits and the
        # fleet's renewal extend it. Only leases not extended for a while are renewed.
        self.lease_extended = time.monotonic()
        self._session: bytes | None = None
        self._version = 0
        self._poked = False
        self._wake = anyio.Event()
        self._released = False
        self._turns = TurnRate(host.config.rate_limit_per_minute)
        self._overload_told = False
        self._skipped: list[Envelope] = []  # waited too long behind the rate limit, untold
        # The mailbox head whose start the last round trip counted, with the starts before it.
        self._counted: tuple[str, int] | None = None

    def poke(self) -> None:
        """New work may be waiting (or the host is stopping): the next loop turn reads the inbox."""
        self._poked = True
        self._wake.set()

    def lose(self) -> None:
        self.lease_lost = True
        self.poke()

    async def run(self) -> None:
        config = self.host.config
        try:
            snapshot, batch = await self.host.store.activate(
                self.key, self.token, config.mailbox_size
            )
            self._session, self._version = snapshot.data, snapshot.version
            self.mailbox.extend(batch.entries)
            self._note_counted(batch.prior_starts)
            if snapshot.outbox_len and self.host.sends:
                self.host.outbox_has_items(self, snapshot.outbox_len)
            # Activated with nothing to do: give the lease straight back. Otherwise idle time
            # counts from the last work done, so pokes that find nothing do not extend it.
            idle_until = time.monotonic()
            while not self.lease_lost and not self.host.stopping:
                if not self.mailbox and self._poked:
                    await self._fetch()
                if self.mailbox:
                    if await self._await_turn():
                        await self._process(self.mailbox.popleft())
                        idle_until = time.monotonic() + config.actor_idle_seconds
                    continue
                if self._skipped:
                    await self._tell_skipped()
                if await self._wait(idle_until - time.monotonic()):
                    continue
                released = await self.host.store.release(
                    self.key, self.token, only_if_idle=True, check_outbox=self.host.sends
                )
                if released == 1:
                    self._released = True
                    return
                if released < 0:
                    raise LeaseLost("lease lost while idle")
                self._poked = True  # entries arrived in the meantime, or replies are pending
                idle_until = time.monotonic() + config.actor_idle_seconds  # replies being sent
        except LeaseLost:
            self.lease_lost = True
            log.warning("actor stopped: lease lost", extra={"conversation": hashed(self.key.tag)})
        except Exception:
            # Redis trouble: stop this activation; the lease lapses and a sweeper resumes it.
            log.exception("actor failed", extra={"conversation": hashed(self.key.tag)})
        finally:
            self.mailbox.clear()
            await self._hand_back()
            self.host.forget(self)

    async def _hand_back(self) -> None:
        if self._released or self.lease_lost:
            return
        # A first start counted for the next entry, which the handler never saw: not its fault.
        uncount = self._counted[0] if self._counted and self._counted[1] == 0 else ""
        # Shielded: runs while the host is being cancelled past its shutdown deadline.
        with anyio.CancelScope(shield=True), anyio.move_on_after(2.0):
            try:
                await self.host.store.release(
                    self.key, self.token, only_if_idle=False, check_outbox=False, uncount=uncount
                )
            except Exception:
                log.exception("lease hand-back failed; it expires by itself")

    async def _wait(self, idle_for: float) -> bool:
        """Wait for a poke (True) or the end of the idle time (False)."""
        if not self._poked:
            self._wake = anyio.Event()
            with anyio.move_on_after(idle_for):
                await self._wake.wait()
        return self._poked

    async def _fetch(self) -> None:
        # Cleared before the read: whatever a poke announced before now, the read sees.
        self._poked = False
        batch = await self.host.store.fetch(self.key, self.token, self.host.config.mailbox_size)
        self.mailbox.extend(batch.entries)
        self._note_counted(batch.prior_starts)

    def _note_counted(self, prior_starts: int) -> None:
        """The last round trip counted a start of the mailbox head (prior_starts >= 0)."""
        if prior_starts >= 0 and self.mailbox:
            self._counted = (self.mailbox[0].entry_id, prior_starts)

    async def commit(
        self,
        session: bytes | None,
        replies: Sequence[bytes],
        *,
        ttl: float | None,
        entry_id: str = "",
    ) -> None:
        """Commit a snapshot and replies (and ack `entry_id`); raises LeaseLost, SessionConflict."""
        refill = self.host.config.mailbox_size if entry_id and not self.mailbox else 0
        # Acknowledging one entry starts the next: its start is counted in this round trip.
        next_id = self.mailbox[0].entry_id if entry_id and self.mailbox else ""
        if refill:
            self._poked = False  # the refill reads the inbox after every poke so far
        started = time.monotonic()
        try:
            committed = await self.host.store.commit(
                self.key,
                self.token,
                expected_version=self._version,
                session=session,
                session_ttl=ttl or self.host.config.session_ttl,
                entry_id=entry_id,
                replies=replies,
                fetch=refill,
                next_id=next_id,
            )
        except SessionConflict as conflict:
            self._session, self._version = conflict.data, conflict.version
            raise
        self._version = committed.version
        self._session = session
        self.lease_extended = started  # the commit extended the lease
        self.mailbox.extend(committed.entries)
        self._note_counted(committed.prior_starts)
        if committed.outbox_len and self.host.sends:
            self.host.outbox_has_items(self, committed.outbox_len, replies)

    async def _process(self, entry: InboxEntry) -> None:
        counted, self._counted = self._counted, None
        with _consumer_span(entry):
            if counted == (entry.entry_id, 0):
                await self._deliver(entry, attempt=1)
            else:
                await self._deliver_suspect(entry)

    async def _deliver_suspect(self, entry: InboxEntry) -> None:
        """An earlier delivery of this entry never finished: its process died (or lost the
        lease) mid-turn. Suspects go one at a time per process, each start counted just before
        it runs, so a poison entry that kills the process takes no bystander's count with it;
        after `max_attempts` such starts it is dead-lettered instead of crashing again."""
        async with self.host.suspects:
            attempt = await self.host.store.start(self.key, self.token, entry.entry_id)
            if attempt > self.host.config.max_attempts:
                error = CrashLoop(f"crashed the process {attempt - 1} times")
                self.host.counters["crash_loops"] += 1
                log.error(
                    "entry dead-lettered: its delivery never finished",
                    extra={
                        "conversation": hashed(self.key.tag),
                        "message_id": entry.envelope.message_id,
                        "starts": attempt - 1,
                    },
                )
                await self._give_up(entry, error, str(error), label="crash loop")
                return
            await self._deliver(entry, attempt)

    async def _deliver(self, entry: InboxEntry, attempt: int) -> None:
        envelope = entry.envelope
        while True:
            try:
                turn = await self._handle(envelope, attempt)
            except LeaseLost:
                raise
            except Exception as error:
                self._failed(entry, error)
                if attempt >= self.host.config.max_attempts:
                    await self._give_up(entry, error, repr(error), label="failed")
                    return
                attempt = await self.host.store.start(self.key, self.token, entry.entry_id)
                continue
            try:
                await self.commit(
                    turn.session, turn.replies, ttl=turn.session_ttl, entry_id=entry.entry_id
                )
            except SessionConflict:
                continue  # the snapshot expired or moved: decide again on the fresh one
            self.host.counters["processed"] += 1
            metrics.processed.add(1)
            if envelope.recorded_at:
                metrics.processing_latency.record(max(0.0, time.time() - envelope.recorded_at))
            return

    async def _handle(self, envelope: Envelope, attempt: int) -> Turn:
        """One call of the handler, bounded: a turn that never ends would hold the conversation
        (and its lease) forever."""
        timeout = self.host.config.turn_timeout
        try:
            with anyio.fail_after(timeout) as scope:
                return await self.host.handler.handle(
                    _Context(self, attempt), self._session, envelope
                )
        except TimeoutError:
            if not scope.cancel_called:
                raise  # the handler's own timeout, not ours
            self.host.counters["timeouts"] += 1
            raise TurnTimedOut(f"no answer within {timeout:g} s") from None

    def _failed(self, entry: InboxEntry, error: Exception) -> None:
        self.host.counters["failures"] += 1
        metrics.failures.add(1)
        log.error(
            "handler failed",
            exc_info=error,
            extra={"conversation": hashed(self.key.tag), "message_id": entry.envelope.message_id},
        )

    async def _give_up(
        self, entry: InboxEntry, error: Exception, reason: str, *, label: str
    ) -> None:
        """Dead-letter the entry with the handler's apology for it."""
        apology = self._safe_hook(self.host.handler.on_error, entry.envelope, error)
        await self._dead_letter(entry, apology, reason, label=label)

    def _safe_hook(self, hook: Callable[..., Sequence[bytes]], *args: object) -> Sequence[bytes]:
        try:
            return tuple(hook(self.key, *args))
        except Exception:
            log.exception("handler hook failed", extra={"conversation": hashed(self.key.tag)})
            return ()

    async def _dead_letter(
        self, entry: InboxEntry, replies: Sequence[bytes], reason: str, *, label: str
    ) -> None:
        next_id = self.mailbox[0].entry_id if self.mailbox else ""
        committed = await self.host.store.commit(
            self.key,
            self.token,
            expected_version=self._version,
            session=KEEP,
            session_ttl=self.host.config.session_ttl,
            entry_id=entry.entry_id,
            dead=dead_letter(entry, reason),
            replies=replies,
            next_id=next_id,
        )
        self._note_counted(committed.prior_starts)
        if committed.outbox_len and self.host.sends:
            self.host.outbox_has_items(self, committed.outbox_len)
        if not self.mailbox:
            self._poked = True  # this commit read nothing ahead: look at the inbox again
        self.host.counters["dead_letters"] += 1
        metrics.dead_letters.add(1, {"reason": label})

    async def _await_turn(self) -> bool:
        """Wait until the member's rate allows the mailbox head a turn (True), skipping heads
        that would wait past `rate_limit_max_wait`. False when interrupted (stopping, lease
        lost) or the mailbox emptied: the run loop decides what next."""
        config = self.host.config
        while self.mailbox and not (self.lease_lost or self.host.stopping):
            wait = self._turns.wait()
            if wait <= 0:
                if self._skipped:
                    await self._tell_skipped()
                self._turns.take()
                return True
            head = self.mailbox[0]
            waited = max(0.0, time.time() - head.recorded_ms / 1000)
            if waited + wait > config.rate_limit_max_wait:
                await self._skip(self.mailbox.popleft())
                continue
            if not self._overload_told:
                self._overload_told = True
                await self._notify(self._safe_hook(self.host.handler.on_overload, head.envelope))
            self.host.counters["rate_waited"] += 1
            self._wake = anyio.Event()
            with anyio.move_on_after(wait):
                await self._wake.wait()  # a poke (new message, lease lost, stop) re-checks
        return False

    async def _skip(self, entry: InboxEntry) -> None:
        """Waited too long behind the rate limit: dead-letter it; the member hears which."""
        self._counted = None
        self._skipped.append(entry.envelope)
        self.host.counters["rate_limited"] += 1
        await self._dead_letter(entry, (), "rate limited: waited too long", label="rate limited")

    async def _tell_skipped(self) -> None:
        skipped, self._skipped = self._skipped, []
        handler = self.host.handler
        if isinstance(handler, SkipNotifier):
            replies = self._safe_hook(handler.on_skipped, skipped)
        else:
            replies = self._safe_hook(handler.on_overload, skipped[0])
        await self._notify(replies)

    async def _notify(self, replies: Sequence[bytes]) -> None:
        """Queue replies that belong to no turn (the session is kept as it is)."""
        if not replies:
            return
        committed = await self.host.store.commit(
            self.key,
            self.token,
            expected_version=self._version,
            session=KEEP,
            session_ttl=self.host.config.session_ttl,
            replies=replies,
            next_id=self.mailbox[0].entry_id if self.mailbox else "",
        )
        self._note_counted(committed.prior_starts)
        if committed.outbox_len and self.host.sends:
            self.host.outbox_has_items(self, committed.outbox_len)


def _consumer_span(entry: InboxEntry) -> AbstractContextManager[trace.Span]:
    envelope: Envelope = entry.envelope
    producer = propagate.extract(dict(envelope.trace_context))
    producer_span = trace.get_current_span(producer).get_span_context()
    links = [Link(producer_span)] if producer_span.is_valid else []
    return _tracer.start_as_current_span(
        "inbox process",
        context=producer,
        kind=SpanKind.CONSUMER,
        links=links,
        attributes={
            "messaging.system": "redis",
            "messaging.operation.type": "process",
            "messaging.destination.name": "inbox",
            "messaging.message.id": envelope.message_id,
            "vimbiso.conversation": hashed(envelope.key.tag),
        },
    )
