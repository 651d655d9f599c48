"""A conversation's Redis operations as the actor and the sender need them: activate, fetch,
commit, count a start, release, and the outbox head. Each is one batched round trip.

The starts of an entry's delivery are counted here (in the `attempts` hash) for supervision,
whose module docstring (`runtime/supervision.py`) says when and why."""

from __future__ import annotations

import time
from collections.abc import Sequence
from typing import Any

import attrs
import orjson

from runtime.batcher import Batcher
from runtime.client import RedisClient
from runtime.config import RuntimeConfig
from runtime.contracts import Command, ConversationKey, LeaseLost, RuntimeFailure
from runtime.inbox import InboxEntry, parse_entry
from runtime.keys import Keys, encode_member
from runtime.scripts import LuaScript, Scripts


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
class Committed:
    version: int
    outbox_len: int
    entries: list[InboxEntry]  # the next inbox entries, when asked for
    # Starts of the next entry before this one (0: this first start was counted now; > 0: a
    # suspect, counted by the actor when it really starts it; -1: no next entry was counted).
    prior_starts: int = -1


@attrs.frozen
class Batch:
    entries: list[InboxEntry]
    prior_starts: int  # of the first entry, as in Committed


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
    """Redis calls of the actors and the sender of one process, coalesced by the batcher."""

    def __init__(
        self, redis: RedisClient, scripts: Scripts, keys: Keys, config: RuntimeConfig
    ) -> None:
        self.redis = redis
        self.scripts = scripts
        self.keys = keys
        self.config = config
        self.batcher = Batcher(redis, scripts, lanes=config.redis_concurrency)
        # Activations whose first round trip is in flight: admission control (max_activating).
        self.activating = 0

    def admit(self) -> None:
        """An activation begins (the host started its actor): it counts against
        `max_activating` until its `activate` round trip is back."""
        self.activating += 1

    def admits(self) -> int:
        """How many more conversations may be activated now (admission control): beyond
        `max_activating` first round trips in flight, new work waits in its inbox (durable)
        for the sweeper instead of piling actors onto a backlog they cannot get through."""
        return max(0, self.config.max_activating - self.activating)

    def _eval(self, script: LuaScript, keys: Sequence[str], *args: object) -> Command:
        return script.command(keys, args)

    async def activate(
        self, key: ConversationKey, token: str, count: int
    ) -> tuple[Snapshot, Batch]:
        """What a new activation needs, in one round trip: snapshot, outbox length, inbox head
        (its first entry's start counted). Raises LeaseLost. Ends the activation `admit`
        counted."""
        k = self.keys.of(key)
        try:
            (data, version), outbox_len, fetched = await self.batcher.call(
                ("HMGET", k.session, "d", "v"), ("LLEN", k.outbox), self._fetch(key, token, count)
            )
        finally:
            self.activating -= 1
        snapshot = Snapshot(data=data, version=int(version or 0), outbox_len=int(outbox_len))
        return snapshot, self._batch(key, fetched)

    async def fetch(self, key: ConversationKey, token: str, count: int) -> Batch:
        """The inbox head, its first entry's start counted. Raises LeaseLost."""
        (fetched,) = await self.batcher.call(self._fetch(key, token, count))
        return self._batch(key, fetched)

    def _fetch(self, key: ConversationKey, token: str, count: int) -> Command:
        k = self.keys.of(key)
        ttl = self.config.dead_letter_ttl_seconds
        return self._eval(self.scripts.fetch, [k.lease, k.inbox, k.attempts], token, count, ttl)

    def _batch(self, key: ConversationKey, fetched: list[Any]) -> Batch:
        if fetched[0] == -1:
            raise LeaseLost(f"lease lost for {key.channel}")
        entries = [parse_entry(key, entry_id, _pairs(fields)) for entry_id, fields in fetched[1]]
        return Batch(entries=entries, prior_starts=int(fetched[2]))

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
        fetch: int = 0,
        next_id: str = "",
    ) -> Committed:
        """Raises LeaseLost, SessionConflict. With `fetch`, also reads that many next entries.
        Counts the start of `next_id` (else of the first entry fetched) when it is its first.
        Extends the lease by `lease_ttl` (a commit proves ownership)."""
        k = self.keys.of(key)
        mode = "keep" if session is KEEP else ("del" if session is None else "set")
        data = session if isinstance(session, bytes) else b""
        (reply,) = await self.batcher.call(
            self._eval(
                self.scripts.commit,
                [k.lease, k.session, k.inbox, k.outbox, k.attempts, k.dead],
                token,
                expected_version,
                mode,
                data,
                max(1, int(session_ttl * 1000)),
                entry_id,
                dead,
                self.config.dead_letter_ttl_seconds,
                fetch,
                next_id,
                int(self.config.lease_ttl * 1000),
                *replies,
            )
        )
        if reply[0] == -1:
            raise LeaseLost(f"lease lost for {key.channel}")
        if reply[0] == -2:
            raise SessionConflict(int(reply[1]), reply[2] or None)
        entries = [parse_entry(key, entry_id, _pairs(fields)) for entry_id, fields in reply[3]]
        return Committed(
            version=int(reply[1]),
            outbox_len=int(reply[2]),
            entries=entries,
            prior_starts=int(reply[4]),
        )

    async def start(self, key: ConversationKey, token: str, entry_id: str) -> int:
        """Count one more start of an entry's delivery; returns the starts so far, this one
        included. Raises LeaseLost."""
        k = self.keys.of(key)
        ttl = self.config.dead_letter_ttl_seconds
        (n,) = await self.batcher.call(
            self._eval(self.scripts.start, [k.lease, k.attempts], token, entry_id, ttl)
        )
        if int(n) < 0:
            raise LeaseLost(f"lease lost for {key.channel}")
        return int(n)

    async def release(
        self,
        key: ConversationKey,
        token: str,
        *,
        only_if_idle: bool,
        check_outbox: bool,
        uncount: str = "",
    ) -> int:
        """1 released, 0 work left (still ours), -1 not ours. A release leaves the pending mark
        when work is left, so another host's sweeper takes it over. `uncount`: an entry whose
        counted start never reached the handler; the count is taken back."""
        k = self.keys.of(key)
        idle = "1" if only_if_idle else "0"
        # Without a sender here the outbox is someone else's job: check a key that never exists.
        outbox = k.outbox if check_outbox else k.outbox + ":unchecked"
        (released,) = await self.batcher.call(
            self._eval(
                self.scripts.release, [k.lease, k.inbox, outbox, k.attempts], token, idle, uncount
            )
        )
        if int(released) != 1:
            return int(released)
        # Unmark after releasing, then look again: a message recorded in between either shows
        # up here or re-marks itself after our removal (record marks after appending).
        member = encode_member(key)
        _, inbox_len, outbox_len = await self.batcher.call(
            ("ZREM", self.keys.pending(key), member), ("XLEN", k.inbox), ("LLEN", outbox)
        )
        if inbox_len or outbox_len:
            await self.batcher.call(("ZADD", self.keys.pending(key), time.time(), member))
        return 1

    async def outbox_head(self, key: ConversationKey, count: int) -> list[bytes]:
        (items,) = await self.batcher.call(("LRANGE", self.keys.of(key).outbox, 0, count - 1))
        return [item.encode() if isinstance(item, str) else item for item in items]

    async def outbox_pop(
        self,
        key: ConversationKey,
        token: str,
        item: bytes,
        dead: bytes = b"",
        before: Sequence[Command] = (),
    ) -> int:
        """Remove a delivered (or dead-lettered) head item, after the `before` commands (the
        sender's own note of the delivery) in the same round trip; the outbox length left, or
        < 0 when the lease was lost (-1) or the head is another item (-2)."""
        k = self.keys.of(key)
        *_, left = await self.batcher.call(
            *before,
            self._eval(
                self.scripts.outbox_pop,
                [k.lease, k.outbox, k.outbox_dead],
                token,
                item,
                dead,
                self.config.dead_letter_ttl_seconds,
            ),
        )
        return int(left)


def _pairs(flat: list[bytes]) -> dict[bytes, bytes]:
    return dict(zip(flat[0::2], flat[1::2], strict=True))


class _Keep:
    """Marker: commit without touching the session (dead letters, rate-limited entries)."""


KEEP = _Keep()
