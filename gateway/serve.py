"""`vimbiso serve`: an ingress process on the port and `--workers N` worker processes, on one
Redis.

The ingress verifies, records and acknowledges webhooks and hands each conversation to a live
worker (Runtime without a handler); the workers run the actors, the outbox sender and the
reminders. They coordinate only through Redis, exactly as processes on separate machines do.
`--workers 0` runs all of it in one process. SIGTERM stops accepting, drains in-flight messages
within the runtime's deadline, releases leases and exits 0.
"""

from __future__ import annotations

import asyncio
import contextlib
import ctypes
import datetime as dt
import gc
import logging
import multiprocessing
import os
import shutil
import signal
import socket
import sys
import tempfile
import time
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from functools import partial
from multiprocessing.process import BaseProcess
from multiprocessing.synchronize import Event as EventType
from typing import Literal

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


Role = Literal["all", "ingress", "worker"]


@attrs.frozen
class Service:
    """A running service's parts, for the demo page and tests."""

    app: web.Application | None  # None: a worker, which listens on no port
    runtime: Runtime
    redis: RedisClient
    credex: CredexClient
    port: int


@asynccontextmanager
async def running_service(
    settings: Settings,
    *,
    role: Role = "all",
    reuse_port: bool = False,
    extra_routes: Callable[[web.Application], None] | None = None,
    runtime_config: RuntimeConfig | None = None,
    clock: Callable[[], dt.datetime] = utc_now,
    sock: socket.socket | None = None,
) -> AsyncIterator[Service]:
    """Start what `role` runs; yield once it runs (and its port is open); shut down on exit.

    - `all`: gateway, runtime, actors and sender in one process (`vimbiso demo`, tests,
      `vimbiso serve --workers 0`);
    - `ingress`: the HTTP side alone: it acknowledges webhooks once recorded and hands each
      conversation to a live worker through Redis; it runs no turn and sends nothing, so no
      actor's work ever queues ahead of an acknowledgement in its event loop (G1);
    - `worker`: actors, the outbox sender and reminders, on no port.

    `runtime_config` defaults to the settings' (`Settings.runtime_config`); tests pass one with
    their own key prefix, which every part then uses. `clock` is the conversation's notion of
    now (tests move it instead of sleeping). `sock`: a socket already bound, to listen on instead
    of HOST and PORT (the demo and tests reserve their port before the settings name it)."""
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
    numbers = DisplayNumbers(redis, key_prefix, settings.whatsapp_display_number)
    sender: CloudSender | None = None
    reminders: Reminders | None = None
    if role == "ingress":
        runtime = Runtime(redis, config)  # records and routes; hosts no actors
    else:
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
        runtime = Runtime(
            redis, config, _handler(settings, credex, numbers, reminders, clock), sender
        )
        sender.share_pipelines(runtime.store.batcher.call)  # per-reply calls ride the batcher
        reminders.attach(runtime)
    app = None
    if role != "worker":
        app = create_app(
            settings.gateway_config(),
            redis=redis,
            recorder=runtime,
            credex_health=credex.health,
            live_workers=runtime.live_workers,
            key_prefix=key_prefix,
            extra_routes=extra_routes,
            display_numbers=numbers,
            # The webhook's alias lookups and stamps ride the records' urgent lane.
            pipelines=partial(runtime.store.batcher.call, urgent=True),
            acks=runtime.acks,  # the actors' turns and sends give way to acknowledgements
        )
        app[RUNTIME_KEY] = runtime
    await ready(redis)  # a cluster's slot map, before requests race to discover it
    runner = (
        web.AppRunner(
            app,
            access_log=None,
            handle_signals=False,
            # aiohttp keeps an idle connection for an hour by default, a new one included.
            keepalive_timeout=float(settings.http_idle_timeout_seconds),
            # After an early answer (401 to an unsigned POST), drain the rest briefly, then close.
            lingering_time=LINGER_SECONDS,
        )
        if app is not None
        else None
    )
    if runner is not None:
        await runner.setup()
    try:
        async with anyio.create_task_group() as tasks:
            await tasks.start(runtime.run)  # running (claiming, sending) before we listen
            if reminders is not None:
                tasks.start_soon(reminders.run)
            if (metrics_dir := shared_dir()) is not None:
                tasks.start_soon(write_forever, metrics_dir)  # one /metrics for all processes
            site = None
            port = 0
            if runner is not None:
                site = (
                    web.SockSite(runner, sock)
                    if sock is not None
                    else web.TCPSite(runner, settings.host, settings.port, reuse_port=reuse_port)
                )
                try:
                    await site.start()
                except OSError as exc:
                    raise listen_error(exc, settings.host, settings.port) from None
                port = _bound_port(runner, settings.port)
                log.info("listening", extra={"host": settings.host, "port": port})
            else:
                log.info("working", extra={"process_id": runtime.process_id})
            try:
                yield Service(app=app, runtime=runtime, redis=redis, credex=credex, port=port)
            finally:
                # Stop accepting first, then let the runtime finish or hand back its work.
                if site is not None:
                    await site.stop()
                with anyio.move_on_after(config.shutdown_deadline + 5):
                    await runtime.stop()
                tasks.cancel_scope.cancel()
    finally:
        if runner is not None:
            await runner.cleanup()
        if sender is not None:
            await sender.close()
        await credex.close()
        await redis.aclose()


