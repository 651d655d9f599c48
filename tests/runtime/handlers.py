"""Handlers the runtime tests plug in: each keeps evidence (in its session, which the runtime
commits, and in Redis or memory) that a broken runtime would corrupt."""

from __future__ import annotations

import os
import signal
from collections.abc import Sequence

import anyio
import attrs
import orjson
import redis.asyncio as aioredis

from runtime.contracts import ConversationKey, Envelope, Turn, TurnContext


def processed_ids(session: bytes | None) -> list[str]:
    """The message ids a conversation committed, in commit order."""
    return [] if session is None else list(orjson.loads(session))


@attrs.define
class AppendingHandler:
    """Appends each message id to the session; counts overlaps and re-processing in memory."""

    delay: float = 0.0
    in_flight: dict[ConversationKey, int] = attrs.field(factory=dict)
    overlaps: int = 0
    reprocessed: int = 0
    calls: int = 0
    poison: frozenset[bytes] = frozenset()
    hang: frozenset[bytes] = frozenset()  # payloads whose turn never ends
    attempts_seen: list[int] = attrs.field(factory=list)

    async def handle(self, ctx: TurnContext, session: bytes | None, envelope: Envelope) -> Turn:
        self.calls += 1
        self.in_flight[ctx.key] = self.in_flight.get(ctx.key, 0) + 1
        try:
            if self.in_flight[ctx.key] > 1:
                self.overlaps += 1
            if self.delay:
                await anyio.sleep(self.delay)
            else:
                await anyio.lowlevel.checkpoint()
            if envelope.payload in self.poison:
                self.attempts_seen.append(ctx.attempt)
                raise RuntimeError(f"poison {envelope.message_id}")
            if envelope.payload in self.hang:
                self.attempts_seen.append(ctx.attempt)
                await anyio.sleep_forever()
            done = processed_ids(session)
            if envelope.message_id in done:
                self.reprocessed += 1
            done.append(envelope.message_id)
            return Turn(session=orjson.dumps(done), replies=[b"ok:" + envelope.payload])
        finally:
            self.in_flight[ctx.key] -= 1
            if not self.in_flight[ctx.key]:
                del self.in_flight[ctx.key]

    def on_error(
        self, key: ConversationKey, envelope: Envelope, error: BaseException
    ) -> Sequence[bytes]:
        return [b"sorry:" + envelope.payload]

    def on_overload(self, key: ConversationKey, envelope: Envelope) -> Sequence[bytes]:
        return [b"slow down"]

    def on_skipped(self, key: ConversationKey, skipped: Sequence[Envelope]) -> Sequence[bytes]:
        return [b"skipped:" + b",".join(e.payload for e in skipped)]


@attrs.define
class FleetHandler:
    """For host processes: detects two activations of one conversation at once on the Redis side
    (SET NX on a marker) and re-processing of a committed message (it is in the session)."""

    redis: aioredis.Redis
    prefix: str
    marker_ms: int = 5000
    work: float = 0.0
    kill_on: bytes = b""  # a payload whose processing kills the whole process

    async def handle(self, ctx: TurnContext, session: bytes | None, envelope: Envelope) -> Turn:
        if self.kill_on and envelope.payload == self.kill_on:
            os.kill(os.getpid(), signal.SIGKILL)
        marker = f"{self.prefix}check:active:{{{ctx.key.tag}}}"
        evidence = f"{self.prefix}check:"
        me = str(os.getpid())
        if not await self.redis.set(marker, me, nx=True, px=self.marker_ms):
            await self.redis.incr(evidence + "overlaps")
        try:
            done = processed_ids(session)
            if envelope.message_id in done:
                await self.redis.incr(evidence + "reprocessed")
            if self.work:
                await anyio.sleep(self.work)
            await self.redis.incr(evidence + "handled")
            await self.redis.incr(evidence + f"handled:{me}")
            done.append(envelope.message_id)
            return Turn(session=orjson.dumps(done))
        finally:
            await self.redis.delete(marker)

    def on_error(
        self, key: ConversationKey, envelope: Envelope, error: BaseException
    ) -> Sequence[bytes]:
        return [b"sorry:" + envelope.payload]

    def on_overload(self, key: ConversationKey, envelope: Envelope) -> Sequence[bytes]:
        return []
