"""End-to-end fixtures: the whole stack per test (real gateway + runtime on real Redis under the
test's own key prefix, the credex-core simulator over HTTP, the WhatsApp simulator as Meta), and
a credex-core probe that asks the simulator directly what really exists."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
import redis.asyncio as aioredis

from gateway.credex import CredexClient
from simulator.demo import Demo, running_demo
from tests.redis_server import cluster_mode

TENDAI, RUDO, FARAI, CHIPO = "263771000001", "263771000002", "263771000003", "263771000004"


@pytest.fixture
async def demo(
    redis_url: str, key_prefix: str, redis_client: aioredis.Redis
) -> AsyncIterator[Demo]:
    """`redis_client` deletes every key under `key_prefix` once the stack has stopped."""
    async with running_demo(
        "127.0.0.1", 0, redis_url, key_prefix=key_prefix, redis_cluster=cluster_mode()
    ) as running:
        yield running


@pytest.fixture
async def credex(demo: Demo) -> AsyncIterator[CredexClient]:
    """credex-core as the test sees it: the same simulator the bot uses, asked directly."""
    client = CredexClient(demo.credex_url, max_retries=0)
    try:
        yield client
    finally:
        await client.close()


async def outgoing(credex: CredexClient, phone: str) -> list[str]:
    """credexIDs of the member's pending outgoing offers, according to credex-core."""
    view = await credex.member_view(phone)
    return [o.credex_id for a in view.accounts for o in a.pending_out]


async def incoming(credex: CredexClient, phone: str) -> list[str]:
    view = await credex.member_view(phone)
    return [o.credex_id for a in view.accounts for o in a.pending_in]
