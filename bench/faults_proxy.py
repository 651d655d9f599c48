"""The one fault-injecting HTTP proxy, for the fault suite and the end-to-end tests: it stands
between the bot and one of its two dependencies (the credex-core simulator, the WhatsApp
simulator's Graph API) and, per request, forwards it, answers an error instead, hangs first, or
drops the connection; a test may also step in at an exact moment, just before an operation is
forwarded (`before`) or after the dependency answered but before the bot hears it (`after`).

`plan(operation)` decides; `operation` is the last path segment (`getLedger`, `messages`).
Everything binds 127.0.0.1.
"""

from __future__ import annotations

import asyncio
import collections
import contextlib
import random
from collections.abc import AsyncIterator, Awaitable, Callable

import aiohttp
import attrs
from aiohttp import web

_HOP_BY_HOP = {"host", "content-length", "transfer-encoding", "connection"}


@attrs.frozen
class Fault:
    """What to do instead of (or before) forwarding one request."""

    status: int | None = None  # answer this status without forwarding
    body: object = None  # the JSON body of that answer
    hang: float = 0.0  # wait this long first (then forward, unless `status` or `drop`)
    drop: bool = False  # close the connection without an answer (an outage)


Plan = Callable[[str], Fault | None]
Before = Callable[[str], Awaitable[None]]
After = Callable[[str, int], Awaitable[None]]


def healthy(_operation: str) -> Fault | None:
    return None


def mixed(rng: random.Random, *weighted: tuple[float, Fault], only: str | None = None) -> Plan:
    """Each request independently gets one of `weighted` faults with its probability."""

    def plan(operation: str) -> Fault | None:
        if only is not None and operation != only:
            return None
        roll = rng.random()
        for share, fault in weighted:
            if roll < share:
                return fault
            roll -= share
        return None

    return plan


class FaultProxy:
    """Forwards every path to `target` (a base URL) unless `plan` says otherwise."""

    def __init__(self, target: str) -> None:
        self.target = target.rstrip("/")
        self.url = ""  # where the bot reaches the proxy, once served (set by whoever serves it)
        self.plan: Plan = healthy
        self.before: Before | None = None
        self.after: After | None = None
        self.calls: list[str] = []  # operations forwarded, in order
        self.refused: list[str] = []  # operations answered by a planned status, in order
        self.counts: collections.Counter[str] = collections.Counter()
        # per operation, e.g. "createCredex 500", "createCredex forwarded"
        self.by_operation: collections.Counter[str] = collections.Counter()
        self._client: aiohttp.ClientSession | None = None
        self._closed = False

    def app(self) -> web.Application:
        app = web.Application(client_max_size=4 * 1024 * 1024)
        app.router.add_route("*", "/{tail:.*}", self.forward)
        return app

    async def forward(self, request: web.Request) -> web.StreamResponse:
        operation = request.path.rstrip("/").rsplit("/", 1)[-1]
        body = await request.read()
        fault = self.plan(operation)
        if fault is not None:
            self.counts[_name(fault)] += 1
            self.by_operation[f"{operation} {_name(fault)}"] += 1
            if fault.hang:
                await asyncio.sleep(fault.hang)
            if fault.drop:
                if request.transport is not None:
                    request.transport.close()
                return web.Response(status=503)
            if fault.status is not None:
                self.refused.append(operation)
                return web.json_response(fault.body, status=fault.status)
        if self.before is not None:
            await self.before(operation)
        if self._closed:
            return web.Response(status=503)  # the rig is shutting down
        self.calls.append(operation)
        self.counts["forwarded"] += 1
        self.by_operation[f"{operation} forwarded"] += 1
        headers = {k: v for k, v in request.headers.items() if k.lower() not in _HOP_BY_HOP}
        if self._client is None:
            self._client = aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=60))
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
        self._closed = True
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


def _name(fault: Fault) -> str:
    if fault.drop:
        return "dropped"
    if fault.status is not None:
        error = fault.body.get("error") if isinstance(fault.body, dict) else None
        code = error.get("code") if isinstance(error, dict) else None
        return f"{fault.status}" + (f"/{code}" if code else "")
    return "hung"
