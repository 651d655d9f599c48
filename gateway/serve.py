"""`vimbiso serve`: one process = gateway + actor host + outbox sender, all on one Redis.

`--workers N` starts N such processes on one port (SO_REUSEPORT); they coordinate only through
Redis, exactly as processes on separate machines do. SIGTERM stops accepting, drains in-flight
messages within the runtime's deadline, releases leases and exits 0.
"""

from __future__ import annotations

import asyncio
import datetime as dt
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
from functools import partial
from multiprocessing.process import BaseProcess

import anyio
import attrs
from aiohttp import web

from actors.conversation import ConversationHandler, utc_now
from actors.reminders import Reminders
from gateway.app import create_app
from gateway.credex.client import CredexClient
from gateway.credex.tokens import SealedTokens
from gateway.debug import RUNTIME_KEY
from gateway.reminder_book import RedisReminderBook
from gateway.routes.worker_metrics import METRICS_DIR_ENV, shared_dir, write_forever
from gateway.settings import Settings
from gateway.startup import StartupError, check_redis, listen_error
from gateway.whatsapp.cloud import CloudSender
from gateway.whatsapp.display_number import DisplayNumbers
from gateway.workers import Supervisor
from runtime import Runtime, RuntimeConfig, setup_logging, setup_telemetry
from runtime.cipher import FieldCipher
from runtime.client import RedisClient, connect, ready

log = logging.getLogger("vimbiso.serve")

REDIS_CONNECTIONS = 64
LINGER_SECONDS = 2.0
STARTUP_FAILED = 2  # the exit code of a setting the service cannot start with


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
    runtime_config: RuntimeConfig | None = None,
    clock: Callable[[], dt.datetime] = utc_now,
) -> AsyncIterator[Service]:
    """Start gateway, runtime and sender; yield once the port is open; shut down on exit.
    `runtime_config` defaults to the settings' (`Settings.runtime_config`); tests pass one with
    their own key prefix, which every part then uses. `clock` is the conversation's notion of
    now (tests move it instead of sleeping)."""
    config = runtime_config or settings.runtime_config()
    key_prefix = config.key_prefix
    # A blocking pool (standalone): a burst waits for a free connection instead of failing with
    # "Too many connections" (which would turn into 503s at the webhook).
    redis = connect(
        settings.redis_url, cluster=settings.redis_cluster, max_connections=REDIS_CONNECTIONS
    )
    try:
        await check_redis(redis, settings.redis_url)
    except StartupError:
        await redis.aclose()
        raise
    credex = CredexClient(
        settings.credex_api_url,
        client_api_key=settings.credex_client_api_key,
        answer_seconds=settings.credex_answer_seconds,
    )
    reminders = Reminders(RedisReminderBook(redis, key_prefix))
    sender = CloudSender(
        settings.whatsapp_api_url,
        settings.whatsapp_access_token,
        settings.whatsapp_phone_number_id,
        redis,
        key_prefix,
        rate=float(settings.whatsapp_messages_per_second),
        connections=config.sender_concurrency,
    )
    numbers = DisplayNumbers(redis, key_prefix, settings.whatsapp_display_number)
    cipher = FieldCipher.from_setting(
        settings.state_encryption_key, settings.state_encryption_key_previous
    )
    handler = ConversationHandler(
        credex,
        display_number=numbers.lookup,
        clock=clock,
        timezone=settings.bot_timezone,
        session_timeout=float(settings.session_timeout_seconds),
        cash_in_agents=settings.cash_in_agents,
        tokens=SealedTokens(cipher, credex.tokens),
        answer_seconds=settings.credex_answer_seconds,
        write_settle_seconds=settings.credex_write_settle_seconds,
        reminders=reminders,
    )
    runtime = Runtime(redis, config, handler, sender)
    sender.share_pipelines(runtime.store.batcher.call)  # per-reply calls ride the batcher
    reminders.attach(runtime)
    app = create_app(
        settings.gateway_config(),
        redis=redis,
        recorder=runtime,
        credex_health=credex.health,
        key_prefix=key_prefix,
        extra_routes=extra_routes,
        display_numbers=numbers,
        # The webhook's alias lookups and stamps ride the records' urgent lane.
        pipelines=partial(runtime.store.batcher.call, urgent=True),
        acks=runtime.acks,  # the actors' turns and sends give way to acknowledgements
    )
    app[RUNTIME_KEY] = runtime
    await ready(redis)  # a cluster's slot map, before requests race to discover it
    runner = web.AppRunner(
        app,
        access_log=None,
        handle_signals=False,
        # aiohttp keeps an idle connection for an hour by default, a new one included.
        keepalive_timeout=float(settings.http_idle_timeout_seconds),
        # After an early answer (401 to an unsigned POST), drain the rest briefly, then close.
        lingering_time=LINGER_SECONDS,
    )
    await runner.setup()
    try:
        async with anyio.create_task_group() as tasks:
            await tasks.start(runtime.run)  # running (claiming, sending) before we listen
            tasks.start_soon(reminders.run)
            if (metrics_dir := shared_dir()) is not None:
                tasks.start_soon(write_forever, metrics_dir)  # one /metrics for all workers
            site = web.TCPSite(runner, settings.host, settings.port, reuse_port=reuse_port)
            try:
                await site.start()
            except OSError as exc:
                raise listen_error(exc, settings.host, settings.port) from None
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
    # The standard event loop: uvloop measured no better in `vimbiso bench e2e` (within noise)
    # and its larger read buffers let 100 slow uploads hold ~65 MB more at their peak
    # (tests/gateway/test_slow_uploads.py).
    try:
        asyncio.run(_serve_until_signalled(settings, reuse_port))
    except* StartupError as group:
        for problem in group.exceptions:
            print(f"vimbiso serve: {problem}", file=sys.stderr)
        sys.exit(STARTUP_FAILED)


def serve(settings: Settings, *, workers: int = 1) -> int:
    if workers == 1:
        _worker(settings, reuse_port=False)
        return 0
    setup_logging()
    # The workers share their metrics through a directory only they use (see worker_metrics).
    metrics_dir = tempfile.mkdtemp(prefix="vimbiso-metrics-")
    os.environ[METRICS_DIR_ENV] = metrics_dir
    context = multiprocessing.get_context("spawn")

    def start(slot: int) -> BaseProcess:
        process = context.Process(
            target=_worker, args=(settings, True), name=f"vimbiso-worker-{slot}"
        )
        process.start()
        return process

    try:
        return Supervisor(start, workers, STARTUP_FAILED).run()
    finally:
        shutil.rmtree(metrics_dir, ignore_errors=True)
