"""Gateway test fixtures: the app served over real loopback HTTP, a real Redis, a fake Graph API
over real HTTP, and telemetry providers whose output the tests can read."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

import aiohttp
import attrs
import pytest
import redis.asyncio as aioredis
from aiohttp import web
from opentelemetry import metrics, trace
from opentelemetry.exporter.prometheus import PrometheusMetricReader
from opentelemetry.sdk.metrics import MeterProvider
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

from actors.events import Inbound, decode
from gateway.app import create_app
from gateway.config import GatewayConfig
from gateway.whatsapp.cloud import CloudSender
from runtime.contracts import Envelope
from tests.gateway.fake_graph import FakeGraph

PNID = "1122334455667"  # the phone_number_id of most golden fixtures
APP_SECRET = "test-app-secret"
ACCESS_TOKEN = "test-access-token"
SPANS = InMemorySpanExporter()


def _install_telemetry() -> None:
    provider = trace.get_tracer_provider()
    if not isinstance(provider, TracerProvider):
        provider = TracerProvider()
        trace.set_tracer_provider(provider)
    provider.add_span_processor(SimpleSpanProcessor(SPANS))
    if not isinstance(metrics.get_meter_provider(), MeterProvider):
        metrics.set_meter_provider(MeterProvider(metric_readers=[PrometheusMetricReader()]))


_install_telemetry()


def make_config(**changes: Any) -> GatewayConfig:
    base = GatewayConfig(
        whatsapp_app_secret=APP_SECRET,
        whatsapp_verify_token="verify-me",
        whatsapp_access_token=ACCESS_TOKEN,
        whatsapp_phone_number_id=PNID,
        whatsapp_api_url="http://127.0.0.1:1",
        notify_client_id="credex-core",
        notify_client_secret="notify-secret-0123456789",
        notify_jwt_secret="jwt-secret-0123456789abcdef",
        notify_token_ttl_seconds=600,
        cors_origins=("https://credex.example",),
    )
    return attrs.evolve(base, **changes)


@attrs.define
class Seen:
    """What reached the conversation side, in arrival order, awaitable."""

    events: list[Envelope] = attrs.field(factory=list)
    _changed: asyncio.Condition = attrs.field(factory=asyncio.Condition)

    async def add(self, envelope: Envelope) -> None:
        async with self._changed:
            self.events.append(envelope)
            self._changed.notify_all()

    def inbound(self, index: int) -> Inbound:
        return decode(self.events[index].payload)

    async def wait_for(self, count: int, within: float = 10.0) -> list[Envelope]:
        async with asyncio.timeout(within), self._changed:
            await self._changed.wait_for(lambda: len(self.events) >= count)
        return list(self.events)


class InterimRecorder:
    """Dedup + durable append in Redis, standing in until runtime.Runtime is on main."""

    def __init__(self, redis: aioredis.Redis, prefix: str, seen: Seen) -> None:
        self._redis, self._prefix, self._seen = redis, prefix, seen

    async def record(self, envelopes: Any) -> list[bool]:
        async with self._redis.pipeline(transaction=False) as pipe:
            for env in envelopes:
                pipe.set(f"{self._prefix}dedup:{env.message_id}", 1, nx=True, ex=691200)
            fresh = [bool(r) for r in await pipe.execute()]
        for env, new in zip(envelopes, fresh, strict=True):
            if new:
                await self._seen.add(env)
        return fresh


@pytest.fixture
def seen() -> Seen:
    return Seen()


@pytest.fixture
def recorder(redis_client: aioredis.Redis, key_prefix: str, seen: Seen) -> InterimRecorder:
    return InterimRecorder(redis_client, key_prefix, seen)


Serve = Callable[..., Awaitable[str]]


@pytest.fixture
async def serve() -> AsyncIterator[Callable[[web.Application], Awaitable[str]]]:
    runners: list[web.AppRunner] = []

    async def start(app: web.Application) -> str:
        runner = web.AppRunner(app, access_log=None)
        await runner.setup()
        site = web.TCPSite(runner, "127.0.0.1", 0)
        await site.start()
        runners.append(runner)
        port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        return f"http://127.0.0.1:{port}"

    yield start
    for runner in reversed(runners):
        await runner.cleanup()


@pytest.fixture
async def http() -> AsyncIterator[aiohttp.ClientSession]:
    async with aiohttp.ClientSession() as session:
        yield session


@pytest.fixture
async def gateway_url(
    serve: Callable[[web.Application], Awaitable[str]],
    redis_client: aioredis.Redis,
    recorder: InterimRecorder,
    key_prefix: str,
) -> str:
    app = create_app(make_config(), redis=redis_client, recorder=recorder, key_prefix=key_prefix)
    return await serve(app)


@pytest.fixture
async def graph(serve: Callable[[web.Application], Awaitable[str]]) -> FakeGraph:
    fake = FakeGraph(token=ACCESS_TOKEN)
    fake.url = await serve(fake.app())
    return fake


@pytest.fixture
async def sender(
    graph: FakeGraph, redis_client: aioredis.Redis, key_prefix: str
) -> AsyncIterator[CloudSender]:
    cloud = CloudSender(graph.url, ACCESS_TOKEN, PNID, redis_client, key_prefix)
    yield cloud
    await cloud.close()
