"""A fault-injecting HTTP proxy for the fault suite: it stands between the bot and one of its
two dependencies (the credex-core simulator, the WhatsApp simulator's Graph API) and, per
request, forwards it, answers an error instead, hangs first, or drops the connection.

`plan(operation)` decides; `operation` is the last path segment (`getLedger`, `messages`).
Everything binds 127.0.0.1.
"""

from __future__ import annotations

import asyncio
import collections
import random
from collections.abc import Callable

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
    def __init__(self, target: str) -> None:
        self.target = target.rstrip("/")
        self.plan: Plan = healthy
        self.counts: collections.Counter[str] = collections.Counter()
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
            if fault.hang:
                await asyncio.sleep(fault.hang)
            if fault.drop:
                if request.transport is not None:
                    request.transport.close()
                return web.Response(status=503)
            if fault.status is not None:
                return web.json_response(fault.body, status=fault.status)
        if self._closed:
            return web.Response(status=503)  # the rig is shutting down
        self.counts["forwarded"] += 1
        headers = {k: v for k, v in request.headers.items() if k.lower() not in _HOP_BY_HOP}
        if self._client is None:
            self._client = aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=60))
        async with self._client.request(
            request.method, f"{self.target}{request.rel_url}", data=body, headers=headers
        ) as answer:
            payload = await answer.read()
            reply_headers = {
                k: v for k, v in answer.headers.items() if k.lower() not in _HOP_BY_HOP
            }
            return web.Response(body=payload, status=answer.status, headers=reply_headers)

    async def close(self) -> None:
        self._closed = True
        if self._client is not None:
            await self._client.close()


def _name(fault: Fault) -> str:
    if fault.drop:
        return "dropped"
    if fault.status is not None:
        error = fault.body.get("error") if isinstance(fault.body, dict) else None
        code = error.get("code") if isinstance(error, dict) else None
        return f"{fault.status}" + (f"/{code}" if code else "")
    return "hung"
