"""The demo stack with settings a test chooses (e.g. a short CREDEX_WRITE_SETTLE_SECONDS), the
bot reaching credex-core through a proxy the test steps into, and a probe that asks the
simulator directly what really exists."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator

import attrs
from aiohttp import web

from gateway.credex import CredexClient
from gateway.debug import add_debug_routes
from gateway.serve import running_service
from gateway.whatsapp.limits import violations
from simulator.demo import Demo, demo_settings
from simulator.redis_server import reserved_socket
from simulator.whatsapp.app import WhatsAppSimulator
from tests.e2e.credex_proxy import CredexProxy, proxied_simulator
from tests.redis_server import cluster_mode


@attrs.frozen
class Rig:
    demo: Demo
    proxy: CredexProxy
    probe: CredexClient


@contextlib.asynccontextmanager
async def proxied_stack(redis_url: str, key_prefix: str, **changes: object) -> AsyncIterator[Rig]:
    """`changes` are Settings fields, e.g. credex_write_settle_seconds=14.0."""
    sock = reserved_socket()  # held until the bot listens on it (its settings name it first)
    port = int(sock.getsockname()[1])
    async with proxied_simulator() as (sim_url, proxy):
        settings = demo_settings(
            host="127.0.0.1",
            port=port,
            redis_url=redis_url,
            credex_url=proxy.url,
            redis_cluster=cluster_mode(),
        )
        settings = attrs.evolve(settings, **changes)  # type: ignore[arg-type]
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

        probe = CredexClient(sim_url, max_retries=0)
        try:
            async with running_service(
                settings,
                extra_routes=extra_routes,
                runtime_config=settings.runtime_config(key_prefix),
                sock=sock,
            ) as service:
                demo = Demo(f"http://127.0.0.1:{service.port}", sim_url, whatsapp, settings)
                yield Rig(demo, proxy, probe)
        finally:
            await probe.close()
            await whatsapp.close()
            sock.close()
