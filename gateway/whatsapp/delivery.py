"""Delivery tracking of our outbound messages from `statuses` webhooks (docs/whatsapp-cloud-api.md
§A2, §A3).

Status webhooks arrive out of order and duplicated; the stored state only moves forward
(sent < delivered < read < played, failed terminal), so a late `delivered` never overwrites
`read` (Part C 7).
"""

from __future__ import annotations

from collections.abc import Sequence

from gateway.whatsapp.inbound import Status
from gateway.whatsapp.keys import WhatsAppKeys
from runtime.client import RedisClient, RedisPipeline
from runtime.scripts import LuaScript, run_pipeline

RANKS = {"sent": 1, "delivered": 2, "read": 3, "played": 4, "failed": 5}
_TTL_SECONDS = 8 * 24 * 3600  # Meta retries status webhooks for up to 7 days
_ADVANCE = LuaScript.read("gateway.whatsapp", "delivery_advance")


class DeliveryTracker:
    def __init__(self, redis: RedisClient, key_prefix: str) -> None:
        self._redis = redis
        self._keys = WhatsAppKeys(key_prefix)

    async def update(self, statuses: Sequence[Status]) -> list[bool]:
        """Apply statuses in one round trip; True where the state moved forward."""
        known = [s for s in statuses if s.status in RANKS]
        if not known:
            return [False] * len(statuses)

        def fill(pipe: RedisPipeline) -> None:
            for s in known:
                error = str(s.errors[0].code) if s.errors else ""
                _ADVANCE.queue(
                    pipe,
                    [self._keys.delivery(s.wamid)],
                    [RANKS[s.status], s.status, s.timestamp, error, _TTL_SECONDS],
                )

        results = iter(await run_pipeline(self._redis, [_ADVANCE], fill))
        return [bool(next(results)) if s.status in RANKS else False for s in statuses]

    async def state(self, wamid: str) -> str | None:
        raw = await self._redis.hget(self._keys.delivery(wamid), "status")
        if raw is None:
            return None
        return raw.decode() if isinstance(raw, bytes) else str(raw)
