"""The minimal bot `bench e2e` compares us with, in a process of its own: verify the webhook's
HMAC, parse it, one Redis GET and SET per message, one reply POST per message to the Cloud API.
No ordering, no durability, no retries: the floor of what any bot on this machine must do.

`python -m bench.e2e_minimal REDIS_URL GRAPH_URL APP_SECRET` prints `PORT <n>`.
"""

from __future__ import annotations

import asyncio
import signal
import sys
from typing import Any

import aiohttp
import orjson
import redis.asyncio as aioredis
from aiohttp import web

from gateway.whatsapp.signature import SignatureVerdict, check_signature


async def _main(redis_url: str, graph_url: str, secret: str) -> None:
    pool = aioredis.BlockingConnectionPool.from_url(redis_url, max_connections=64, timeout=30)
    redis = aioredis.Redis(connection_pool=pool)
    client = aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=64))
    tasks: set[asyncio.Task[None]] = set()

    async def reply(message: dict[str, Any], pnid: str) -> None:
        key = f"min:{message['from']}"
        seen = await redis.get(key)
        await redis.set(key, int(seen or 0) + 1, ex=3600)
        said = message.get("text", {}).get("body", "")
        body = {"messaging_product": "whatsapp", "to": message["from"], "type": "text",
                "text": {"body": f"You said {said}"}}  # fmt: skip
        async with client.post(f"{graph_url}/{pnid}/messages", data=orjson.dumps(body)) as answer:
            await answer.read()

    async def webhook(request: web.Request) -> web.Response:
        raw = await request.read()
        verdict = check_signature(raw, request.headers.get("X-Hub-Signature-256"), secret)
        if verdict is not SignatureVerdict.VALID:
            return web.Response(status=403)
        payload = orjson.loads(raw)
        for entry in payload["entry"]:
            for change in entry["changes"]:
                value = change["value"]
                for message in value.get("messages", ()):
                    task = asyncio.create_task(reply(message, value["metadata"]["phone_number_id"]))
                    tasks.add(task)
                    task.add_done_callback(tasks.discard)
        return web.Response(text="ok")

    app = web.Application()
    app.router.add_post("/webhook", webhook)
    runner = web.AppRunner(app, access_log=None, handle_signals=False)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0, backlog=1024)
    await site.start()
    port = next(a[1] for a in runner.addresses if isinstance(a, tuple))
    print(f"PORT {port}", flush=True)
    stop = asyncio.Event()
    asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, stop.set)
    await stop.wait()
    await runner.cleanup()
    await client.close()
    await redis.aclose()


if __name__ == "__main__":
    asyncio.run(_main(*sys.argv[1:4]))
