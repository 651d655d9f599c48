"""A pass-through proxy in front of the credex-core simulator, so a test can step in at an exact
moment of a real conversation: just before an operation reaches credex-core (`before`), or after
credex-core answered but before the bot hears the answer (`after`), or instead of credex-core
(`refuse`: a status such as 503 answered without forwarding)."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator, Awaitable, Callable

import aiohttp
from aiohttp import web

from simulator.credex.app import SimConfig, create_app

Before = Callable[[str], Awaitable[None]]
After = Callable[[str, int], Awaitable[None]]
Refuse = Callable[[str], int | None]
_HOP_BY_HOP = {"host", "content-length", "transfer-encoding", "connection"}


class CredexProxy:
    """Forwards `/v1/<operation>` and `/health` to `target` (the simulator's base, no /v1)."""

    def __init__(self, target: str) -> None:
        self.target = target.rstrip("/")
        self.url = ""  # the proxy's own /v1 URL, the bot's CREDEX_API_URL, once served
        self.calls: list[str] = []  # operations forwarded, in order
        self.before: Before | None = None
        self.after: After | None = None
        self.refuse: Refuse | None = None
        self.refused: list[str] = []  # operations answered by `refuse`, in order
        self._client: aiohttp.ClientSession | None = None

    async def forward(self, request: web.Request) -> web.StreamResponse:
        operation = request.match_info.get("operation", "health")
        body = await request.read()
        status = self.refuse(operation) if self.refuse is not None else None
        if status is not None:
            self.refused.append(operation)
            return web.json_response({"message": "Service Unavailable"}, status=status)
        if self.before is not None:
            await self.before(operation)
        self.calls.append(operation)
        headers = {k: v for k, v in request.headers.items() if k.lower() not in _HOP_BY_HOP}
        if self._client is None:
            self._client = aiohttp.ClientSession()
        async with self._client.request(
            request.method, f"{self.target}{request.rel_url}", data=body, headers=headers
        ) as answer:
            payload = await answer.read()
            status = answer.status
            reply_headers = {
                k: v for k, v in answer.headers.items() if k.lower() not in _HOP_BY_HOP
            }
        if self.after is not None:
            await self.after(operation, status)
        return web.Response(body=payload, status=status, headers=reply_headers)

    def count(self, operation: str) -> int:
        return self.calls.count(operation)

    async def close(self) -> None:
        if self._client is not None:
            await self._client.close()


@contextlib.asynccontextmanager
async def serve(app: web.Application) -> AsyncIterator[str]:
    """Serve `app` on a free loopback port; yield its base URL."""
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        await runner.cleanup()


@contextlib.asynccontextmanager
async def proxied_simulator() -> AsyncIterator[tuple[str, CredexProxy]]:
    """The demo-seeded credex-core simulator behind a proxy: (the simulator's /v1 URL, proxy).

    The bot is pointed at `proxy.url`; the test itself talks to the simulator directly.
    """
    async with serve(create_app(SimConfig(auth="enforced", seed="demo"))) as sim:
        proxy = CredexProxy(sim)
        app = web.Application()
        app.router.add_route("*", "/v1/{operation}", proxy.forward)
        app.router.add_route("*", "/health", proxy.forward)
        try:
            async with serve(app) as url:
                proxy.url = f"{url}/v1"
                yield f"{sim}/v1", proxy
        finally:
            await proxy.close()
