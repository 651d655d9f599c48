"""A Redis of the test's own, for tests that do what a shared Redis must not see: SCRIPT FLUSH
(what a restarted Redis looks like to a client that loaded its scripts before)."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator

import redis.asyncio as aioredis

from simulator.redis_server import embedded_redis


@contextlib.asynccontextmanager
async def private_redis() -> AsyncIterator[aioredis.Redis]:
    """A client of a fresh redis-server that only this test talks to; stopped on exit."""
    with embedded_redis() as url:
        client = aioredis.Redis.from_url(url)
        try:
            yield client
        finally:
            await client.aclose()
