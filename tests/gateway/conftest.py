"""Gateway test fixtures: the app served over real loopback HTTP, a real Redis, a fake Graph API
over real HTTP, and telemetry providers whose output the tests can read."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from functools import partial
from typing import Any

import aiohttp
import anyio
import attrs
import pytest
import redis.asyncio as aioredis
from aiohttp import web
from opentelemetry import metrics, trace
from opentelemetry.exporter.prometheus import PrometheusMetricReader
from opentelemetry.sdk.metrics import MeterProvider
from opentelemetry.sdk.trace import ReadableSpan, TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor, SpanExportResult
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

from gateway.app import create_app
from gateway.config import GatewayConfig
from gateway.whatsapp.cloud import CloudSender
from runtime import Runtime, RuntimeConfig
from runtime.contracts import Recorder
from tests.gateway.conversation import RecordingHandler, Seen
from tests.gateway.fake_graph import FakeGraph

PNID = "1122334455667"  # the phone_number_id of most golden fixtures
APP_SECRET = "test-app-secret"
ACCESS_TOKEN = "test-access-token"


class RecentSpans(InMemorySpanExporter):
    """Keeps only the latest spans: the provider is process-wide, and the whole session's spans
    (tens of thousands, from every suite) would otherwise pile up in memory."""

    KEEP = 256

    def export(self, spans: Sequence[ReadableSpan]) -> SpanExportResult:
        result = super().export(spans)
        kept = self.get_finished_spans()
        if len(kept) > self.KEEP:
            self.clear()
            super().export(kept[-self.KEEP :])
        return result


SPANS = RecentSpans()


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
        notify_jwt_secret="jwt-secret-0123456789abcdef-0123456789",
        notify_token_ttl_seconds=600,
        cors_origins=("https://credex.example",),
    )
    return attrs.evolve(base, **changes)


@pytest.fixture
def seen() -> Seen:
    return Seen()


@pytest.fixture
async def runtime(
    redis_client: aioredis.Redis, key_prefix: str, seen: Seen, sender: CloudSender
) -> AsyncIterator[Runtime]:
    """The real runtime as the gateway's Recorder, hosting the recording handler and sending
    its replies through the Cloud API sender to the fake Graph API."""
    config = RuntimeConfig(
        key_prefix=key_prefix,
        outbox_base_backoff=0.02,
        outbox_max_backoff=0.2,
        rate_limit_per_minute=100_000,
    )
    rt = Runtime(redis_client, config, RecordingHandler(seen), sender)
    async with anyio.create_task_group() as group:
        with anyio.fail_after(10):
            await group.start(rt.run)  # returns once the runtime is running
        try:
            yield rt
        finally:
            await rt.stop()


@pytest.fixture
def recorder(runtime: Runtime) -> Recorder:
    return runtime


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
    recorder: Recorder,
    key_prefix: str,
) -> str:
    # As `vimbiso serve` wires it: the webhook's lookups and stamps ride the runtime's lane,
    # and its turns and sends give way to acknowledgements.
    runtime = recorder if isinstance(recorder, Runtime) else None
    app = create_app(
        make_config(),
        redis=redis_client,
        recorder=recorder,
        key_prefix=key_prefix,
        pipelines=partial(runtime.store.batcher.call, urgent=True) if runtime else None,
        acks=runtime.acks if runtime else None,
    )
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
