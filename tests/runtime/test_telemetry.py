"""Telemetry: a PRODUCER span per recorded envelope and a CONSUMER span linked to it, user ids
hashed; metrics reach the Prometheus text; JSON log lines carry the trace id."""

from __future__ import annotations

import contextlib
import io
import logging
from collections.abc import Callable, Iterator
from typing import Any

import orjson
import prometheus_client
import redis.asyncio as aioredis
from opentelemetry import trace
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from opentelemetry.trace import SpanKind

from runtime.config import RuntimeConfig
from runtime.contracts import ConversationKey, Envelope
from runtime.host import Runtime
from runtime.logs import JsonFormatter, setup_logging
from runtime.telemetry import setup_telemetry
from tests.runtime.handlers import AppendingHandler
from tests.runtime.running import running, wait_for

KEY = ConversationKey("15550001", "263771234567")


_SPANS = InMemorySpanExporter()
_installed: list[TracerProvider] = []


def _exporter() -> InMemorySpanExporter:
    """One exporter on the process-wide provider for this module, emptied for each test
    (a processor added per test would keep every later test's spans forever)."""
    setup_telemetry("vimbiso-pay-test")
    provider = trace.get_tracer_provider()
    assert isinstance(provider, TracerProvider)
    if provider not in _installed:
        provider.add_span_processor(SimpleSpanProcessor(_SPANS))
        _installed.append(provider)
    _SPANS.clear()
    return _SPANS


async def test_consumer_span_links_to_the_producer_span_and_hides_the_user(
    redis_client: aioredis.Redis, config: RuntimeConfig
) -> None:
    exporter = _exporter()
    runtime = Runtime(redis_client, config, AppendingHandler())
    async with running(runtime):
        await runtime.record([Envelope(KEY, "wamid.traced", b"x")])
        await wait_for(lambda: runtime.stats().get("processed", 0) >= 1, what="processing")
    spans = [
        s
        for s in exporter.get_finished_spans()
        if s.attributes.get("messaging.message.id") == "wamid.traced"
    ]
    producer = next(s for s in spans if s.kind == SpanKind.PRODUCER)
    consumer = next(s for s in spans if s.kind == SpanKind.CONSUMER)
    assert [link.context.span_id for link in consumer.links] == [producer.context.span_id]
    assert consumer.attributes["messaging.system"] == "redis"
    for span in (producer, consumer):
        assert KEY.user not in str(dict(span.attributes))


async def test_runtime_metrics_appear_in_the_prometheus_text(
    redis_client: aioredis.Redis, config: RuntimeConfig
) -> None:
    setup_telemetry("vimbiso-pay-test")
    setup_telemetry("vimbiso-pay-test")  # idempotent
    runtime = Runtime(redis_client, config, AppendingHandler())
    async with running(runtime):
        await runtime.record([Envelope(KEY, "wamid.m1", b"x"), Envelope(KEY, "wamid.m1", b"x")])
        await wait_for(lambda: runtime.stats().get("processed", 0) >= 1, what="processing")
    text = prometheus_client.generate_latest().decode()
    for name in (
        "runtime_recorded",
        "runtime_duplicates",
        "runtime_processed",
        "runtime_record_duration",
    ):
        assert name in text, name