def _handler(
    settings: Settings,
    credex: CredexClient,
    numbers: DisplayNumbers,
    reminders: Reminders,
    clock: Callable[[], dt.datetime],
) -> ConversationHandler:
    cipher = FieldCipher.from_setting(
        settings.state_encryption_key, settings.state_encryption_key_previous
    )
    return ConversationHandler(
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


def _bound_port(runner: web.AppRunner, fallback: int) -> int:
    for address in runner.addresses:
        if isinstance(address, tuple) and len(address) >= 2:
            return int(address[1])
    return fallback


async def _serve_until_signalled(
    settings: Settings, role: Role, reuse_port: bool, up: EventType | None
) -> None:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    async with running_service(settings, role=role, reuse_port=reuse_port):
        # Everything built so far lives as long as the process: keep it out of the cyclic
        # collector's scans, which otherwise pause the event loop for 100+ ms under load.
        gc.freeze()
        if up is not None:
            up.set()
        await stop.wait()
        log.info("shutting down")


# Workers run at a lower CPU priority than the ingress: when both are ready to run, the
# kernel runs the acknowledgement first (runtime/priority.py does the same inside one process).
WORKER_NICENESS = 5
_PR_SET_PDEATHSIG = 1  # linux/prctl.h


def _die_with(parent: int) -> None:
    """End (SIGTERM: drain and exit) when the supervisor dies, even by SIGKILL, rather than run
    on orphaned beside its replacement (Linux; elsewhere a no-op)."""
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGTERM)
    if os.getppid() != parent:  # it died before we asked
        os.kill(os.getpid(), signal.SIGTERM)


def _process(
    settings: Settings,
    role: Role,
    reuse_port: bool = False,
    up: EventType | None = None,
    parent: int | None = None,
) -> None:
    if parent is not None:
        _die_with(parent)
    if role == "worker":
        os.nice(WORKER_NICENESS)
    setup_logging()
    setup_telemetry()
    # Thousands of live actors make the default thresholds trigger full collections often;
    # fewer, cheaper collections keep p99 ack latency down (bench/gateway_bench.py).
    gc.set_threshold(50_000, 20, 100)
    # The standard event loop: uvloop measured no better in `vimbiso bench e2e` (within noise)
    # and its larger read buffers let 100 slow uploads hold ~65 MB more at their peak
    # (tests/gateway/test_slow_uploads.py).
    try:
        asyncio.run(_serve_until_signalled(settings, role, reuse_port, up))
    except* StartupError as group:
        for problem in group.exceptions:
            print(f"vimbiso serve: {problem}", file=sys.stderr)
        sys.exit(STARTUP_FAILED)


INGRESS_START_SECONDS = 60.0  # the ingress must listen within this before workers start


def _wait_until_listening(process: BaseProcess, up: EventType) -> None:
    """Until the ingress says it listens, dies (it said why), or INGRESS_START_SECONDS pass."""
    deadline = time.monotonic() + INGRESS_START_SECONDS
    while process.is_alive() and time.monotonic() < deadline:
        if up.wait(0.1):
            return


def _role(slot: int) -> str:
    """What the supervisor's logs call the process of `slot`: the ingress is slot 0."""
    return f"worker {slot}" if slot else "ingress"


def serve(settings: Settings, *, workers: int = 1) -> int:
    """`workers` >= 1: one ingress process on the port and that many worker processes, kept
    alive by a supervisor; 0: one process doing everything. The ingress starts first, so a
    setting it cannot start with (Redis, the address) is said once, before any worker runs."""
    if workers == 0:
        _process(settings, "all")
        return 0
    setup_logging()
    # The processes share their metrics through a directory only they use (see worker_metrics).
    metrics_dir = tempfile.mkdtemp(prefix="vimbiso-metrics-")
    os.environ[METRICS_DIR_ENV] = metrics_dir
    context = multiprocessing.get_context("spawn")

    def start(slot: int) -> BaseProcess:
        if slot > 0:
            process = context.Process(
                target=_process,
                args=(settings, "worker", False, None, os.getpid()),
                name=f"vimbiso-worker-{slot}",
            )
            process.start()
            return process
        up = context.Event()
        process = context.Process(
            target=_process,
            args=(settings, "ingress", False, up, os.getpid()),
            name="vimbiso-ingress",
        )
        process.start()
        _wait_until_listening(process, up)
        return process

    try:
        return Supervisor(start, workers + 1, STARTUP_FAILED, name=_role).run()
    finally:
        shutil.rmtree(metrics_dir, ignore_errors=True)
