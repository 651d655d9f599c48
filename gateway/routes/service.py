"""Service routes: liveness, readiness (Redis and credex-core) and Prometheus metrics.

The ingress of `vimbiso serve` also reports on `/readyz` how many live workers it hands
conversations to (`workers`). It stays ready with none: it still records and acknowledges
every message, which waits in Redis until a worker's heartbeat is seen (G1)."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any

import prometheus_client
from aiohttp import web

from gateway.routes.worker_metrics import fleet_exposition, shared_dir
from runtime.client import RedisClient, cluster_state

_PROBE_TIMEOUT = 2.0


class ServiceRoutes:
    def __init__(
        self,
        redis: RedisClient,
        credex_health: Callable[[], Awaitable[bool]] | None,
        live_workers: Callable[[], int | None] | None = None,
    ) -> None:
        self._redis = redis
        self._credex_health = credex_health
        self._live_workers = live_workers

    def register(self, app: web.Application) -> None:
        app.router.add_get("/healthz", self.healthz)
        app.router.add_get("/readyz", self.readyz)
        app.router.add_get("/metrics", self.metrics)

    async def healthz(self, request: web.Request) -> web.Response:
        return web.json_response({"status": "alive"})

    async def readyz(self, request: web.Request) -> web.Response:
        redis_state, credex_ok = await asyncio.gather(self._redis_state(), self._credex_ok())
        redis_ok = redis_state.get("state") == "ok"
        down = [name for name, ok in (("redis", redis_ok), ("credex-core", credex_ok)) if not ok]
        report: dict[str, Any] = {"redis": redis_state}
        if self._live_workers is not None and (workers := self._live_workers()) is not None:
            report["workers"] = workers
        if down:
            return web.json_response({"status": "unavailable", "down": down} | report, status=503)
        return web.json_response({"status": "ready"} | report)

    async def _redis_state(self) -> dict[str, Any]:
        """Standalone: it answers. Cluster: `cluster_state` is ok (every slot served)."""
        try:
            async with asyncio.timeout(_PROBE_TIMEOUT):
                return await cluster_state(self._redis)
        except Exception as error:  # any failure means not ready; the probe must answer
            return {"state": "down", "error": type(error).__name__, "detail": str(error)[:200]}

    async def _credex_ok(self) -> bool:
        if self._credex_health is None:
            return True
        try:
            async with asyncio.timeout(_PROBE_TIMEOUT):
                return await self._credex_health()
        except Exception:
            return False

    async def metrics(self, request: web.Request) -> web.Response:
        directory = shared_dir()  # set under `vimbiso serve --workers N`
        body = fleet_exposition(directory) if directory else prometheus_client.generate_latest()
        response = web.Response(body=body)
        response.content_type = "text/plain"
        response.headers["Content-Type"] = prometheus_client.CONTENT_TYPE_LATEST
        return response
