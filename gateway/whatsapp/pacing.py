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
from collections.abc import Awaitable, Callable, Sequence
from typing import Any

import attrs
from redis.commands.core import AsyncScript
from redis.exceptions import NoScriptError

from runtime.client import RedisClient

# Runs commands in a pipeline shared with other callers (the runtime's `Batcher.call`).
SharedPipelines = Callable[..., Awaitable[list[Any]]]

# The refill-and-take of one bucket: leaves `tokens` and `wait` (ms until one is available).
_BUCKET = """
local function take(key, rate, capacity, want, now)
  local b = redis.call('HMGET', key, 'tokens', 'ts')
  local tokens = tonumber(b[1]) or capacity
  local ts = tonumber(b[2]) or now
  tokens = math.min(capacity, tokens + (now - ts) * rate / 1000)
  local got = math.min(want, math.floor(tokens))
  local wait = 0
  if got >= 1 then
    tokens = tokens - got
  else
    got = 0
    wait = math.ceil((1 - tokens) * 1000 / rate)
  end
  redis.call('HSET', key, 'tokens', tostring(tokens), 'ts', now)
  redis.call('PEXPIRE', key, math.ceil(capacity * 1000 / rate) + 1000)
  return {got, wait}
end
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
"""

# KEYS: bucket. ARGV: rate/s, capacity, tokens wanted. Returns {tokens got, ms to wait}.
_TAKE = (
    _BUCKET + "return take(KEYS[1], tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3]), now)"
)

# KEYS: window, progress, pair bucket (one hash tag). ARGV: pair rate/s, pair burst.
# Returns {last inbound epoch seconds or '', parts already accepted, ms to wait for the pair}.
_PREFLIGHT = (
    _BUCKET
    + """
local r = take(KEYS[3], tonumber(ARGV[1]), tonumber(ARGV[2]), 1, now)
return {redis.call('GET', KEYS[1]) or '', tonumber(redis.call('GET', KEYS[2]) or '0'), r[2]}
"""
)


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
        self._take = redis.register_script(_TAKE)
        self._preflight = redis.register_script(_PREFLIGHT)
        self._shared: SharedPipelines | None = None

    def share_pipelines(self, run: SharedPipelines) -> None:
        """Send the scripts through `run`: under load they ride in pipelines with the actors'
        calls instead of costing a round trip (and a socket write) each."""
        self._shared = run

    async def _call(self, script: AsyncScript, keys: Sequence[str], args: Sequence[Any]) -> Any:
        if self._shared is None:
            return await script(keys=keys, args=args)
        command = ("EVALSHA", script.sha, len(keys), *keys, *args)
        try:
            (reply,) = await self._shared(command)
        except NoScriptError:  # Redis restarted or flushed its scripts: load, run once more
            await self._redis.script_load(script.script)
            (reply,) = await self._shared(command)
        return reply

    async def take(self, key: str, rate: Rate, want: int = 1) -> tuple[int, float]:
        """Take up to `want` tokens: (tokens taken, seconds to wait when none was)."""
        got, wait_ms = await self._call(self._take, [key], [rate.per_second, rate.burst, want])
        return int(got), int(wait_ms) / 1000.0

    async def preflight(
        self, window_key: str, progress_key: str, pair_key: str, pair: Rate
    ) -> Preflight:
        last, done, wait_ms = await self._call(
            self._preflight, [window_key, progress_key, pair_key], [pair.per_second, pair.burst]
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
