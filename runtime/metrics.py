"""The runtime's OpenTelemetry instruments (exported on /metrics once telemetry is set up)."""

from __future__ import annotations

import weakref
from collections.abc import Callable, Iterable
from typing import Protocol

from opentelemetry import metrics
from opentelemetry.metrics import CallbackOptions, Observation

from runtime import tally
from runtime.telemetry import DURATION_BUCKETS

_meter = metrics.get_meter("runtime")

recorded = tally.counter(_meter, "runtime.recorded", description="envelopes recorded (new)")
duplicates = tally.counter(_meter, "runtime.duplicates", description="envelopes dropped as seen")
processed = tally.counter(_meter, "runtime.processed", description="inbox entries committed")
failures = tally.counter(_meter, "runtime.failures", description="handler exceptions")
dead_letters = tally.counter(
    _meter, "runtime.dead_letters", description="entries or replies dead-lettered, by reason"
)
sends = tally.counter(_meter, "runtime.sends", description="outbox sends by outcome")
active_actors = tally.up_down_counter(_meter, "runtime.active_actors")
record_latency = _meter.create_histogram(
    "runtime.record.duration", unit="s", explicit_bucket_boundaries_advisory=DURATION_BUCKETS
)
processing_latency = _meter.create_histogram(
    "runtime.processing.duration",
    unit="s",
    description="recorded to committed",
    explicit_bucket_boundaries_advisory=DURATION_BUCKETS,
)

# Gauges read the live runtimes of this process at collection time.
_gauge_sources: weakref.WeakSet[_StatsSource] = weakref.WeakSet()


class _StatsSource(Protocol):
    def stats(self) -> dict[str, int | float]: ...


def _observe(name: str) -> Callable[[CallbackOptions], Iterable[Observation]]:
    def callback(_options: CallbackOptions) -> Iterable[Observation]:
        total = sum(source.stats().get(name, 0) for source in list(_gauge_sources))
        return [Observation(total)]

    return callback


def observe(source: _StatsSource) -> None:
    """Report this runtime's mailbox and outbox depth through the gauges."""
    _gauge_sources.add(source)


_meter.create_observable_gauge(
    "runtime.inbox_depth",
    callbacks=[_observe("mailbox_depth")],
    description="inbox entries held by local actors",
)
_meter.create_observable_gauge(
    "runtime.outbox_depth",
    callbacks=[_observe("outbox_depth")],
    description="replies waiting in outboxes of local actors",
)
