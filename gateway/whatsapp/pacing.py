"""Pacing and the sender's per-reply state, in as few Redis round trips as possible.

Throughput is limited per business number (`WHATSAPP_MESSAGES_PER_SECOND`, 80 by default, error
130429 above it) and per recipient (the pair limit: about one message per 6 s, bursts of up to 45
borrowed from future quota, error 131056; docs/whatsapp-cloud-api.md §A5). Buckets live in Redis
because the limit is the fleet's, not one process's. Before a reply is sent, one script reads
everything the sender needs about that conversation (service window, parts already accepted) and
takes a pair token; its keys share the conversation's hash tag, so it runs on one cluster slot. The
number's bucket is shared by all conversations: each process takes tokens from it in small chunks,
so most sends need no round trip for it.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Sequence
from typing import Any

import attrs

from runtime.client import RedisClient
from runtime.contracts import SharedPipelines
from runtime.scripts import LuaScript, evalsha, reloading

# gateway/whatsapp/lua/bucket.lua defines the refill-and-take both scripts call.
_TAKE = LuaScript.read("gateway.whatsapp", "bucket", "bucket_take")
_PREFLIGHT = LuaScript.read("gateway.whatsapp", "bucket", "preflight")


@attrs.frozen
class Rate:
    per_second: float
    burst: float


# Pair limit (docs/whatsapp-cloud-api.md §A5): never stricter than Meta, so a conversational
# pace (a message every few seconds) is never held back by us; 131056 still backs off.
PAIR_RATE = Rate(per_second=1 / 6, burst=45)


@attrs.frozen
class Preflight:
    last_inbound: float | None  # epoch seconds of the user's last message (service window)
    parts_done: int  # payloads of this reply Meta already accepted
    pair_wait: float  # seconds until the recipient's bucket has a token (0: one was taken)


class TokenBuckets:
    def __init__(self, redis: RedisClient) -> None:
        self._redis = redis
        self._shared: SharedPipelines | None = None

    def share_pipelines(self, run: SharedPipelines) -> None:
        """Send the scripts through `run`: under load they ride in pipelines with the actors'
        calls instead of costing a round trip (and a socket write) each."""
        self._shared = run

    async def _call(self, script: LuaScript, keys: Sequence[str], args: Sequence[Any]) -> Any:
        shared = self._shared
        if shared is None:
            return await evalsha(self._redis, script, keys, args)
        # NOSCRIPT (Redis restarted or flushed its scripts): load this one, run once more.
        (reply,) = await reloading(
            self._redis, [script], lambda: shared(script.command(keys, args))
        )
        return reply

    async def take(self, key: str, rate: Rate, want: int = 1) -> tuple[int, float]:
        """Take up to `want` tokens: (tokens taken, seconds to wait when none was)."""
        got, wait_ms = await self._call(_TAKE, [key], [rate.per_second, rate.burst, want])
        return int(got), int(wait_ms) / 1000.0

    async def preflight(
        self, window_key: str, progress_key: str, pair_key: str, pair: Rate
    ) -> Preflight:
        last, done, wait_ms = await self._call(
            _PREFLIGHT, [window_key, progress_key, pair_key], [pair.per_second, pair.burst]
        )
        return Preflight(
            last_inbound=float(last) if last else None,
            parts_done=int(done),
            pair_wait=int(wait_ms) / 1000.0,
        )


class NumberBudget:
    """This process's share of the business number's bucket, taken in chunks of about 1/20 s
    of the rate, so most sends take a token without a round trip; a pause after 130429."""

    def __init__(self, buckets: TokenBuckets, key: str, rate: Rate) -> None:
        self._buckets = buckets
        self._key = key
        self._rate = rate
        self._chunk = max(1, min(50, int(rate.per_second / 20)))
        self._tokens = 0
        self._paused_until = 0.0
        self._lock = asyncio.Lock()

    def pause(self, seconds: float) -> None:
        """Meta said the number is over its rate (130429): every conversation waits."""
        self._paused_until = max(self._paused_until, time.monotonic() + seconds)
        self._tokens = 0

    async def take(self) -> float:
        """0.0 when a token was taken, else seconds to wait first."""
        paused = self._paused_until - time.monotonic()
        if paused > 0:
            return paused
        if self._tokens > 0:
            self._tokens -= 1
            return 0.0
        async with self._lock:
            if self._tokens == 0:
                got, wait = await self._buckets.take(self._key, self._rate, self._chunk)
                if got == 0:
                    return wait
                self._tokens = got
            self._tokens -= 1
            return 0.0
