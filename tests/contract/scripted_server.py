"""A scripted stand-in for credex-core's failure modes the simulator cannot produce on demand.

Each route answers from a queue of scripted replies (status, body, headers, delay, or a dropped
connection) and records every request it saw, so tests can count attempts and read headers.
It serves real HTTP on 127.0.0.1; only transport behaviour is tested against it.
"""

from __future__ import annotations

import asyncio
from collections import defaultdict, deque
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import attrs
import orjson
from aiohttp import web


@attrs.frozen
class Reply:
    status: int = 200
    body: object = None
    text: str | None = None
    headers: dict[str, str] = attrs.field(factory=dict)
    delay: float = 0.0
    drop: bool = False  # close the connection without answering


@attrs.frozen
class Seen:
    operation: str
    headers: dict[str, str]
    body: object


@attrs.define
class ScriptedServer:
    base_url: str = ""
    script: dict[str, deque[Reply]] = attrs.field(factory=lambda: defaultdict(deque))
    seen: list[Seen] = attrs.field(factory=list)

    def on(self, operation: str, *replies: Reply) -> None:
        self.script[operation].extend(replies)

    def count(self, operation: str) -> int:
        return sum(1 for s in self.seen if s.operation == operation)

    async def handle(self, request: web.Request) -> web.StreamResponse:
        operation = request.match_info["operation"]
        raw = await request.read()
        self.seen.append(Seen(operation, dict(request.headers), orjson.loads(raw or b"null")))
        queue = self.script[operation]
        if not queue:
            if operation == "login":
                return web.json_response({"token": f"token-{len(self.seen)}"})
            return web.json_response({"message": "unscripted"}, status=418)
        reply = queue.popleft()
        if reply.delay:
            await asyncio.sleep(reply.delay)
        if reply.drop:
            assert request.transport is not None
            request.transport.close()
            return web.Response()
        if reply.text is not None:
            return web.Response(status=reply.status, text=reply.text, headers=reply.headers)
        return web.Response(
            status=reply.status,
            body=orjson.dumps(reply.body),
            content_type="application/json",
            headers=reply.headers,
        )


@asynccontextmanager
async def scripted_server() -> AsyncIterator[ScriptedServer]:
    server = ScriptedServer()
    app = web.Application()
    app.router.add_post("/v1/{operation}", server.handle)
    app.router.add_get("/health", _health)
    runner = web.AppRunner(app, shutdown_timeout=0.1)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = runner.addresses[0][1]
    server.base_url = f"http://127.0.0.1:{port}/v1"
    try:
        yield server
    finally:
        await runner.cleanup()


async def _health(_: web.Request) -> web.Response:
    return web.json_response({"status": "healthy"})
