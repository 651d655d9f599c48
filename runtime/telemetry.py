"""OpenTelemetry setup: traces (OTLP/HTTP when configured), metrics (Prometheus reader), and the
standard instrumentations of the Redis and aiohttp clients."""

from __future__ import annotations

import hashlib
import os
import re
import threading
from collections.abc import Iterator, Mapping, Sequence
from contextlib import AbstractContextManager, contextmanager, nullcontext
from typing import TYPE_CHECKING

from opentelemetry import context, metrics, propagate, trace
from opentelemetry.util.types import Attributes

if TYPE_CHECKING:
    from opentelemetry.sdk.metrics import ExemplarFilter
    from opentelemetry.sdk.trace.sampling import Sampler

_lock = threading.Lock()
_installed = False
_instrumented = False

# Histogram boundaries for durations in seconds, from half a millisecond (a record round trip)
# to ten seconds (a slow credex-core call). OpenTelemetry's defaults (0, 5, 10, 25, ... 10000)
# are made for milliseconds: with seconds every sample would land in the first bucket. Pass
# these as explicit_bucket_boundaries_advisory wherever a duration histogram is created.
DURATION_BUCKETS: tuple[float, ...] = (
    0.0005,
    0.001,
    0.0025,
    0.005,
    0.01,
    0.025,
    0.05,
    0.1,
    0.25,
    0.5,
    1.0,
    2.5,
    5.0,
    10.0,
)


def hashed(identifier: str) -> str:
    """A stable, non-reversible stand-in for a user identifier in spans and logs."""
    return hashlib.sha256(identifier.encode()).hexdigest()[:16]


def _otlp_wanted(environ: Mapping[str, str]) -> bool:
    if environ.get("OTEL_TRACES_EXPORTER", "").strip().lower() == "none":
        return False
    return bool(
        environ.get("OTEL_EXPORTER_OTLP_ENDPOINT")
        or environ.get("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT")
    )


def trace_sampler(environ: Mapping[str, str]) -> Sampler | None:
    """The sampler for this process: the operator's `OTEL_TRACES_SAMPLER` when set (None: the
    SDK reads it), else the SDK's default when spans are exported, else one that records
    nothing. Without an exporter a recorded span is pure cost (one per Redis command, per HTTP
    request, per message); an unrecorded one still has a valid context, so the JSON logs keep
    their trace ids and `traceparent` still reaches credex-core (flagged not sampled)."""
    from opentelemetry.sdk.trace.sampling import ALWAYS_OFF

    if environ.get("OTEL_TRACES_SAMPLER", "").strip() or _otlp_wanted(environ):
        return None
    return ALWAYS_OFF


def _exemplar_filter(environ: Mapping[str, str]) -> ExemplarFilter | None:
    """No exemplars unless OTEL_METRICS_EXEMPLAR_FILTER asks (None: the SDK reads it): the
    Prometheus text on /metrics carries none, so sampling them costs every measurement taken
    in a recorded span for nothing."""
    from opentelemetry.sdk.metrics import AlwaysOffExemplarFilter

    if environ.get("OTEL_METRICS_EXEMPLAR_FILTER", "").strip():
        return None
    return AlwaysOffExemplarFilter()


def setup_telemetry(service_name: str = "vimbiso-pay") -> None:
    """Install the SDK tracer and meter providers once per process (later calls do nothing),
    and the library instrumentations when spans can be recorded at all (`trace_sampler`)."""
    global _installed
    with _lock:
        if _installed:
            return
        from opentelemetry.exporter.prometheus import PrometheusMetricReader
        from opentelemetry.sdk.metrics import Histogram, MeterProvider
        from opentelemetry.sdk.metrics.view import ExplicitBucketHistogramAggregation, View
        from opentelemetry.sdk.resources import SERVICE_NAME, Resource
        from opentelemetry.sdk.trace import TracerProvider
        from opentelemetry.sdk.trace.export import BatchSpanProcessor
        from opentelemetry.sdk.trace.sampling import ALWAYS_OFF

        resource = Resource.create({SERVICE_NAME: service_name})
        sampler = trace_sampler(os.environ)
        tracer_provider = TracerProvider(resource=resource, sampler=sampler)
        if _otlp_wanted(os.environ):
            from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter

            tracer_provider.add_span_processor(BatchSpanProcessor(OTLPSpanExporter()))
        trace.set_tracer_provider(tracer_provider)
        # Any histogram in seconds gets second-based buckets, also one created without the
        # advisory boundaries.
        seconds = View(
            instrument_type=Histogram,
            instrument_unit="s",
            aggregation=ExplicitBucketHistogramAggregation(list(DURATION_BUCKETS)),
        )
        # The Prometheus reader registers with prometheus_client's default registry, which is
        # what prometheus_client.generate_latest() serves on /metrics.
        metrics.set_meter_provider(
            MeterProvider(
                resource=resource,
                metric_readers=[PrometheusMetricReader()],
                views=[seconds],
                exemplar_filter=_exemplar_filter(os.environ),
            )
        )
        _installed = True
    if sampler is ALWAYS_OFF:
        # Nothing is recorded: the library spans would cost each Redis pipeline its span
        # name and `?`-masked statement, and each HTTP request its hooks, for nothing. Our own
        # spans stay: they carry the trace ids of the logs and the `traceparent` we send.
        return
    instrument_libraries()


