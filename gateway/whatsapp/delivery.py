"""Delivery tracking of our outbound messages from `statuses` webhooks (docs/whatsapp-cloud-api.md
§A2, §A3).

Status webhooks arrive out of order and duplicated; the stored state only moves forward
(sent < delivered < read < played, failed terminal), so a late `delivered` never overwrites
`read` (Part C 7).
"""

from __future__ import annotations

from collections.abc import Sequence

from gateway.whatsapp.inbound import Status
from gateway.whatsapp.script import PipelineScript
from runtime.client import RedisClient, RedisPipeline

RANKS = {"sent": 1, "delivered": 2, "read": 3, "played": 4, "failed": 5}
_TTL_SECONDS = 8 * 24 * 3600  # Meta retries status webhooks for up to 7 days

_ADVANCE = """
local cur = tonumber(redis.call('HGET', KEYS[1], 'rank') or '0')
if tonumber(ARGV[1]) <= cur then return 0 end
redis.call('HSET', KEYS[1], 'rank', ARGV[1], 'status', ARGV[2], 'at', ARGV[3], 'error', ARGV[4])
redis.call('EXPIRE', KEYS[1], ARGV[5])
return 1
"""


class DeliveryTracker:
    def __init__(self, redis: RedisClient, key_prefix: str) -> None:
        self._redis = redis
        self._prefix = key_prefix
        self._advance = PipelineScript(redis, _ADVANCE)

    def redis_key(self, wamid: str) -> str:
        return f"{self._prefix}wa:delivery:{wamid}"

    async def update(self, statuses: Sequence[Status]) -> list[bool]:
        """Apply statuses in one round trip; True where the state moved forward."""
        known = [s for s in statuses if s.status in RANKS]
        if not known:
            return [False] * len(statuses)

        def fill(pipe: RedisPipeline) -> None:
            for s in known:
                error = str(s.errors[0].code) if s.errors else ""
                self._advance.queue(
                    pipe,
                    [self.redis_key(s.wamid)],
                    [RANKS[s.status], s.status, s.timestamp, error, _TTL_SECONDS],
                )

        results = iter(await self._advance.execute(fill))
        return [bool(next(results)) if s.status in RANKS else False for s in statuses]

    async def state(self, wamid: str) -> str | None:
        raw = await self._redis.hget(self.redis_key(wamid), "status")
        if raw is None:
            return None
        return raw.decode() if isinstance(raw, bytes) else str(raw)
