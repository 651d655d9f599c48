"""`vimbiso serve`: one process = gateway + actor host + outbox sender, all on one Redis.

`--workers N` starts N such processes on one port (SO_REUSEPORT); they coordinate only through
Redis, exactly as processes on separate machines do. SIGTERM stops accepting, drains in-flight
messages within the runtime's deadline, releases leases and exits 0.
"""

from __future__ import annotations

import asyncio
import gc
import logging
import multiprocessing
import os
import shutil
import signal
import sys
import tempfile
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager

import anyio
import attrs
from aiohttp import web

from actors.conversation import ConversationHandler
from gateway.app import GatewayConfig, create_app
from gateway.credex.client import CredexClient
from gateway.debug import RUNTIME_KEY
from gateway.routes.worker_metrics import METRICS_DIR_ENV, shared_dir, write_forever
from gateway.whatsapp.cloud import CloudSender
from runtime import Runtime, RuntimeConfig, setup_logging, setup_telemetry
from runtime.client import RedisClient, connect, ready
from runtime.settings import Settings

log = logging.getLogger("vimbiso.serve")

KEY_PREFIX = "vp:"
# The session snapshot outlives the logical timeout so the bot can say "your session timed
# out" (and name a discarded draft) instead of silently starting over.
SESSION_TTL_SECONDS = 86400.0
REDIS_CONNECTIONS = 64


@attrs.frozen
class Service:
    """A running service's parts, for the demo page and tests."""

    app: web.Application
    runtime: Runtime
    redis: RedisClient
    credex: CredexClient
    port: int


@asynccontextmanager
async def running_service(
    settings: Settings,
    *,
    reuse_port: bool = False,
    extra_routes: Callable[[web.Application], None] | None = None,
    key_prefix: str = KEY_PREFIX,
    runtime_config: RuntimeConfig | None = None,
) -> AsyncIterator[Service]:
    """Start gateway, runtime and sender; yield once the port is open; shut down on exit."""
    redis = connect(
        settings.redis_url, cluster=settings.redis_cluster, max_connections=REDIS_CONNECTIONS
    )
    credex = CredexClient(settings.credex_api_url, client_api_key=settings.credex_client_api_key)
    sender = CloudSender(
        settings.whatsapp_api_url,
        settings.whatsapp_access_token,
        settings.whatsapp_phone_number_id,
        redis,
        key_prefix,
    )
    handler = ConversationHandler(
        credex,
        timezone=settings.bot_timezone,
        session_timeout=float(settings.session_timeout_seconds),
        session_ttl=SESSION_TTL_SECONDS,
    )
    config = runtime_config or RuntimeConfig(
        key_prefix=key_prefix,
        session_ttl=SESSION_TTL_SECONDS,
        actor_idle_seconds=float(settings.actor_idle_seconds),
        ack_replicas=settings.redis_ack_replicas,
    )
    runtime = Runtime(redis, config, handler, sender)
    app = create_app(
        GatewayConfig.from_settings(settings),
        redis=redis,
        recorder=runtime,
        credex_health=credex.health,
        key_prefix=key_prefix,
        extra_routes=extra_routes,
    )
    app[RUNTIME_KEY] = runtime
    await ready(redis)  # a cluster's slot map, before requests race to discover it
    runner = web.AppRunner(app, access_log=None, handle_signals=False)
    await runner.setup()
    try:
        async with anyio.create_task_group() as tasks:
            tasks.start_soon(runtime.run)
            if (metrics_dir := shared_dir()) is not None:
                tasks.start_soon(write_forever, metrics_dir)  # one /metrics for all workers
            site = web.TCPSite(runner, settings.host, settings.port, reuse_port=reuse_port)
            await site.start()
            port = _bound_port(runner, settings.port)
            log.info("listening", extra={"host": settings.host, "port": port})
            try:
                yield Service(app=app, runtime=runtime, redis=redis, credex=credex, port=port)
            finally:
                # Stop accepting first, then let the runtime finish or hand back its work.
                await site.stop()
                with anyio.move_on_after(config.shutdown_deadline + 5):
                    await runtime.stop()
                tasks.cancel_scope.cancel()
    finally:
        await runner.cleanup()
        await sender.close()
        await credex.close()
        await redis.aclose()


def _bound_port(runner: web.AppRunner, fallback: int) -> int:
    for address in runner.addresses:
        if isinstance(address, tuple) and len(address) >= 2:
            return int(address[1])
    return fallback


async def _serve_until_signalled(settings: Settings, reuse_port: bool) -> None:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    async with running_service(settings, reuse_port=reuse_port):
        # Everything built so far lives as long as the process: keep it out of the cyclic
        # collector's scans, which otherwise pause the event loop for 100+ ms under load.
        gc.freeze()
        await stop.wait()
        log.info("shutting down")


def _worker(settings: Settings, reuse_port: bool) -> None:
    setup_logging()
    setup_telemetry()
    # Thousands of live actors make the default thresholds trigger full collections often;
    # fewer, cheaper collections keep p99 ack latency down (bench/gateway_bench.py).
    gc.set_threshold(50_000, 20, 100)
    asyncio.run(_serve_until_signalled(settings, reuse_port))


def serve(settings: Settings, *, workers: int = 1) -> int:
    if workers == 1:
        _worker(settings, reuse_port=False)
        return 0
    # The workers share their metrics through a directory only they use (see worker_metrics).
    metrics_dir = tempfile.mkdtemp(prefix="vimbiso-metrics-")
    os.environ[METRICS_DIR_ENV] = metrics_dir
    context = multiprocessing.get_context("spawn")
    processes = [
        context.Process(target=_worker, args=(settings, True), name=f"vimbiso-worker-{i}")
        for i in range(workers)
    ]
    for process in processes:
        process.start()

    def forward(_signum: int, _frame: object) -> None:
        # Each worker drains and exits 0 on SIGTERM; the parent just waits for them.
        for process in processes:
            if process.is_alive():
                process.terminate()

    signal.signal(signal.SIGTERM, forward)
    signal.signal(signal.SIGINT, forward)
    for process in processes:
        process.join()
    shutil.rmtree(metrics_dir, ignore_errors=True)
    codes = [process.exitcode or 0 for process in processes]
    return max(codes) if any(codes) else 0


if __name__ == "__main__":
    from gateway.cli import main

    sys.exit(main(["serve", *sys.argv[1:]]))
