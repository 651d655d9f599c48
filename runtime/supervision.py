"""Supervision: the delivery of one inbox entry to the handler, from its first start to its
end (committed, or dead-lettered with the handler's apology). One `Supervisor` per process.

Every start of an entry's delivery is counted in Redis (the conversation's `attempts` hash,
cleared when the entry is committed or dead-lettered), so an entry whose processing kills the
whole process is recognised after `max_attempts` starts instead of crash-looping the fleet.
The Lua scripts count; this module decides. A first start costs no round trip: it is counted
in the fetch (`lua/fetch.lua`) or the previous commit (`lua/commit.lua`) that read the entry;
a start the handler never saw is taken back on hand-over (`lua/release.lua`); every further
start is counted just before it runs (`lua/start.lua`, `ConversationStore.start`).

The state machine of one entry (`n`: starts counted, `max`: `RuntimeConfig.max_attempts`):

    head --counted first (n=1)----------------------------------> attempt(1)
    head --started before, never finished: SUSPECT
         --(one suspect at a time per process) count start: n--> n > max ? CRASH LOOP : attempt(n)
    attempt(a) --handler returned--> commit --ok--> DONE (acked, count cleared)
                                            --session conflict--> attempt(a) on the fresh snapshot
    attempt(a) --raised, or over turn_timeout (TurnTimedOut)--> FAILED
    FAILED --a < max: count start--> attempt(a+1)
           --a = max--> GIVE UP
    CRASH LOOP --(CrashLoop error)--> GIVE UP
    GIVE UP --> on_error's apology + the entry acked into the dead-letter list: DONE
    anywhere --LeaseLost--> the activation ends; the next owner sees the entry as a suspect
"""

from __future__ import annotations

import logging
import time
from collections import Counter
from collections.abc import Awaitable, Callable, Sequence
from contextlib import AbstractContextManager
from typing import Protocol

import anyio
import attrs
from opentelemetry import trace
from opentelemetry.trace import Link, SpanKind

from runtime import metrics
from runtime.config import RuntimeConfig
from runtime.contracts import (
    ConversationKey,
    CrashLoop,
    Envelope,
    Handler,
    LeaseLost,
    Turn,
    TurnTimedOut,
)
from runtime.inbox import InboxEntry
from runtime.store import ConversationStore, SessionConflict, dead_letter
from runtime.telemetry import extracted, hashed, span_if_recorded

log = logging.getLogger(__name__)
_tracer = trace.get_tracer(__name__)


class Delivering(Protocol):
    """The activation an entry is delivered in, as supervision needs it."""

    @property
    def key(self) -> ConversationKey: ...

    @property
    def token(self) -> str: ...

    @property
    def session(self) -> bytes | None:
        """The snapshot the next turn decides on."""
        ...

    async def commit(
        self, session: bytes | None, replies: Sequence[bytes], *, ttl: float | None, entry_id: str
    ) -> None:
        """Commit a snapshot and replies (and ack `entry_id`); raises LeaseLost, SessionConflict."""
        ...

    async def keep(
        self, replies: Sequence[bytes], *, entry_id: str = "", dead: bytes = b""
    ) -> None:
        """Commit replies (and ack `entry_id`, into the dead letters with `dead`), session kept."""
        ...


