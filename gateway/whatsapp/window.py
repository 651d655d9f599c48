"""The 24-hour customer-service window, per conversation (docs/whatsapp-cloud-api.md §A4).

A user message opens (or extends) a 24 h window in which free-form replies are allowed; outside
it only templates are (else error 131047). The gateway stores the time of the user's last inbound
message after recording it; the sender reads it before each free-form send.
"""

from __future__ import annotations

import time
from collections.abc import Sequence

from gateway.whatsapp.keys import WhatsAppKeys
from runtime.client import RedisClient, RedisPipeline
from runtime.contracts import Command, ConversationKey
from runtime.scripts import LuaScript, run_pipeline

WINDOW_SECONDS = 24 * 3600
# Kept a little longer than the window so a read near the edge still finds the value.
_TTL_SECONDS = 25 * 3600

_TOUCH = LuaScript.read("gateway.whatsapp", "window_touch")  # only moves the stamp forward


class ServiceWindow:
    def __init__(self, redis: RedisClient, key_prefix: str) -> None:
        self._redis = redis
        self._keys = WhatsAppKeys(key_prefix)
        self.script = _TOUCH

    async def touch(self, stamps: Sequence[tuple[ConversationKey, float]]) -> None:
        """Record user messages at the given epoch seconds, in one round trip."""
        if stamps:
            await run_pipeline(self._redis, [_TOUCH], lambda p: self.queue_touch(p, stamps))

    def queue_touch(
        self, pipe: RedisPipeline, stamps: Sequence[tuple[ConversationKey, float]]
    ) -> None:
        """Add the touches to `pipe`, to share a round trip with other writes; run that pipeline
        through `runtime.scripts.run_pipeline` with `self.script`, which survives a NOSCRIPT."""
        for command in self.touch_commands(stamps):
            pipe.execute_command(*command)

    def touch_commands(self, stamps: Sequence[tuple[ConversationKey, float]]) -> list[Command]:
        """The touches as commands, for a shared pipeline (`runtime.contracts.SharedPipelines`)
        run inside `runtime.scripts.reloading` with `self.script`."""
        return [
            _TOUCH.command([self._keys.window(key)], [f"{at:.3f}", _TTL_SECONDS])
            for key, at in stamps
        ]

    async def last_inbound(self, key: ConversationKey) -> float | None:
        raw = await self._redis.get(self._keys.window(key))
        return None if raw is None else float(raw)

    async def is_open(self, key: ConversationKey, now: float | None = None) -> bool:
        last = await self.last_inbound(key)
        current = time.time() if now is None else now
        return last is not None and current - last < WINDOW_SECONDS
