"""Durable inboxes: record envelopes (dedup + append + poke in one single-slot script per
envelope, then the fleet-wide pending mark; all envelopes of one call in one urgent pipeline)
and parse entries read back for the actor."""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence

import attrs
import orjson
from opentelemetry import context, trace
from opentelemetry.trace import SpanKind

from runtime import metrics
from runtime.batcher import Batcher
from runtime.config import RuntimeConfig
from runtime.contracts import Command, ConversationKey, Envelope
from runtime.keys import Keys, encode_member
from runtime.scripts import Scripts
from runtime.telemetry import extracted, hashed, spans_recorded, traceparent

_tracer = trace.get_tracer(__name__)

FENCE_TTL_SECONDS = 86400  # fencing counters outlive any lease by far, then vanish


@attrs.frozen
class Recorded:
    """The outcome of recording one envelope, with what the host needs to poke its owner."""

    new: bool
    lease: str  # '' when nobody owns the conversation
    claimed: bool  # the recording process took the lease


@attrs.frozen
class InboxEntry:
    """One entry read back from a conversation's inbox stream."""

    entry_id: str
    envelope: Envelope

    @property
    def recorded_ms(self) -> int:
        """Redis server time of the append (the stream id), shared by every process."""
        return int(self.entry_id.split("-", 1)[0])


async def record(
    batcher: Batcher,
    scripts: Scripts,
    keys: Keys,
    config: RuntimeConfig,
    envelopes: Sequence[Envelope],
    process_id: str,
    incarnation: str,
    claim: bool,
    *,
    publish: bool = True,
    route: Callable[[bytes], str] | None = None,
    look_again: float = 0.0,
) -> list[Recorded]:
    """One round trip for the whole batch, shared with whatever else is waiting to go out.
    `publish`: the script pokes other owners itself (standalone Redis; on a cluster the caller
    does it with SPUBLISH). `route` (a recorder that hosts no actors): the process a
    conversation nobody owns is handed to, by its encoded member (`keys.encode_member`); the
    script pokes it when `publish`. `look_again`: how far ahead (seconds) the pending mark of
    a conversation someone is told about (claimed here, or routed to a live host) comes due.
    Raises redis/OS errors; the caller maps them."""
    started = time.perf_counter()
    parents: dict[tuple[tuple[str, str], ...], context.Context] = {}
    # A PRODUCER span per envelope when spans are recorded; else each entry carries the trace
    # context it came with (the webhook's SERVER span) and the consumer continues that.
    spans = (
        [_producer_span(envelope, parents) for envelope in envelopes] if spans_recorded() else []
    )
    poke_prefix = keys.poke_prefix if publish else ""
    now = time.time()
    commands: list[Command] = []
    try:
        for n, envelope in enumerate(envelopes):
            k = keys.of(envelope.key)
            member = encode_member(envelope.key)
            routed = route(member) if route is not None else ""
            commands.append(
                (
                    "EVALSHA",
                    scripts.record.sha,
                    4,
                    k.dedup(envelope.message_id),
                    k.inbox,
                    k.lease,
                    k.fence,
                    config.dedup_ttl_seconds,
                    envelope.message_id,
                    envelope.payload,
                    _carrier(spans[n]) if spans else orjson.dumps(envelope.trace_context),
                    repr(envelope.recorded_at or now),
                    "1" if claim else "0",
                    int(config.lease_ttl * 1000),
                    FENCE_TTL_SECONDS,
                    process_id,
                    poke_prefix,
                    member,
                    incarnation,
                    routed,
                )
            )
            # Mark the conversation pending (NX: never postpone a mark) so a sweeper finds it if
            # the poke is lost; also for a duplicate, so a redelivery repairs a mark a crash left
            # out. Outside the script: the pending set is fleet-wide, another Cluster slot.
            # When a live process is told (this one claims, or a routed host is poked; a lease
            # holder is poked either way), the mark comes due only after `look_again`: by then
            # that process has pushed it further ahead itself, so sweepers do not meet every
            # new conversation a second time (a lost poke is found that much later).
            due = now + look_again if claim or routed else now
            commands.append(("ZADD", keys.pending(envelope.key), "NX", due, member))
        # Urgent: the webhook's acknowledgement waits for this, not for the actors' work (G1).
        replies = await batcher.call(*commands, urgent=True)
    finally:
        for span in spans:
            span.end()
    outcomes = [  # each envelope's script reply; its ZADD's follows
        Recorded(new=code != 0, lease=_text(lease), claimed=code == 2)
        for code, lease in replies[::2]
    ]
    new = sum(outcome.new for outcome in outcomes)  # one add per batch, not per envelope
    if new:
        metrics.recorded.add(new)
    if new < len(outcomes):
        metrics.duplicates.add(len(outcomes) - new)
    metrics.record_latency.record(time.perf_counter() - started)
    return outcomes


def _carrier(span: trace.Span) -> bytes:
    """The producer span as the W3C trace context the consumer links to, written directly:
    what propagate.inject would write for a context holding only this span (no baggage), for
    a fraction of its cost per envelope."""
    return orjson.dumps(traceparent(span.get_span_context()))


def _producer_span(
    envelope: Envelope, parents: dict[tuple[tuple[str, str], ...], context.Context]
) -> trace.Span:
    # The messages of one webhook POST share its trace context: extract it once.
    carried = tuple(envelope.trace_context.items())
    parent = parents.get(carried)
    if parent is None:
        parent = parents[carried] = extracted(dict(carried))
    span = _tracer.start_span("inbox publish", context=parent, kind=SpanKind.PRODUCER)
    if span.is_recording():  # the hash is work only a recorded span needs
        span.set_attributes(
            {
                "messaging.system": "redis",
                "messaging.operation.type": "send",
                "messaging.destination.name": "inbox",
                "messaging.message.id": envelope.message_id,
                "vimbiso.conversation": hashed(envelope.key.tag),
            }
        )
    return span


def parse_entry(key: ConversationKey, entry_id: bytes, fields: dict[bytes, bytes]) -> InboxEntry:
    trace_context = orjson.loads(fields.get(b"t", b"{}"))
    return InboxEntry(
        entry_id=_text(entry_id),
        envelope=Envelope(
            key=key,
            message_id=_text(fields[b"m"]),
            payload=fields[b"p"],
            trace_context={str(k): str(v) for k, v in trace_context.items()},
            recorded_at=float(fields.get(b"r", b"0")),
        ),
    )


def _text(value: bytes | str | None) -> str:
    if value is None:
        return ""
    return value.decode() if isinstance(value, bytes) else value
