"""Crash takeover (issue 13): a conversation whose owner's heartbeat stopped is taken over
within seconds, not when the owner's lease lapses; an owner whose heartbeat is fresh keeps it."""

from __future__ import annotations

import time

import anyio
import attrs

from runtime.client import RedisClient
from runtime.config import RuntimeConfig
from runtime.contracts import ConversationKey, Envelope
from runtime.host import Runtime
from runtime.keys import Keys
from tests.runtime.handlers import AppendingHandler, processed_ids
from tests.runtime.running import running, wait_for

KEY = ConversationKey("15550001111", "263770009999")
LEASE_SECONDS = 60  # far longer than the test may take: only a takeover explains success


async def _owned_by(redis: RedisClient, config: RuntimeConfig, pid: str, beat: float) -> None:
    """Make `pid` the owner of KEY, with its last heartbeat at `beat`, as a process that held
    the conversation and then (maybe) died would leave Redis."""
    keys = Keys(config.key_prefix)
    await redis.set(keys.of(KEY).lease, f"{pid}:0000:1", px=LEASE_SECONDS * 1000)
    await redis.zadd(keys.hosts(pid), {pid: beat})


async def test_a_conversation_of_a_process_whose_heartbeat_stopped_is_taken_over_in_seconds(
    redis_client: RedisClient, config: RuntimeConfig
) -> None:
    config = attrs.evolve(config, lease_ttl=float(LEASE_SECONDS), host_timeout=1.0)
    await _owned_by(redis_client, config, "dead-host", time.time() - 5)
    runtime = Runtime(redis_client, config, AppendingHandler(), process_id="survivor")
    started = time.monotonic()
    async with running(runtime):
        assert await runtime.record([Envelope(KEY, "m1", b"x")]) == [True]
        await wait_for(lambda: runtime.stats().get("processed", 0) >= 1, within=10, what="m1")
    took = time.monotonic() - started
    assert took < LEASE_SECONDS / 2, took
    assert runtime.stats()["takeovers"] >= 1
    assert processed_ids(await runtime.read_session(KEY)) == ["m1"]
    lease = await redis_client.get(Keys(config.key_prefix).of(KEY).lease)
    assert lease is None or not lease.startswith(b"dead-host:")


async def test_a_conversation_of_a_process_with_a_fresh_heartbeat_is_not_taken(
    redis_client: RedisClient, config: RuntimeConfig
) -> None:
    config = attrs.evolve(config, lease_ttl=float(LEASE_SECONDS), host_timeout=30.0)
    await _owned_by(redis_client, config, "busy-host", time.time())
    runtime = Runtime(redis_client, config, AppendingHandler(), process_id="neighbour")
    async with running(runtime):
        assert await runtime.record([Envelope(KEY, "m1", b"x")]) == [True]
        # Several sweeps (sweep_interval 0.2 s) see the conversation held by a live owner.
        await wait_for(lambda: runtime.counters["activations"] == 0, what="a first look")
        deadline = time.monotonic() + 2.0
        while time.monotonic() < deadline:
            assert runtime.stats().get("processed", 0) == 0
            assert runtime.counters["takeovers"] == 0
            await anyio.sleep(0.1)
    lease = await redis_client.get(Keys(config.key_prefix).of(KEY).lease)
    assert lease == b"busy-host:0000:1"
