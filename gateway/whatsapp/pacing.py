"""Token buckets in Redis, shared by every process that sends for one business number.

Throughput is limited per business number (80 msg/s by default, error 130429 above it) and per
recipient (the pair limit: about one message per 6 s with short bursts, error 131056;
cloud-api §A5). Buckets live in Redis because the limit is the fleet's, not one process's.
"""

from __future__ import annotations

import attrs

from runtime.client import RedisClient

# Returns 0 when a token was taken, else the milliseconds until one is available. Uses the
# server clock so processes with skewed clocks agree.
_TAKE = """
local rate = tonumber(ARGV[1])
local capacity = tonumber(ARGV[2])
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local b = redis.call('HMGET', KEYS[1], 'tokens', 'ts')
local tokens = tonumber(b[1]) or capacity
local ts = tonumber(b[2]) or now
tokens = math.min(capacity, tokens + (now - ts) * rate / 1000)
local wait = 0
if tokens >= 1 then
  tokens = tokens - 1
else
  wait = math.ceil((1 - tokens) * 1000 / rate)
end
redis.call('HSET', KEYS[1], 'tokens', tostring(tokens), 'ts', now)
redis.call('PEXPIRE', KEYS[1], math.ceil(capacity * 1000 / rate) + 1000)
return wait
"""


@attrs.frozen
class Rate:
    per_second: float
    burst: float


class TokenBuckets:
    def __init__(self, redis: RedisClient) -> None:
        self._take = redis.register_script(_TAKE)

    async def take(self, key: str, rate: Rate) -> float:
        """Take one token from `key`'s bucket: 0.0 when taken, else seconds to wait first."""
        wait_ms = await self._take(keys=[key], args=[rate.per_second, rate.burst])
        return int(wait_ms) / 1000.0
