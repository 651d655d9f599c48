"""The gateway's OpenTelemetry instruments (exported on /metrics through the Prometheus reader
that the runtime's telemetry setup installs; the API's proxy meter binds them late)."""

from __future__ import annotations

from opentelemetry import metrics

from runtime import tally
from runtime.telemetry import DURATION_BUCKETS

_meter = metrics.get_meter("vimbiso.gateway")

webhook_messages = tally.counter(
    _meter, "vimbiso_webhook_messages", description="Inbound messages by result (new, duplicate)"
)
webhook_ignored = tally.counter(
    _meter,
    "vimbiso_webhook_ignored",
    description="Webhook items not recorded, by reason (foreign_number, malformed, unreadable)",
)
webhook_rejected = tally.counter(
    _meter,
    "vimbiso_webhook_rejected",
    description="Webhook POSTs refused, by reason (signature, size)",
)
webhook_ack_seconds = _meter.create_histogram(
    "vimbiso_webhook_ack_seconds",
    unit="s",
    description="Time from request to acknowledgement",
    explicit_bucket_boundaries_advisory=DURATION_BUCKETS,
)
statuses = tally.counter(
    _meter,
    "vimbiso_delivery_statuses",
    description="Delivery statuses by status and applied (yes/stale)",
)
status_errors = tally.counter(
    _meter, "vimbiso_delivery_errors", description="Failed deliveries by Graph error code"
)
graph_sends = tally.counter(
    _meter,
    "vimbiso_graph_sends",
    description="Graph API sends by outcome (sent, retryable, rejected)",
)
api_requests = tally.counter(
    _meter, "vimbiso_api_requests", description="/api requests by route and outcome"
)
