"""Service routes: liveness, readiness (Redis and credex-core) and Prometheus metrics."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable

import prometheus_client
from aiohttp import web

from runtime.client import RedisClient

_PROBE_TIMEOUT = 2.0


class ServiceRoutes:
    def __init__(
        self,
        redis: RedisClient,
        credex_health: Callable[[], Awaitable[bool]] | None,
    ) -> None:
        self._redis = redis
        self._credex_health = credex_health

    def register(self, app: web.Application) -> None:
        app.router.add_get("/healthz", self.healthz)
        app.router.add_get("/readyz", self.readyz)
        app.router.add_get("/metrics", self.metrics)

    async def healthz(self, request: web.Request) -> web.Response:
        return web.json_response({"status": "alive"})

    async def readyz(self, request: web.Request) -> web.Response:
        redis_ok, credex_ok = await asyncio.gather(self._redis_ok(), self._credex_ok())
        down = [name for name, ok in (("redis", redis_ok), ("credex-core", credex_ok)) if not ok]
        if down:
            return web.json_response({"status": "unavailable", "down": down}, status=503)
        return web.json_response({"status": "ready"})

    async def _redis_ok(self) -> bool:
        try:
            async with asyncio.timeout(_PROBE_TIMEOUT):
                return bool(await self._redis.ping())
        except Exception:  # any failure means not ready; the probe must answer, not raise
            return False

    async def _credex_ok(self) -> bool:
        if self._credex_health is None:
            return True
        try:
            async with asyncio.timeout(_PROBE_TIMEOUT):
                return await self._credex_health()
        except Exception:
            return False

    async def metrics(self, request: web.Request) -> web.Response:
        body = prometheus_client.generate_latest()
        response = web.Response(body=body)
        response.content_type = "text/plain"
        response.headers["Content-Type"] = prometheus_client.CONTENT_TYPE_LATEST
        return response
