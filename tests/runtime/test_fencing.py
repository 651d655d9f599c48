"""Fencing: an owner whose lease was taken over cannot commit, and the new owner finishes."""

from __future__ import annotations

from collections.abc import Sequence

import anyio
import attrs
import orjson
import pytest
import redis.asyncio as aioredis

from runtime.config import RuntimeConfig
from runtime.contracts import ConversationKey, Envelope, LeaseLost, Turn, TurnContext
from runtime.host import Runtime
from tests.runtime.handlers import processed_ids
from tests.runtime.running import running, wait_for

KEY = ConversationKey("15550001", "263770000009")


@attrs.define
class Stalling:
    """The first call blocks until released, like a process stuck in a long GC pause."""

    started: anyio.Event = attrs.field(factory=anyio.Event)
    release: anyio.Event = attrs.field(factory=anyio.Event)
    stall: bool = True

    async def handle(self, ctx: TurnContext, session: bytes | None, envelope: Envelope) -> Turn:
        if self.stall:
            self.started.set()
            await self.release.wait()
        done = [*processed_ids(session), envelope.message_id]
        return Turn(session=orjson.dumps(done), replies=[b"reply:" + envelope.payload])

    def on_error(
        self, key: ConversationKey, envelope: Envelope, error: BaseException
    ) -> Sequence[bytes]:
        return []

    def on_overload(self, key: ConversationKey, envelope: Envelope) -> Sequence[bytes]:
        return []


async def test_stale_owner_cannot_commit_after_its_lease_was_taken_over(
    redis_client: aioredis.Redis, config: RuntimeConfig
) -> None:
    stale_handler = Stalling()
    stale = Runtime(redis_client, config, stale_handler, process_id="stale")
    lease = f"{config.key_prefix}lease:{{{KEY.tag}}}"
    outbox = f"{config.key_prefix}outbox:{{{KEY.tag}}}"
    async with running(stale):
        await stale.record([Envelope(KEY, "m1", b"a")])
        await stale_handler.started.wait()
        assert (await redis_client.get(lease)).startswith(b"stale:")
        # The lease lapses (as after a long pause) and another process takes the conversation.
        await redis_client.delete(lease)
        fresh = Runtime(redis_client, config, Stalling(stall=False), process_id="fresh")
        async with running(fresh):
            await wait_for(lambda: fresh.stats().get("processed", 0) >= 1, what="takeover")
            assert (await redis_client.get(lease) or b"").startswith(b"fresh:")
            stale_handler.release.set()
            await wait_for(lambda: stale.stats()["active_actors"] == 0, what="stale actor stops")
    assert processed_ids(await stale.read_session(KEY)) == ["m1"]
    assert await redis_client.lrange(outbox, 0, -1) == [b"reply:a"]
    assert stale.stats().get("processed", 0) == 0


async def test_commit_with_a_superseded_token_raises_lease_lost(
    redis_client: aioredis.Redis, config: RuntimeConfig
) -> None:
    runtime = Runtime(redis_client, config, Stalling(stall=False), process_id="p")
    lease = f"{config.key_prefix}lease:{{{KEY.tag}}}"
    await redis_client.set(lease, b"other:7")
    with pytest.raises(LeaseLost):
        await runtime.store.commit(
            KEY, "p:6", expected_version=0, session=b"x", session_ttl=10.0, replies=[b"r"]
        )
    assert await runtime.read_session(KEY) is None
    assert await redis_client.llen(f"{config.key_prefix}outbox:{{{KEY.tag}}}") == 0
