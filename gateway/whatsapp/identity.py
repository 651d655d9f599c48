"""Phone -> business-scoped user id aliases, so one user keeps one conversation.

From 2026 webhooks carry a `user_id` next to (or instead of) the phone `wa_id`; conversations
are keyed by `user_id` when present (docs/whatsapp-cloud-api.md §0 fact 10). A user seen with both
ids is
remembered, so an event that names only the phone (an older-shaped webhook, or credex-core's
/api/notify, which knows members by phone) reaches the same conversation (docs/whatsapp-cloud-api.md
Part C 2).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from redis.asyncio.cluster import RedisCluster

from gateway.whatsapp.keys import WhatsAppKeys
from runtime.client import RedisClient, RedisPipeline
from runtime.contracts import Command, SharedPipelines

_TTL_SECONDS = 90 * 24 * 3600


class IdentityMap:
    def __init__(self, redis: RedisClient, key_prefix: str, phone_number_id: str) -> None:
        self._redis = redis
        self._keys = WhatsAppKeys(key_prefix)
        self._number = phone_number_id

    def _key(self, phone: str) -> str:
        return self._keys.alias(self._number, phone)

    async def remember(self, pairs: Mapping[str, str], forget: Iterable[str] = ()) -> None:
        """Store phone -> user id for `pairs` and drop aliases of numbers a user left."""
        async with self._redis.pipeline(transaction=False) as pipe:
            if self.queue_remember(pipe, pairs, forget):
                await pipe.execute()

    def queue_remember(
        self, pipe: RedisPipeline, pairs: Mapping[str, str], forget: Iterable[str] = ()
    ) -> bool:
        """Add the writes to `pipe`; False when there is nothing to write."""
        commands = self.remember_commands(pairs, forget)
        for command in commands:
            pipe.execute_command(*command)
        return bool(commands)

    def remember_commands(
        self, pairs: Mapping[str, str], forget: Iterable[str] = ()
    ) -> list[Command]:
        """The writes of `remember`, as commands for a shared pipeline."""
        commands: list[Command] = [
            ("SET", self._key(phone), user_id, "EX", _TTL_SECONDS)
            for phone, user_id in pairs.items()
        ]
        # One key per DEL: on a cluster they live in different slots.
        commands.extend(("DEL", self._key(phone)) for phone in forget)
        return commands

    async def resolve(
        self, phones: Iterable[str], run: SharedPipelines | None = None
    ) -> dict[str, str]:
        """The user ids known for these phones, in one round trip (through `run`, a pipeline
        shared with the runtime's calls, when given: one GET per phone, so that a cluster
        routes each by its slot)."""
        wanted = list(dict.fromkeys(phones))
        if not wanted:
            return {}
        keys = [self._key(p) for p in wanted]
        if run is not None:
            found = await run(*(("GET", key) for key in keys))
        elif isinstance(self._redis, RedisCluster):
            found = await self._redis.mget_nonatomic(keys)  # grouped per slot
        else:
            found = await self._redis.mget(keys)
        return {
            phone: value.decode() if isinstance(value, bytes) else str(value)
            for phone, value in zip(wanted, found, strict=True)
            if value is not None
        }
