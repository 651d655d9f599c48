"""The 10,000-idle-conversations scenario in a process of its own (run by test_idle.py).

Heap blocks are counted in a fresh interpreter, so nothing the rest of the test session keeps
alive or frees meanwhile (servers, span exporters, caches) is mistaken for the runtime's memory.
Prints one JSON line with the measurements.
"""

from __future__ import annotations

import gc
import sys
import time

import anyio
import anyio.lowlevel
import orjson

from runtime.config import RuntimeConfig
from runtime.contracts import ConversationKey, Envelope
from runtime.host import Runtime
from tests.redis_server import client
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
    gc.collect()
    return sys.getallocatedblocks()


async def settled_allocation(config: RuntimeConfig) -> int:
    """The heap once transient holders let go: a lease renewal round in flight (slow while the
    burst loads Redis) still holds the list of activations it started with. The lowest count
    over two renewal intervals, so a round that began before the eviction has ended."""
    lowest = allocated()
    deadline = time.monotonic() + 2 * config.lease_ttl / 3 + 0.5
    while time.monotonic() < deadline:
        await anyio.sleep(0.25)
        lowest = min(lowest, allocated())
    return lowest


async def scenario(redis_url: str, key_prefix: str) -> dict[str, int]:
    # A longer lease: 10,000 activations at once must not outrun renewal on a loaded CI box.
    config = RuntimeConfig(
        key_prefix=key_prefix,
        actor_idle_seconds=3.0,  # all 10,000 stay active together even on a loaded box
        lease_ttl=5.0,
        sweep_interval=0.2,
        rate_limit_per_minute=100_000,
        shutdown_deadline=3.0,
    )
    redis = client(redis_url)
    runtime = Runtime(redis, config, AppendingHandler())
    try:
        async with running(runtime):
            # Warm up connection pools, script caches and code paths before the baseline.
            await record_conversations(runtime, 0, 500)
            await wait_for(lambda: runtime.stats()["active_actors"] == 0, what="warm-up idle")
            baseline = allocated()
            await record_conversations(runtime, 500, 10_000)
            # The peak is sampled while the burst is processed: on a loaded box the first
            # actors may already be idle again by the time the last message is done.
            peak = [0]

            def all_processed() -> bool:
                stats = runtime.stats()
                peak[0] = max(peak[0], int(stats["active_actors"]))
                return stats.get("processed", 0) >= 10_500

            await wait_for(all_processed, within=60, what="all")
            busy = allocated()
            active_at_peak = max(peak[0], int(runtime.stats()["active_actors"]))
            await wait_for(
                lambda: runtime.stats()["active_actors"] == 0, within=60, what="eviction"
            )
            after = await settled_allocation(config)
            mailbox_depth = int(runtime.stats()["mailbox_depth"])
    finally:
        await redis.aclose()
    return {
        "baseline": baseline,
        "busy": busy,
        "after": after,
        "active_at_peak": int(active_at_peak),
        "mailbox_depth": mailbox_depth,
    }


if __name__ == "__main__":
    result = anyio.run(scenario, sys.argv[1], sys.argv[2])
    print(orjson.dumps(result).decode(), flush=True)
