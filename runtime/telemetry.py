"""OpenTelemetry setup: traces (OTLP/HTTP when configured) and metrics (Prometheus reader)."""

from __future__ import annotations

import hashlib
import os
import threading

from opentelemetry import metrics, trace

_lock = threading.Lock()
_installed = False


def hashed(identifier: str) -> str:
    """A stable, non-reversible stand-in for a user identifier in spans and logs."""
    return hashlib.sha256(identifier.encode()).hexdigest()[:16]


def _otlp_wanted() -> bool:
    if os.environ.get("OTEL_TRACES_EXPORTER", "").strip().lower() == "none":
        return False
    return bool(
        os.environ.get("OTEL_EXPORTER_OTLP_ENDPOINT")
        or os.environ.get("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT")
    )


def setup_telemetry(service_name: str = "vimbiso-pay") -> None:
    """Install the SDK tracer and meter providers once per process (later calls do nothing)."""
    global _installed
    with _lock:
        if _installed:
            return
        from opentelemetry.exporter.prometheus import PrometheusMetricReader
        from opentelemetry.sdk.metrics import MeterProvider
        from opentelemetry.sdk.resources import SERVICE_NAME, Resource
        from opentelemetry.sdk.trace import TracerProvider
        from opentelemetry.sdk.trace.export import BatchSpanProcessor

        resource = Resource.create({SERVICE_NAME: service_name})
        tracer_provider = TracerProvider(resource=resource)
        if _otlp_wanted():
            from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter

            tracer_provider.add_span_processor(BatchSpanProcessor(OTLPSpanExporter()))
        trace.set_tracer_provider(tracer_provider)
        # The Prometheus reader registers with prometheus_client's default registry, which is
        # what prometheus_client.generate_latest() serves on /metrics.
        metrics.set_meter_provider(
            MeterProvider(resource=resource, metric_readers=[PrometheusMetricReader()])
        )
        _installed = True
