"""`python -m bench.faults_flood URL RATE SENDERS`: the hostile-webhooks case's flood, in a
process of its own so the load it makes never delays the suite's real members (whose webhook
answer times the case measures). Forged, 3 MB oversized and malformed webhooks in turn, on
the rate's schedule, until SIGTERM; then prints the counts and the seconds as one JSON line."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
import time

import aiohttp
import orjson

FORGED = b'{"object":"whatsapp_business_account","entry":[]}'
OVERSIZED = b'{"object":"whatsapp_business_account","entry":[' + b" " * 3_000_000 + b"]}"
MALFORMED = b'{"object": "whatsapp_business_account", "entry": [{'
KINDS = (("forged", FORGED, True), ("oversized", OVERSIZED, True), ("malformed", MALFORMED, False))


async def _sender(http: aiohttp.ClientSession, url: str, every: float, first: int,
                  sent: dict[str, int]) -> None:  # fmt: skip
    due = time.monotonic()
    for n in range(first, 10_000_000):  # bounded; cancelled at SIGTERM
        kind, body, signed = KINDS[n % len(KINDS)]
        headers = {"Content-Type": "application/json"}
        if signed:  # a well-formed header with a wrong signature
            headers["X-Hub-Signature-256"] = "sha256=" + os.urandom(32).hex()
        try:
            async with http.post(url, data=body, headers=headers) as answer:
                await answer.read()
        except (aiohttp.ClientError, TimeoutError):
            pass  # the bot may cut an oversized upload short: that is its answer
        sent[kind] += 1
        # On a schedule, not a pause after each answer: a slow answer does not lower the rate
        # (a sender that fell behind goes on at once, without a burst to catch up).
        due = max(due + every, time.monotonic() - every)
        await asyncio.sleep(max(0.0, due - time.monotonic()))


async def flood(url: str, rate: float, senders: int) -> None:
    sent = {kind: 0 for kind, _, _ in KINDS}
    started = time.monotonic()
    stop = asyncio.Event()
    asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, stop.set)
    timeout = aiohttp.ClientTimeout(total=10)
    async with aiohttp.ClientSession(timeout=timeout) as http:
        tasks = [
            asyncio.ensure_future(_sender(http, url, senders / rate, i, sent))
            for i in range(senders)
        ]
        print("flooding", flush=True)
        await stop.wait()
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
    print(orjson.dumps({**sent, "seconds": time.monotonic() - started}).decode(), flush=True)


if __name__ == "__main__":
    asyncio.run(flood(sys.argv[1], float(sys.argv[2]), int(sys.argv[3])))
