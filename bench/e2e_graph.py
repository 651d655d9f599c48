"""A fake Cloud API for `bench e2e`, in a process of its own: answers every send at once with a
wamid, and counts what it accepted, so the load generator can see when the last reply arrived.

`python -m bench.e2e_graph` prints `PORT <n>`; `GET /stats` returns accepted sends and the
wall-clock time of the last one; `POST /reset` zeroes them between runs. `GET /taps` hands over
the confirm button ids of the offer confirmations sent since the last call, by recipient, so
the load generator can tap *Sign & send* as a member would.
"""

from __future__ import annotations

import asyncio
import itertools
import signal
import time

import orjson
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
        self.taps: dict[str, str] = {}  # recipient -> confirm button id, until fetched
        self.offers_sent = 0  # offers the bot told their issuer were sent


_ONE_SENT = "✅ *Offer sent*".encode()  # one offer (actors/screens/offer.py:results)
_LINE_SENT = b"*: sent"  # a line of several: `1. ✅ 1.00 USD to *Name*: sent`


def offers_sent(body: bytes) -> int:
    """How many offers a send tells their issuer were sent."""
    return body.count(_ONE_SENT) + body.count(_LINE_SENT)


def confirm_tap(body: bytes) -> tuple[str, str] | None:
    """(recipient, button id) of a send carrying an offer's confirm button, else None."""
    if b'"confirm:' not in body:
        return None
    payload = orjson.loads(body)
    for button in payload.get("interactive", {}).get("action", {}).get("buttons", ()):
        tap = str(button.get("reply", {}).get("id", ""))
        if tap.startswith("confirm:"):
            return str(payload["to"]), tap
    return None


def _app(counts: _Counts) -> web.Application:
    async def messages(request: web.Request) -> web.Response:
        body = await request.read()
        if tap := confirm_tap(body):
            counts.taps[tap[0]] = tap[1]
        counts.offers_sent += offers_sent(body)
        counts.accepted += 1
        counts.last_at = time.time()
        body = _ANSWER % next(counts.ids)
        return web.Response(body=body, content_type="application/json")

    async def stats(request: web.Request) -> web.Response:
        return web.json_response(
            {"accepted": counts.accepted, "last_at": counts.last_at, "offers": counts.offers_sent}
        )

    async def reset(request: web.Request) -> web.Response:
        counts.accepted, counts.last_at = 0, 0.0
        counts.taps, counts.offers_sent = {}, 0
        return web.json_response({"ok": True})

    async def taps(request: web.Request) -> web.Response:
        handed, counts.taps = counts.taps, {}
        return web.json_response(handed)

    app = web.Application()
    app.router.add_post("/{pnid}/messages", messages)
    app.router.add_get("/stats", stats)
    app.router.add_post("/reset", reset)
    app.router.add_get("/taps", taps)
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
