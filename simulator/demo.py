"""`vimbiso demo`: the whole bot on a laptop, no accounts anywhere.

One process runs the real service (gateway + actors + runtime + sender) with, beside it, the
credex-core simulator (seeded with demo members) and the WhatsApp simulator (a chat page at `/`
that posts signed webhooks and plays the Cloud API the bot sends to). Redis is `REDIS_URL` when
set, otherwise an embedded redis-server.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import datetime as dt
import os
import secrets
import signal
from collections.abc import AsyncIterator, Callable, Iterator

import attrs
from aiohttp import web

from actors.conversation import utc_now
from gateway.debug import add_debug_routes
from gateway.serve import running_service
from gateway.settings import Settings, load_settings
from gateway.whatsapp.limits import violations
from runtime import setup_logging, setup_telemetry
from runtime.config import KEY_PREFIX
from simulator.credex.app import SimConfig, create_app
from simulator.redis_server import embedded_redis, reserved_socket
from simulator.whatsapp.app import WhatsAppSimulator

DEMO_PHONE_NUMBER_ID = "106540352242922"


@attrs.frozen
class Demo:
    url: str
    credex_url: str
    whatsapp: WhatsAppSimulator
    settings: Settings


def demo_settings(
    *,
    host: str,
    port: int,
    redis_url: str,
    credex_url: str,
    session_timeout_seconds: int | None = None,
    redis_cluster: bool = False,
) -> Settings:
    """Settings for a local run: random secrets, the simulators as the two external systems.
    Read as `vimbiso serve` reads the environment, so every other setting has its default."""
    environ = {
        "WHATSAPP_APP_SECRET": secrets.token_urlsafe(24),
        "WHATSAPP_VERIFY_TOKEN": secrets.token_urlsafe(16),
        "WHATSAPP_ACCESS_TOKEN": secrets.token_urlsafe(24),
        "WHATSAPP_PHONE_NUMBER_ID": DEMO_PHONE_NUMBER_ID,
        "WHATSAPP_API_URL": f"http://127.0.0.1:{port}/__wa__/v23.0",
        "CREDEX_API_URL": credex_url,
        "REDIS_URL": redis_url,
        "REDIS_CLUSTER": str(redis_cluster).lower(),
        "HOST": host,
        "PORT": str(port),
        "STATE_ENCRYPTION_KEY": base64.urlsafe_b64encode(os.urandom(32)).decode(),
        "NOTIFY_CLIENT_ID": "credex-core",
        "NOTIFY_CLIENT_SECRET": secrets.token_urlsafe(24),
        "NOTIFY_JWT_SECRET": secrets.token_urlsafe(32),
    }
    if session_timeout_seconds is not None:
        environ["SESSION_TIMEOUT_SECONDS"] = str(session_timeout_seconds)
    return load_settings(environ)


@contextlib.contextmanager
def _redis_url() -> Iterator[str]:
    url = os.environ.get("REDIS_URL")
    if url:
        yield url
        return
    with embedded_redis() as embedded:
        yield embedded


@contextlib.asynccontextmanager
async def _credex_simulator(existing: str | None = None) -> AsyncIterator[str]:
    if existing is not None:
        yield existing
        return
    runner = web.AppRunner(create_app(SimConfig(auth="enforced", seed="demo")), access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = next(a[1] for a in runner.addresses if isinstance(a, tuple))
    try:
        yield f"http://127.0.0.1:{port}/v1"
    finally:
        await runner.cleanup()


@contextlib.asynccontextmanager
async def running_demo(
    host: str,
    port: int,
    redis_url: str,
    *,
    key_prefix: str = KEY_PREFIX,
    session_timeout_seconds: int | None = None,
    credex_url: str | None = None,
    clock: Callable[[], dt.datetime] = utc_now,
    redis_cluster: bool = False,
) -> AsyncIterator[Demo]:
    """Start the demo stack; `port` 0 picks a free one (tests).

    Tests pass their own `key_prefix` (so stacks sharing one Redis never see each other's
    sessions, inboxes or dedup keys), may shorten `session_timeout_seconds`, and may point the
    bot at a credex-core they run themselves (`credex_url`, e.g. a proxy in front of a
    simulator) instead of the fresh demo simulator. `clock` is the conversation's now: a test
    that moves it forward stands in for a member who stays quiet for a while.
    """
    # Port 0: hold a free port bound until the bot listens on it (its settings name it first).
    sock = None
    if not port:
        sock = reserved_socket(host)
        port = int(sock.getsockname()[1])
    async with _credex_simulator(credex_url) as credex_url:
        settings = demo_settings(
            host=host,
            port=port,
            redis_url=redis_url,
            credex_url=credex_url,
            session_timeout_seconds=session_timeout_seconds,
            redis_cluster=redis_cluster,
        )
        whatsapp = WhatsAppSimulator(
            webhook_url=f"http://127.0.0.1:{port}/webhook",
            app_secret=settings.whatsapp_app_secret,
            phone_number_id=settings.whatsapp_phone_number_id,
            access_token=settings.whatsapp_access_token,
            validate=violations,
        )
        whatsapp.set_base_url(f"http://127.0.0.1:{port}")

        def extra_routes(app: web.Application) -> None:
            whatsapp.add_routes(app)
            add_debug_routes(app)

        try:
            async with running_service(
                settings,
                extra_routes=extra_routes,
                runtime_config=settings.runtime_config(key_prefix),
                clock=clock,
                sock=sock,
            ) as service:
                yield Demo(
                    url=f"http://{host}:{service.port}",
                    credex_url=credex_url,
                    whatsapp=whatsapp,
                    settings=settings,
                )
        finally:
            await whatsapp.close()
            if sock is not None:
                sock.close()  # if the service never took it (a failed start)


async def _run(host: str, port: int) -> None:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    with _redis_url() as redis_url:
        async with running_demo(host, port, redis_url) as demo:
            print(
                f"VimbisoPay demo on {demo.url}\n"
                f"  chat simulator:   {demo.url}/\n"
                f"  live actors:      {demo.url}/__debug__/\n"
                f"  credex-core sim:  {demo.credex_url}\n"
                "Press Ctrl+C to stop.",
                flush=True,
            )
            await stop.wait()


def run_demo(*, host: str = "127.0.0.1", port: int = 8000) -> int:
    setup_logging("WARNING")
    setup_telemetry()
    asyncio.run(_run(host, port))
    return 0
