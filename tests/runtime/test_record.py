"""Recording: dedup by message id, durable inbox, typed failure when Redis is unreachable."""

from __future__ import annotations

import anyio
import pytest
import redis.asyncio as aioredis
from redis.asyncio.retry import Retry
from redis.backoff import NoBackoff

from runtime.config import RuntimeConfig
from runtime.contracts import ConversationKey, Envelope, StoreUnavailable
from runtime.host import Runtime
from runtime.keys import Keys
from tests.runtime.handlers import AppendingHandler, processed_ids
from tests.runtime.running import running, wait_for

KEY = ConversationKey("15550001", "263770000001")


async def test_same_message_recorded_50_times_concurrently_is_processed_once(
    redis_client: aioredis.Redis, config: RuntimeConfig
) -> None:
    handler = AppendingHandler()
    runtime = Runtime(redis_client, config, handler)
    outcomes: list[bool] = []

    async def record_once() -> None:
        outcomes.extend(await runtime.record([Envelope(KEY, "wamid.same", b"hi")]))

    async with running(runtime):
        async with anyio.create_task_group() as group:
            for _ in range(50):
                group.start_soon(record_once)
        await wait_for(lambda: runtime.stats().get("processed", 0) >= 1, what="processing")
        # A late redelivery of the processed message is still a duplicate.
        assert await runtime.record([Envelope(KEY, "wamid.same", b"hi")]) == [False]
        await wait_for(lambda: runtime.stats()["active_actors"] == 0, what="deactivation")
    assert outcomes.count(True) == 1
    assert outcomes.count(False) == 49
    assert handler.calls == 1
    assert processed_ids(await runtime.read_session(KEY)) == ["wamid.same"]


async def test_record_returns_new_and_duplicate_per_envelope_in_one_call(
    redis_client: aioredis.Redis, config: RuntimeConfig
) -> None:
    runtime = Runtime(redis_client, config, AppendingHandler())
    batch = [
        Envelope(KEY, "a", b"1"),
        Envelope(ConversationKey("15550001", "other"), "b", b"2"),
        Envelope(KEY, "a", b"1"),
    ]
    assert await runtime.record(batch) == [True, True, False]
    # Nothing runs yet, but the entries are durable in the inbox.
    inbox = f"{config.key_prefix}inbox:{{{KEY.tag}}}"
    assert await redis_client.xlen(inbox) == 1


async def test_dedup_key_lives_at_least_eight_days(
    redis_client: aioredis.Redis, config: RuntimeConfig
) -> None:
    runtime = Runtime(redis_client, config, AppendingHandler())
    await runtime.record([Envelope(KEY, "wamid.ttl", b"x")])
    ttl = await redis_client.ttl(f"{config.key_prefix}dedup:{{{KEY.tag}}}:wamid.ttl")
    assert ttl > 8 * 86400 - 5


async def test_all_keys_of_a_conversation_share_its_hash_tag(
    redis_client: aioredis.Redis, config: RuntimeConfig
) -> None:
    runtime = Runtime(redis_client, config, AppendingHandler())
    async with running(runtime):
        await runtime.record([Envelope(KEY, "m1", b"x")])
        await wait_for(lambda: runtime.stats().get("processed", 0) >= 1, what="processing")
        keys = [k async for k in redis_client.scan_iter(match=f"{config.key_prefix}*")]
    fleet = Keys(config.key_prefix)
    shared = {*fleet.pending_shards(), *fleet.hosts_shards()}
    conversation_keys = [k.decode() for k in keys if k.decode() not in shared]
    assert conversation_keys
    assert all(f"{{{KEY.tag}}}" in k for k in conversation_keys), conversation_keys


async def test_unreachable_redis_raises_store_unavailable(config: RuntimeConfig) -> None:
    dead = aioredis.Redis(
        host="127.0.0.1", port=1, socket_connect_timeout=0.2, retry=Retry(NoBackoff(), 0)
    )
    runtime = Runtime(dead, config, AppendingHandler())
    with pytest.raises(StoreUnavailable):
        await runtime.record([Envelope(KEY, "m", b"x")])
    await dead.aclose()