@contextlib.contextmanager
def json_lines(name: str) -> Iterator[tuple[logging.Logger, Callable[[], dict[str, Any]]]]:
    """Logger `name` writing JSON lines to memory, and a reader of the last line written."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter())
    log = logging.getLogger(name)
    log.addHandler(handler)
    try:
        yield log, lambda: dict(orjson.loads(stream.getvalue().splitlines()[-1]))
    finally:
        log.removeHandler(handler)


def test_json_log_lines_carry_the_trace_id() -> None:
    setup_telemetry("vimbiso-pay-test")
    root = logging.getLogger()
    saved = (root.handlers[:], root.level)
    setup_logging("warning")
    assert [type(h.formatter) for h in root.handlers] == [JsonFormatter]
    root.handlers[:], level = saved
    root.setLevel(level)
    with json_lines("test.runtime.logs") as (log, last_line):
        with trace.get_tracer(__name__).start_as_current_span("work") as span:
            log.warning("handler failed", extra={"conversation": "abc"})
        line = last_line()
    assert line["msg"] == "handler failed"
    assert line["level"] == "WARNING"
    assert line["conversation"] == "abc"
    assert line["trace_id"] == format(span.get_span_context().trace_id, "032x")


def test_the_recorded_trace_context_is_what_the_w3c_propagator_would_write() -> None:
    from opentelemetry import propagate
    from opentelemetry.trace import TraceState

    from runtime.inbox import _carrier

    setup_telemetry("vimbiso-pay-test")
    tracer = trace.get_tracer(__name__)
    parent = trace.set_span_in_context(
        trace.NonRecordingSpan(
            trace.SpanContext(
                trace_id=0x0AF7651916CD43DD8448EB211C80319C,
                span_id=0xB7AD6B7169203331,
                is_remote=True,
                trace_flags=trace.TraceFlags(1),
                trace_state=TraceState([("vendor", "value")]),
            )
        )
    )
    span = tracer.start_span("inbox publish", context=parent)
    expected: dict[str, str] = {}
    propagate.inject(expected, context=trace.set_span_in_context(span))
    span.end()
    assert orjson.loads(_carrier(span)) == expected
    assert expected["traceparent"].startswith("00-0af7651916cd43dd8448eb211c80319c-")
    assert _carrier(trace.INVALID_SPAN) == b"{}"


def _bucket(text: str, metric: str, le: str) -> float:
    from prometheus_client.parser import text_string_to_metric_families

    return sum(
        sample.value
        for family in text_string_to_metric_families(text)
        for sample in family.samples
        if sample.name == f"{metric}_bucket" and sample.labels.get("le") == le
    )


def test_a_3_ms_duration_lands_between_the_2_5_and_5_ms_buckets_of_the_prometheus_output() -> None:
    from gateway.whatsapp import meters
    from runtime import metrics

    setup_telemetry("vimbiso-pay-test")
    histograms = {
        "runtime_record_duration_seconds": metrics.record_latency,
        "runtime_processing_duration_seconds": metrics.processing_latency,
        "vimbiso_webhook_ack_seconds": meters.webhook_ack_seconds,
    }
    before = prometheus_client.generate_latest().decode()
    for histogram in histograms.values():
        histogram.record(0.003)
    after = prometheus_client.generate_latest().decode()
    for name in histograms:
        added = {
            le: _bucket(after, name, le) - _bucket(before, name, le)
            for le in ("0.0005", "0.0025", "0.005", "10.0", "+Inf")
        }
        # Cumulative buckets: not in le=0.0025, in le=0.005 and every bucket above it.
        assert added == {"0.0005": 0, "0.0025": 0, "0.005": 1, "10.0": 1, "+Inf": 1}, name


def test_without_an_exporter_nothing_is_recorded_but_trace_ids_still_travel() -> None:
    from opentelemetry import propagate

    from runtime.telemetry import trace_sampler

    spans = InMemorySpanExporter()
    provider = TracerProvider(sampler=trace_sampler({}))
    provider.add_span_processor(SimpleSpanProcessor(spans))
    with json_lines("test.runtime.unsampled") as (log, last_line):
        with provider.get_tracer(__name__).start_as_current_span("work") as span:
            log.warning("handler failed")
            carrier: dict[str, str] = {}
            propagate.inject(carrier)
        line = last_line()
    context = span.get_span_context()
    assert not span.is_recording() and spans.get_finished_spans() == ()
    assert context.is_valid
    assert line["trace_id"] == format(context.trace_id, "032x")
    _, trace_id, span_id, flags = carrier["traceparent"].split("-")
    assert (trace_id, span_id) == (f"{context.trace_id:032x}", f"{context.span_id:016x}")
    assert int(flags, 16) & 0x01 == 0  # "not sampled": credex-core need not record it either


def test_an_exporter_or_the_operators_sampler_gets_the_sdks_own_choice() -> None:
    from opentelemetry.sdk.trace.sampling import ALWAYS_OFF

    from runtime.telemetry import trace_sampler

    assert trace_sampler({"OTEL_EXPORTER_OTLP_ENDPOINT": "http://jaeger:4318"}) is None
    assert trace_sampler({"OTEL_TRACES_SAMPLER": "traceidratio"}) is None
    exported_nowhere = {"OTEL_EXPORTER_OTLP_ENDPOINT": "http://x", "OTEL_TRACES_EXPORTER": "none"}
    assert trace_sampler(exported_nowhere) is ALWAYS_OFF


def _instrumented_in_a_fresh_process(**env: str) -> list[bool]:
    import os
    import subprocess
    import sys

    clean = {k: v for k, v in os.environ.items() if not k.startswith("OTEL_")}
    probe = (
        "import aiohttp, redis.asyncio.client as r; from runtime.telemetry import setup_telemetry;"
        "setup_telemetry(); print(hasattr(r.Pipeline.execute, '__wrapped__'),"
        " hasattr(aiohttp.ClientSession.__init__, '__wrapped__'))"
    )
    out = subprocess.run(
        [sys.executable, "-c", probe], env={**clean, **env}, capture_output=True, check=True
    )
    return [word == "True" for word in out.stdout.decode().split()]


def test_the_library_spans_are_installed_only_where_spans_are_recorded() -> None:
    assert _instrumented_in_a_fresh_process() == [False, False]
    exported = {"OTEL_EXPORTER_OTLP_ENDPOINT": "http://127.0.0.1:1"}
    assert _instrumented_in_a_fresh_process(**exported) == [True, True]
    assert _instrumented_in_a_fresh_process(OTEL_TRACES_SAMPLER="always_on") == [True, True]


def test_spans_are_recorded_only_by_a_provider_that_samples() -> None:
    from opentelemetry.sdk.trace.sampling import ALWAYS_OFF

    from runtime.telemetry import spans_recorded

    assert spans_recorded(TracerProvider())
    assert not spans_recorded(TracerProvider(sampler=ALWAYS_OFF))
    assert not spans_recorded(trace.NoOpTracerProvider())
    assert spans_recorded()  # these tests ask for every span (tests/conftest.py)


def test_our_traceparent_reader_and_writer_agree_with_the_w3c_propagator() -> None:
    from opentelemetry import propagate

    from runtime.telemetry import extracted, traceparent

    def seen(ctx: Any) -> trace.SpanContext:
        return trace.get_current_span(ctx).get_span_context()

    carriers: list[dict[str, str]] = [
        {"traceparent": "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"},
        {"traceparent": "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-00"},
        {"traceparent": "00-00000000000000000000000000000000-b7ad6b7169203331-01"},  # invalid
        {"traceparent": "00-0AF7651916CD43DD8448EB211C80319C-b7ad6b7169203331-01"},  # invalid
        {"traceparent": "garbage"},
        {},
        {
            "traceparent": "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01",
            "tracestate": "vendor=value",
        },
    ]
    for carrier in carriers:
        assert seen(extracted(carrier)) == seen(propagate.extract(carrier)), carrier
        written: dict[str, str] = {}
        propagate.inject(written, context=propagate.extract(carrier))
        assert traceparent(seen(propagate.extract(carrier))) == written, carrier


def test_without_recorded_spans_a_messages_trace_id_still_reaches_its_turn_and_its_send(
    redis_url: str, key_prefix: str
) -> None:
    import os
    import subprocess
    import sys

    trace_id = "4bf92f3577b34da6a3ce929d0e0e4736"
    env = {k: v for k, v in os.environ.items() if not k.startswith("OTEL_")}
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "tests.runtime.unrecorded_proc",
            redis_url,
            key_prefix,
            f"00-{trace_id}-00f067aa0ba902b7-00",
        ],
        env=env,
        capture_output=True,
        timeout=60,
        check=True,
    )
    seen = orjson.loads(done.stdout.splitlines()[-1])
    # login and the dashboard: each carries the message's trace id to credex-core
    assert seen == {"recorded": False, "turn": trace_id, "credex": [trace_id] * 2, "send": trace_id}


def test_a_tally_reports_exact_current_totals_per_attribute_set_as_a_counter() -> None:
    from opentelemetry.sdk.metrics import MeterProvider
    from opentelemetry.sdk.metrics.export import InMemoryMetricReader

    from runtime import tally

    reader = InMemoryMetricReader()
    meter = MeterProvider(metric_readers=[reader]).get_meter("tally-test")
    sends = tally.counter(meter, "test.sends", "sends by outcome")
    sends.add(2, {"outcome": "sent"})
    sends.add(1, {"outcome": "retryable", "code": "131056"})
    sends.add(1, {"code": "131056", "outcome": "retryable"})  # the same set, another order

    def totals() -> dict[frozenset[tuple[str, Any]], float]:
        data = reader.get_metrics_data()
        (metric,) = [
            m for rm in data.resource_metrics for sm in rm.scope_metrics for m in sm.metrics
        ]
        assert metric.data.is_monotonic
        return {frozenset(p.attributes.items()): p.value for p in metric.data.data_points}

    assert totals() == {
        frozenset({("outcome", "sent")}): 2,
        frozenset({("outcome", "retryable"), ("code", "131056")}): 2,
    }
    sends.add(3, {"outcome": "sent"})
    assert totals()[frozenset({("outcome", "sent")})] == 5
