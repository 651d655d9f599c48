"""G6: idle actors are evicted and the process's memory does not grow with users seen."""

from __future__ import annotations

import gc
import sys

import anyio
import anyio.lowlevel
import attrs
import redis.asyncio as aioredis
from opentelemetry import trace
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

from runtime.config import RuntimeConfig
from runtime.contracts import ConversationKey, Envelope
from runtime.host import Runtime
from tests.runtime.handlers import AppendingHandler
from tests.runtime.running import running, wait_for


async def record_conversations(runtime: Runtime, first: int, count: int) -> None:
    for start in range(first, first + count, 200):
        batch = [
            Envelope(ConversationKey("15550001", f"user-{n}"), f"m-{n}", b"hi")
            for n in range(start, min(start + 200, first + count))
        ]
        await runtime.record(batch)


def allocated() -> int:
    _forget_recorded_spans()
    gc.collect()
    return sys.getallocatedblocks()


def _forget_recorded_spans() -> None:
    """Other tests add in-memory span exporters to the process-wide provider (tests/gateway,
    test_telemetry); the spans they keep of these 21,000 turns are not the runtime's memory."""
    provider = trace.get_tracer_provider()
    multi = getattr(provider, "_active_span_processor", None)
    for processor in getattr(multi, "_span_processors", ()):
        exporter = getattr(processor, "span_exporter", None)
        if isinstance(exporter, InMemorySpanExporter):
            exporter.clear()


async def test_10000_idle_conversations_are_all_deactivated_and_memory_returns(
    redis_client: aioredis.Redis, config: RuntimeConfig
) -> None:
    # A longer lease: 10,000 activations at once must not outrun renewal on a loaded CI box.
    config = attrs.evolve(config, actor_idle_seconds=1.0, lease_ttl=5.0)
    handler = AppendingHandler()
    runtime = Runtime(redis_client, config, handler)
    async with running(runtime):
        # Warm up connection pools, script caches and code paths before the baseline.
        await record_conversations(runtime, 0, 500)
        await wait_for(lambda: runtime.stats()["active_actors"] == 0, what="warm-up idle")
        baseline = allocated()

        await record_conversations(runtime, 500, 10_000)
        await wait_for(lambda: runtime.stats().get("processed", 0) >= 10_500, within=60, what="all")
        busy = allocated()
        active_at_peak = runtime.stats()["active_actors"]
        await wait_for(lambda: runtime.stats()["active_actors"] == 0, within=60, what="eviction")
        await anyio.lowlevel.checkpoint()
        after = allocated()

        # Evicted actors hand their leases back (test_actor covers that one by one). Under a
        # heavily loaded box a few leases of this 10,000-actor burst can be lost and re-claimed
        # mid-flight; none may outlive its TTL, and nothing may stay pending.
        async def nothing_left_in_redis() -> bool:
            leases = [k async for k in redis_client.scan_iter(match=f"{config.key_prefix}lease:*")]
            pending = await redis_client.zcard(f"{config.key_prefix}pending")
            return leases == [] and pending == 0

        await wait_for(
            nothing_left_in_redis,
            within=config.lease_ttl + config.sweep_interval + 5,
            what="no leases and no pending conversations",
        )
    assert active_at_peak > 1000, "the conversations were never active together"
    grown_while_busy = busy - baseline
    assert grown_while_busy > 10_000  # the measure can see 10,000 actors
    # Back near the start: far less than one block per user seen stays behind.
    assert after - baseline < 0.05 * grown_while_busy, (baseline, busy, after)
    assert runtime.stats()["mailbox_depth"] == 0
