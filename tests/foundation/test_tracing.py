"""One WhatsApp message is one trace: the webhook's SERVER span, the inbox PRODUCER and
CONSUMER spans, Redis spans from the standard instrumentation, the credex-core CLIENT spans and
credex-core's own SERVER spans (the simulator continues the `traceparent` it receives), and the
Graph send from the outbox. Read from an in-memory exporter on the process-wide provider."""

from __future__ import annotations

import redis.asyncio as aioredis
from opentelemetry import trace
from opentelemetry.sdk.trace import ReadableSpan, TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from opentelemetry.trace import SpanKind

from runtime.telemetry import setup_telemetry
from simulator.demo import running_demo

TENDAI = "263771000001"
_SPANS = InMemorySpanExporter()
_installed: list[TracerProvider] = []


def _exporter() -> InMemorySpanExporter:
    setup_telemetry("vimbiso-pay-test")  # also installs the Redis and aiohttp-client spans
    provider = trace.get_tracer_provider()
    assert isinstance(provider, TracerProvider)
    if provider not in _installed:
        provider.add_span_processor(SimpleSpanProcessor(_SPANS))
        _installed.append(provider)
    _SPANS.clear()
    return _SPANS


def _scope(span: ReadableSpan) -> str:
    return span.instrumentation_scope.name if span.instrumentation_scope else ""


async def test_one_message_is_one_trace_with_credex_cores_side_in_it(
    redis_url: str, key_prefix: str, redis_client: aioredis.Redis
) -> None:
    exporter = _exporter()
    async with running_demo("127.0.0.1", 0, redis_url, key_prefix=key_prefix) as demo:
        await demo.whatsapp.send_text(TENDAI, "hi", name="Tendai Moyo")
        [dashboard] = await demo.whatsapp.wait_for_messages(TENDAI, 1)
        assert "Tendai" in dashboard["interactive"]["body"]["text"]
    spans = exporter.get_finished_spans()
    [webhook] = [s for s in spans if s.name == "POST /webhook" and s.kind is SpanKind.SERVER]
    assert webhook.context is not None
    ours = [
        s for s in spans if s.context is not None and s.context.trace_id == webhook.context.trace_id
    ]
    assert any(s.kind is SpanKind.PRODUCER for s in ours)
    assert any(s.kind is SpanKind.CONSUMER for s in ours)
    credex_calls = [s for s in ours if s.kind is SpanKind.CLIENT and s.name.startswith("POST /v1/")]
    credex_side = [s for s in ours if s.kind is SpanKind.SERVER and _scope(s) == "simulator.credex"]
    assert credex_calls and credex_side
    # Each of credex-core's spans is the child of the bot's call that reached it.
    call_ids = {s.context.span_id for s in credex_calls if s.context is not None}
    assert all(s.parent is not None and s.parent.span_id in call_ids for s in credex_side)
    assert {s.name for s in credex_side} <= {s.name for s in credex_calls}
    # Redis spans from the standard instrumentation, arguments hidden.
    redis_spans = [s for s in ours if _scope(s).startswith("opentelemetry.instrumentation.redis")]
    # Also the batched ones (the actor's commit goes through the batcher's lanes): they join
    # their caller's trace, here as children of the CONSUMER span.
    consumer_ids = {s.context.span_id for s in ours if s.kind is SpanKind.CONSUMER and s.context}
    assert any(s.parent is not None and s.parent.span_id in consumer_ids for s in redis_spans)
    statements = [str(dict(s.attributes or {})) for s in redis_spans]
    assert all(TENDAI not in text for text in statements)
    # The Graph send runs later, from the outbox, yet is in the message's trace: the reply
    # carries the message's trace context. A child of the PRODUCER span (the CONSUMER span's
    # parent), with its hand-written CLIENT span and no generic duplicate inside it.
    graph_sends = [
        s for s in spans if s.kind is SpanKind.CLIENT and _scope(s) == "gateway.whatsapp"
    ]
    assert graph_sends and all(s in ours for s in graph_sends)
    producer_ids = {s.context.span_id for s in ours if s.kind is SpanKind.PRODUCER and s.context}
    assert all(s.parent is not None and s.parent.span_id in producer_ids for s in graph_sends)
    generic = [s for s in spans if _scope(s).startswith("opentelemetry.instrumentation.aiohttp")]
    assert all(s.parent is None for s in generic)  # only the chat page's own webhook POST
