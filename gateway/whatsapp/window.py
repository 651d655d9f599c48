"""The 24-hour customer-service window, per conversation (docs/whatsapp-cloud-api.md §A4).

A user message opens (or extends) a 24 h window in which free-form replies are allowed; outside
it only templates are (else error 131047). The gateway stores the time of the user's last inbound
message after recording it; the sender reads it before each free-form send.
"""

from __future__ import annotations

import time
from collections.abc import Sequence

from gateway.whatsapp.script import PipelineScript
from runtime.client import RedisClient, RedisPipeline
from runtime.contracts import ConversationKey

WINDOW_SECONDS = 24 * 3600
# Kept a little longer than the window so a read near the edge still finds the value.
_TTL_SECONDS = 25 * 3600

# Only move forward: a late retry of an old message must not shorten the window.
_TOUCH = """
local cur = redis.call('GET', KEYS[1])
if (not cur) or tonumber(cur) < tonumber(ARGV[1]) then
  redis.call('SET', KEYS[1], ARGV[1], 'EX', ARGV[2])
  return 1
end
return 0
"""


class ServiceWindow:
    def __init__(self, redis: RedisClient, key_prefix: str) -> None:
        self._redis = redis
        self._prefix = key_prefix
        self.script = PipelineScript(redis, _TOUCH)

    def redis_key(self, key: ConversationKey) -> str:
        return f"{self._prefix}wa:window:{{{key.tag}}}"

    async def touch(self, stamps: Sequence[tuple[ConversationKey, float]]) -> None:
        """Record user messages at the given epoch seconds, in one round trip."""
        if stamps:
            await self.script.execute(lambda pipe: self.queue_touch(pipe, stamps))

    def queue_touch(
        self, pipe: RedisPipeline, stamps: Sequence[tuple[ConversationKey, float]]
    ) -> None:
        """Add the touches to `pipe`, to share a round trip with other writes; run that pipeline
        through `self.script.execute`, which loads the script and survives a NOSCRIPT."""
        for key, at in stamps:
            self.script.queue(pipe, [self.redis_key(key)], [f"{at:.3f}", _TTL_SECONDS])

    async def last_inbound(self, key: ConversationKey) -> float | None:
        raw = await self._redis.get(self.redis_key(key))
        return None if raw is None else float(raw)

    async def is_open(self, key: ConversationKey, now: float | None = None) -> bool:
        last = await self.last_inbound(key)
        current = time.time() if now is None else now
        return last is not None and current - last < WINDOW_SECONDS
