"""The outbox sender sends what a commit just appended from its own copy of the outbox: no
round trip to read the outbox back, and the replies still go out in order, once each."""

from __future__ import annotations

import redis.asyncio as aioredis

from runtime.config import RuntimeConfig
from runtime.contracts import ConversationKey, Envelope
from runtime.host import Runtime
from runtime.keys import Keys
from simulator.redis_server import embedded_redis
from tests.runtime.handlers import AppendingHandler
from tests.runtime.running import running, wait_for
from tests.runtime.test_outbox import Transport

A = ConversationKey("15550001", "263770000011")


async def test_replies_a_commit_appended_go_out_in_order_without_reading_the_outbox_back(
    config: RuntimeConfig,
) -> None:
    # A Redis of its own: its command counters are this test's alone.
    with embedded_redis() as url:
        redis = aioredis.Redis.from_url(url)
        try:
            transport = Transport()
            runtime = Runtime(redis, config, AppendingHandler(), transport)
            async with running(runtime):
                for n in range(5):
                    assert await runtime.record([Envelope(A, f"m{n}", f"p{n}".encode())])
                    await wait_for(lambda n=n: len(transport.delivered[A]) > n, what=f"m{n}")
            assert transport.delivered[A] == [f"ok:p{n}".encode() for n in range(5)]
            stats = await redis.info("commandstats")
            assert int(stats.get("cmdstat_lrange", {"calls": 0})["calls"]) == 0
            assert await redis.llen(Keys(config.key_prefix).of(A).outbox) == 0
        finally:
            await redis.aclose()
