"""A conversation's Redis operations as the actor and the sender need them: load, fetch,
commit, count a failure, release, and the outbox head. Each is one round trip."""

from __future__ import annotations

import time
from collections.abc import Sequence

import anyio
import attrs
import orjson
import redis.asyncio as aioredis

from runtime.config import RuntimeConfig
from runtime.contracts import ConversationKey, LeaseLost, RuntimeFailure
from runtime.inbox import InboxEntry, parse_entry
from runtime.keys import Keys, encode_member
from runtime.scripts import Scripts


class SessionConflict(RuntimeFailure):
    """The snapshot changed under the actor (it expired, or was written elsewhere)."""

    def __init__(self, version: int, data: bytes | None) -> None:
        super().__init__("session version changed")
        self.version = version
        self.data = data


@attrs.frozen
class Snapshot:
    data: bytes | None
    version: int
    outbox_len: int


@attrs.frozen
class Batch:
    entries: list[InboxEntry]
    attempts: dict[str, int]  # failures so far, by entry id


def dead_letter(entry: InboxEntry, reason: str) -> bytes:
    """The dead-letter record: enough to inspect and replay the entry by hand."""
    envelope = entry.envelope
    return orjson.dumps(
        {
            "entry_id": entry.entry_id,
            "message_id": envelope.message_id,
            "payload": envelope.payload.decode("utf-8", errors="replace"),
            "reason": reason,
            "at": time.time(),
        }
    )


class ConversationStore:
    """Redis calls of the actors of one process, bounded by a limiter so thousands of actors
    share a small connection pool."""

    def __init__(
        self, redis: aioredis.Redis, scripts: Scripts, keys: Keys, config: RuntimeConfig
    ) -> None:
        self.redis = redis
        self.scripts = scripts
        self.keys = keys
        self.config = config
        self.limiter = anyio.CapacityLimiter(config.redis_concurrency)

    async def load(self, key: ConversationKey) -> Snapshot:
        k = self.keys.of(key)
        async with self.limiter, self.redis.pipeline(transaction=False) as pipe:
            pipe.hmget(k.session, ["d", "v"])
            pipe.llen(k.outbox)
            (data, version), outbox_len = await pipe.execute()
        return Snapshot(data=data, version=int(version or 0), outbox_len=int(outbox_len))

    async def fetch(self, key: ConversationKey, count: int) -> Batch:
        k = self.keys.of(key)
        async with self.limiter, self.redis.pipeline(transaction=False) as pipe:
            pipe.xrange(k.inbox, "-", "+", count=count)
            pipe.hgetall(k.attempts)
            raw, attempts = await pipe.execute()
        return Batch(
            entries=[parse_entry(key, entry_id, fields) for entry_id, fields in raw],
            attempts={_text(e): int(n) for e, n in attempts.items()},
        )

    async def commit(
        self,
        key: ConversationKey,
        token: str,
        *,
        expected_version: int,
        session: bytes | _Keep | None,
        session_ttl: float,
        entry_id: str = "",
        dead: bytes = b"",
        replies: Sequence[bytes] = (),
    ) -> tuple[int, int]:
        """Returns (new session version, outbox length). Raises LeaseLost, SessionConflict."""
        k = self.keys.of(key)
        mode = "keep" if session is KEEP else ("del" if session is None else "set")
        data = session if isinstance(session, bytes) else b""
        async with self.limiter:
            reply = await self.scripts.commit(
                keys=[k.lease, k.session, k.inbox, k.outbox, k.attempts, k.dead],
                args=[
                    token,
                    expected_version,
                    mode,
                    data,
                    max(1, int(session_ttl * 1000)),
                    entry_id,
                    dead,
                    self.config.dead_letter_ttl_seconds,
                    *replies,
                ],
            )
        if reply[0] == -1:
            raise LeaseLost(f"lease lost for {key.channel}")
        if reply[0] == -2:
            raise SessionConflict(int(reply[1]), reply[2] or None)
        return int(reply[1]), int(reply[2])

    async def fail(self, key: ConversationKey, token: str, entry_id: str) -> int:
        """Count one failed attempt; returns the failures so far. Raises LeaseLost."""
        k = self.keys.of(key)
        async with self.limiter:
            n = int(
                await self.scripts.fail(
                    keys=[k.lease, k.attempts],
                    args=[token, entry_id, self.config.dead_letter_ttl_seconds],
                )
            )
        if n < 0:
            raise LeaseLost(f"lease lost for {key.channel}")
        return n

    async def release(
        self, key: ConversationKey, token: str, *, only_if_idle: bool, check_outbox: bool
    ) -> int:
        """1 released, 0 work left (still ours), -1 not ours. A release leaves the pending mark
        when work is left, so another host's sweeper takes it over."""
        k = self.keys.of(key)
        idle = "1" if only_if_idle else "0"
        outbox = k.outbox if check_outbox else k.outbox + ":unchecked"
        async with self.limiter:
            released = int(
                await self.scripts.release(keys=[k.lease, k.inbox, outbox], args=[token, idle])
            )
            if released != 1:
                return released
            # Unmark after releasing, then look again: a message recorded in between either
            # shows up here or re-marks itself after our removal (record marks after appending).
            member = encode_member(key)
            async with self.redis.pipeline(transaction=False) as pipe:
                pipe.zrem(self.keys.pending, member)
                pipe.xlen(k.inbox)
                pipe.llen(outbox)
                _, inbox_len, outbox_len = await pipe.execute()
            if inbox_len or outbox_len:
                await self.redis.zadd(self.keys.pending, {member: time.time()})
        return 1

    async def outbox_head(self, key: ConversationKey, count: int) -> list[bytes]:
        async with self.limiter:
            items = await self.redis.lrange(self.keys.of(key).outbox, 0, count - 1)
        return [item.encode() if isinstance(item, str) else item for item in items]

    async def outbox_pop(
        self, key: ConversationKey, token: str, item: bytes, dead: bytes = b""
    ) -> int:
        """Remove a delivered (or dead-lettered) head item; the outbox length left, or < 0 when
        the lease was lost (-1) or the head is another item (-2)."""
        k = self.keys.of(key)
        async with self.limiter:
            return int(
                await self.scripts.outbox_pop(
                    keys=[k.lease, k.outbox, k.outbox_dead],
                    args=[token, item, dead, self.config.dead_letter_ttl_seconds],
                )
            )


class _Keep:
    """Marker: commit without touching the session (dead letters, rate-limited entries)."""


KEEP = _Keep()


def _text(value: bytes | str) -> str:
    return value.decode() if isinstance(value, bytes) else value
