"""Durable inboxes: record envelopes (dedup + append in one script per envelope, all envelopes
of one call in one pipeline) and parse entries read back for the actor."""

from __future__ import annotations

import time
from collections.abc import Sequence

import attrs
import orjson
from opentelemetry import propagate, trace
from opentelemetry.trace import SpanKind

from runtime import metrics
from runtime.batcher import Batcher, Command
from runtime.config import RuntimeConfig
from runtime.contracts import ConversationKey, Envelope
from runtime.keys import Keys, encode_member
from runtime.scripts import Scripts
from runtime.telemetry import hashed

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
) -> list[Recorded]:
    """One round trip for the whole batch, shared with whatever else is waiting to go out.
    Raises redis/OS errors; the caller maps them."""
    started = time.perf_counter()
    spans = [_producer_span(envelope) for envelope in envelopes]
    poke_prefix = keys.pokes("")
    commands: list[Command] = []
    try:
        for envelope, span in zip(envelopes, spans, strict=True):
            carrier: dict[str, str] = {}
            propagate.inject(carrier, context=trace.set_span_in_context(span))
            k = keys.of(envelope.key)
            member = encode_member(envelope.key)
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
                    orjson.dumps(carrier),
                    repr(envelope.recorded_at or time.time()),
                    "1" if claim else "0",
                    int(config.lease_ttl * 1000),
                    FENCE_TTL_SECONDS,
                    process_id,
                    poke_prefix,
                    member,
                    incarnation,
                )
            )
            # Also for duplicates: a redelivery repairs a pending mark a crash left out.
            commands.append(("ZADD", keys.pending, "NX", time.time(), member))
        replies = await batcher.call(*commands)
    finally:
        for span in spans:
            span.end()
    outcomes = []
    for code, lease in replies[0::2]:
        outcome = Recorded(new=code != 0, lease=_text(lease), claimed=code == 2)
        outcomes.append(outcome)
        (metrics.recorded if outcome.new else metrics.duplicates).add(1)
    metrics.record_latency.record(time.perf_counter() - started)
    return outcomes


def _producer_span(envelope: Envelope) -> trace.Span:
    return _tracer.start_span(
        "inbox publish",
        context=propagate.extract(dict(envelope.trace_context)),
        kind=SpanKind.PRODUCER,
        attributes={
            "messaging.system": "redis",
            "messaging.operation.type": "send",
            "messaging.destination.name": "inbox",
            "messaging.message.id": envelope.message_id,
            "vimbiso.conversation": hashed(envelope.key.tag),
        },
    )


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