def spans_recorded(provider: trace.TracerProvider | None = None) -> bool:
    """Whether a span started now could be recorded (by `provider`, else the global one). Not
    when the process records none (no exporter: `trace_sampler`'s ALWAYS_OFF, or no tracer
    provider at all): then a span of our own would only carry new ids, so the hot paths skip
    theirs (`span_if_recorded`) and their work stays in the trace they continue, whose id the
    logs and `traceparent` still carry."""
    if provider is None:
        provider = trace.get_tracer_provider()
    if isinstance(provider, trace.ProxyTracerProvider | trace.NoOpTracerProvider):
        return False
    from opentelemetry.sdk.trace.sampling import ALWAYS_OFF

    return getattr(provider, "sampler", None) is not ALWAYS_OFF


def span_if_recorded(
    tracer: trace.Tracer,
    name: str,
    *,
    kind: trace.SpanKind = trace.SpanKind.INTERNAL,
    attributes: Attributes = None,
    links: Sequence[trace.Link] = (),
    context_: context.Context | None = None,
    provider: trace.TracerProvider | None = None,
) -> AbstractContextManager[trace.Span]:
    """`tracer.start_as_current_span(...)` when spans are recorded (by `provider`, the tracer's,
    else the global one); else the current span as it is (non-recording: attributes and status
    set on it are dropped, as they would be)."""
    if spans_recorded(provider):
        return tracer.start_as_current_span(
            name, context=context_, kind=kind, attributes=attributes, links=links
        )
    if context_ is not None:
        return _attached(context_)
    return nullcontext(trace.get_current_span())


@contextmanager
def _attached(ctx: context.Context) -> Iterator[trace.Span]:
    token = context.attach(ctx)
    try:
        yield trace.get_current_span(ctx)
    finally:
        context.detach(token)


_TRACEPARENT = re.compile(r"00-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})")


def extracted(trace_context: Mapping[str, str]) -> context.Context:
    """The context a carrier we wrote names (`propagate.extract`). A lone `traceparent`, as
    ours are, is read here directly, for a fraction of the propagators' cost per message."""
    if len(trace_context) == 1 and (
        match := _TRACEPARENT.fullmatch(trace_context.get("traceparent", ""))
    ):
        trace_id, span_id = int(match[1], 16), int(match[2], 16)
        if trace_id and span_id:
            remote = trace.SpanContext(
                trace_id, span_id, is_remote=True, trace_flags=trace.TraceFlags(int(match[3], 16))
            )
            return trace.set_span_in_context(trace.NonRecordingSpan(remote))
    return propagate.extract(dict(trace_context))


def traceparent(span_context: trace.SpanContext) -> dict[str, str]:
    """The W3C trace context naming a span, as `propagate.inject` writes it for a context that
    holds only that span (no baggage): {} for an invalid span."""
    if not span_context.is_valid:
        return {}
    carrier = {
        "traceparent": f"00-{span_context.trace_id:032x}-{span_context.span_id:016x}"
        f"-{span_context.trace_flags:02x}"
    }
    if span_context.trace_state:
        carrier["tracestate"] = span_context.trace_state.to_header()
    return carrier


@contextmanager
def continued(trace_context: Mapping[str, str]) -> Iterator[None]:
    """Spans started inside join the trace `trace_context` carries (a `traceparent`, as
    `propagate.inject` writes it), as children of the span it names; work that runs later, away
    from that span (the outbox's Graph send), stays in its message's trace. Empty: no change."""
    if not trace_context:
        yield
        return
    with _attached(extracted(trace_context)):
        yield


def libraries_instrumented() -> bool:
    """Whether the standard Redis and aiohttp-client instrumentations are installed (spans
    are recorded): the batcher then sends through redis-py's pipeline, which they wrap."""
    return _instrumented


def instrument_libraries() -> None:
    """Spans from the standard instrumentations, once per process: a CLIENT span per Redis
    command or pipeline (arguments replaced by `?`, so no key names nor phone numbers leave
    the process) and per aiohttp client request, which also injects `traceparent`. credex-core
    calls and Graph sends go through `gateway/http_client.py` instead, with CLIENT spans of
    their own.

    HTTP attributes use the stable semantic conventions (`http.request.method`, `url.full`)
    unless OTEL_SEMCONV_STABILITY_OPT_IN says otherwise."""
    global _instrumented
    with _lock:
        if _instrumented:
            return
        os.environ.setdefault("OTEL_SEMCONV_STABILITY_OPT_IN", "http")
        from opentelemetry.instrumentation.aiohttp_client import AioHttpClientInstrumentor
        from opentelemetry.instrumentation.redis import RedisInstrumentor

        # The standard variable of OpenTelemetry's auto-instrumentation, honoured here too:
        # e.g. OTEL_PYTHON_DISABLED_INSTRUMENTATIONS=redis turns the Redis spans off.
        disabled = {
            name.strip()
            for name in os.environ.get("OTEL_PYTHON_DISABLED_INSTRUMENTATIONS", "").split(",")
        }
        if "redis" not in disabled:
            RedisInstrumentor().instrument()
        if "aiohttp-client" not in disabled:
            AioHttpClientInstrumentor().instrument()
        _instrumented = True
