"""Run a Runtime inside a test and wait for conditions without sleeping blindly."""

from __future__ import annotations

import time
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager

import anyio

from runtime.client import RedisClient
from runtime.config import RuntimeConfig
from runtime.host import Runtime
from runtime.keys import Keys


@asynccontextmanager
async def running(runtime: Runtime) -> AsyncIterator[Runtime]:
    async with anyio.create_task_group() as group:
        with anyio.fail_after(20):
            await group.start(runtime.run)  # returns once it is running
        try:
            yield runtime
        finally:
            await runtime.stop()


async def wait_for(
    condition: Callable[[], bool | Awaitable[bool]], *, within: float = 20.0, what: str = ""
) -> None:
    """Poll a condition (cheap, local or one Redis call) until true; fail after `within` seconds."""
    deadline = time.monotonic() + within
    while True:
        result = condition()
        if not isinstance(result, bool):
            result = await result
        if result:
            return
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what or condition}")
        await anyio.sleep(0.01)


async def pending_count(redis: RedisClient, config: RuntimeConfig) -> int:
    """Conversations marked pending, over every shard of the fleet-wide pending set."""
    return sum([await redis.zcard(shard) for shard in Keys(config.key_prefix).pending_shards()])