class Supervisor:
    """Delivers entries to the handler under the rules of the module docstring."""

    def __init__(
        self,
        config: RuntimeConfig,
        store: ConversationStore,
        handler: Handler,
        counters: Counter[str],
        confirm_kept: Callable[[Sequence[ConversationKey]], Awaitable[None]],
    ) -> None:
        self.config = config
        self.handler = handler
        self.counters = counters
        # REDIS_ACK_REPLICAS: returns once that many replicas hold what was written for these
        # conversations; raises StoreUnavailable otherwise.
        self.confirm_kept = confirm_kept
        self._store = store
        # Held while delivering a suspect: a poison entry that kills the process then takes no
        # bystander's count with it.
        self.suspects = anyio.Lock()

    async def deliver(self, to: Delivering, entry: InboxEntry, *, first_start: bool) -> None:
        """Deliver the mailbox head; `first_start`: its first start was counted with its read."""
        with _consumer_span(entry) as span:
            if span.is_recording():  # the hash is work only a recorded span needs
                span.set_attributes(_consumer_attributes(entry.envelope))
            if first_start:
                await self._attempts(to, entry, attempt=1)
            else:
                await self._suspect(to, entry)

    async def _suspect(self, to: Delivering, entry: InboxEntry) -> None:
        """An earlier delivery never finished: its process died (or lost the lease) mid-turn."""
        async with self.suspects:
            attempt = await self._store.start(to.key, to.token, entry.entry_id)
            if attempt > self.config.max_attempts:
                error = CrashLoop(f"crashed the process {attempt - 1} times")
                self.counters["crash_loops"] += 1
                log.error(
                    "entry dead-lettered: its delivery never finished",
                    extra={
                        "conversation": hashed(to.key.tag),
                        "message_id": entry.envelope.message_id,
                        "starts": attempt - 1,
                    },
                )
                await self._give_up(to, entry, error, str(error), label="crash loop")
                return
            await self._attempts(to, entry, attempt)

    async def _attempts(self, to: Delivering, entry: InboxEntry, attempt: int) -> None:
        envelope = entry.envelope
        while True:
            try:
                turn = await self._handle(to, envelope, attempt)
            except LeaseLost:
                raise
            except Exception as error:
                self._failed(to, entry, error)
                if attempt >= self.config.max_attempts:
                    await self._give_up(to, entry, error, repr(error), label="failed")
                    return
                attempt = await self._store.start(to.key, to.token, entry.entry_id)
                continue
            try:
                await to.commit(
                    turn.session, turn.replies, ttl=turn.session_ttl, entry_id=entry.entry_id
                )
            except SessionConflict:
                continue  # the snapshot expired or moved: decide again on the fresh one
            self.counters["processed"] += 1
            metrics.processed.add(1)
            if envelope.recorded_at:
                metrics.processing_latency.record(max(0.0, time.time() - envelope.recorded_at))
            return

    async def _handle(self, to: Delivering, envelope: Envelope, attempt: int) -> Turn:
        """One call of the handler, bounded: a turn that never ends would hold the conversation
        (and its lease) forever."""
        timeout = self.config.turn_timeout
        try:
            with anyio.fail_after(timeout) as scope:
                context = _Context(self, to, attempt)
                return await self.handler.handle(context, to.session, envelope)
        except TimeoutError:
            if not scope.cancel_called:
                raise  # the handler's own timeout, not ours
            self.counters["timeouts"] += 1
            raise TurnTimedOut(f"no answer within {timeout:g} s") from None

    def _failed(self, to: Delivering, entry: InboxEntry, error: Exception) -> None:
        self.counters["failures"] += 1
        metrics.failures.add(1)
        log.error(
            "handler failed",
            exc_info=error,
            extra={"conversation": hashed(to.key.tag), "message_id": entry.envelope.message_id},
        )

    async def _give_up(
        self, to: Delivering, entry: InboxEntry, error: Exception, reason: str, *, label: str
    ) -> None:
        """Dead-letter the entry with the handler's apology for it."""
        apology = hook_replies(to.key, self.handler.on_error, entry.envelope, error)
        await self.dead_letter(to, entry, apology, reason, label=label)

    async def dead_letter(
        self,
        to: Delivering,
        entry: InboxEntry,
        replies: Sequence[bytes],
        reason: str,
        *,
        label: str,
    ) -> None:
        """Ack the entry into the dead-letter list (with `replies`), counted by `label`."""
        await to.keep(replies, entry_id=entry.entry_id, dead=dead_letter(entry, reason))
        self.counters["dead_letters"] += 1
        metrics.dead_letters.add(1, {"reason": label})


def hook_replies(
    key: ConversationKey, hook: Callable[..., Sequence[bytes]], *args: object
) -> Sequence[bytes]:
    """The replies of a handler hook (on_error, on_overload, on_skipped); none when it fails:
    a broken apology must not take the conversation down with it."""
    try:
        return tuple(hook(key, *args))
    except Exception:
        log.exception("handler hook failed", extra={"conversation": hashed(key.tag)})
        return ()


@attrs.define
class _Context:
    """The TurnContext given to the handler for one attempt."""

    supervisor: Supervisor
    delivering: Delivering
    attempt: int

    @property
    def key(self) -> ConversationKey:
        return self.delivering.key

    async def checkpoint(self, session: bytes | None, replies: Sequence[bytes] = ()) -> None:
        await self.delivering.commit(session, replies, ttl=None, entry_id="")
        if self.supervisor.config.ack_replicas > 0:
            # G5 across a failover: a checkpoint only the dead master held would be lost, and
            # the turn replayed on its replica would move the money again. So no call to
            # credex-core before a replica holds it (short: the turn fails and is retried).
            await self.supervisor.confirm_kept([self.key])


def _consumer_span(entry: InboxEntry) -> AbstractContextManager[trace.Span]:
    """The turn's CONSUMER span, a child of the message's PRODUCER span, linked to it; when no
    span is recorded, the turn runs in the producer's context itself (its trace id in the logs
    and the `traceparent` to credex-core)."""
    envelope: Envelope = entry.envelope
    producer = extracted(envelope.trace_context)
    producer_span = trace.get_current_span(producer).get_span_context()
    links = [Link(producer_span)] if producer_span.is_valid else []
    return span_if_recorded(
        _tracer, "inbox process", context_=producer, kind=SpanKind.CONSUMER, links=links
    )


def _consumer_attributes(envelope: Envelope) -> dict[str, str]:
    return {
        "messaging.system": "redis",
        "messaging.operation.type": "process",
        "messaging.destination.name": "inbox",
        "messaging.message.id": envelope.message_id,
        "vimbiso.conversation": hashed(envelope.key.tag),
    }
