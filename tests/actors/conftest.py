"""Fixtures for the conversation tests: a moving clock, and for shell tests the credex-core
simulator (demo seed) served over real HTTP on 127.0.0.1 and reached through the real client."""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator

import pytest
from aiohttp import web

from gateway.credex import CredexClient
from simulator.credex.app import SimConfig, create_app
from tests.actors.chat import Chat, Clock


@pytest.fixture
def clock() -> Clock:
    return Clock(dt.datetime(2026, 3, 10, 7, 30, tzinfo=dt.UTC))  # 09:30 in Harare


@pytest.fixture
async def credex(clock: Clock) -> AsyncIterator[CredexClient]:
    app = create_app(SimConfig(seed="demo", clock=clock))
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    client = CredexClient(f"http://127.0.0.1:{port}/v1", max_retries=0, backoff_base=0.0)
    try:
        yield client
    finally:
        await client.close()
        await runner.cleanup()


@pytest.fixture
def chat(credex: CredexClient, clock: Clock) -> Chat:
    return Chat(credex, clock)
