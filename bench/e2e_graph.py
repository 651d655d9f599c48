"""A fake Cloud API for `bench e2e`, in a process of its own: answers every send at once with a
wamid, and counts what it accepted, so the load generator can see when the last reply arrived.

`python -m bench.e2e_graph` prints `PORT <n>`; `GET /stats` returns accepted sends and the
wall-clock time of the last one; `POST /reset` zeroes them between runs.
"""

from __future__ import annotations

import asyncio
import itertools
import signal
import time

from aiohttp import web

_ANSWER = (
    b'{"messaging_product":"whatsapp","contacts":[{"input":"x","wa_id":"x"}],'
    b'"messages":[{"id":"wamid.fake%d"}]}'
)


class _Counts:
    def __init__(self) -> None:
        self.accepted = 0
        self.last_at = 0.0
        self.ids = itertools.count()


def _app(counts: _Counts) -> web.Application:
    async def messages(request: web.Request) -> web.Response:
        await request.read()
        counts.accepted += 1
        counts.last_at = time.time()
        body = _ANSWER % next(counts.ids)
        return web.Response(body=body, content_type="application/json")

    async def stats(request: web.Request) -> web.Response:
        return web.json_response({"accepted": counts.accepted, "last_at": counts.last_at})

    async def reset(request: web.Request) -> web.Response:
        counts.accepted, counts.last_at = 0, 0.0
        return web.json_response({"ok": True})

    app = web.Application()
    app.router.add_post("/{pnid}/messages", messages)
    app.router.add_get("/stats", stats)
    app.router.add_post("/reset", reset)
    return app


async def _main() -> None:
    runner = web.AppRunner(_app(_Counts()), access_log=None, handle_signals=False)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0, backlog=1024)
    await site.start()
    port = next(a[1] for a in runner.addresses if isinstance(a, tuple))
    print(f"PORT {port}", flush=True)
    stop = asyncio.Event()
    asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, stop.set)
    await stop.wait()
    await runner.cleanup()


if __name__ == "__main__":
    asyncio.run(_main())
