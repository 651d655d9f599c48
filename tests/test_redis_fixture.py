"""The Redis fixture gives a real, isolated Redis."""

from __future__ import annotations

import redis.asyncio as aioredis

from simulator.redis_server import embedded_redis


async def test_redis_fixture_is_a_real_server(
    redis_client: aioredis.Redis, key_prefix: str
) -> None:
    await redis_client.set(f"{key_prefix}k", "v")
    assert await redis_client.get(f"{key_prefix}k") == b"v"
    info = await redis_client.info("server")
    assert "redis_version" in info


def test_embedded_redis_starts_without_any_service() -> None:
    import redis

    with embedded_redis() as url:
        client = redis.Redis.from_url(url)
        assert client.ping() is True
        client.close()
