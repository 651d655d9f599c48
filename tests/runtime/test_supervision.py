"""Never silent, never stuck: a turn that hangs is timed out like a failure, and an entry whose
earlier deliveries never finished (the process died) is dead-lettered instead of retried
forever. The multi-process crash loop (a real SIGKILL) is in test_crash_loop.py."""

from __future__ import annotations

import time

import attrs
import orjson
import redis.asyncio as aioredis

from runtime.config import RuntimeConfig
from runtime.contracts import ConversationKey, Envelope
from runtime.host import Runtime
from tests.runtime.handlers import AppendingHandler, processed_ids
from tests.runtime.running import running, wait_for

KEY = ConversationKey("15550001", "263770000009")


def _key(config: RuntimeConfig, kind: str) -> str:
    return f"{config.key_prefix}{kind}:{{{KEY.tag}}}"


async def _letters(redis: aioredis.Redis, config: RuntimeConfig) -> list[dict[str, str]]:
    return [orjson.loads(x) for x in await redis.lrange(_key(config, "dead"), 0, -1)]


async def test_a_hanging_turn_is_timed_out_dead_lettered_with_an_apology_and_later_ones_proceed(
    redis_client: aioredis.Redis, config: RuntimeConfig
) -> None:
    config = attrs.evolve(config, turn_timeout=0.2)
    handler = AppendingHandler(hang=frozenset({b"hang"}))
    runtime = Runtime(redis_client, config, handler)
    async with running(runtime):
        began = time.monotonic()
        await runtime.record(
            [Envelope(KEY, "m1", b"a"), Envelope(KEY, "m2", b"hang"), Envelope(KEY, "m3", b"c")]
        )
        await wait_for(lambda: runtime.stats().get("processed", 0) >= 2, what="m1 and m3")
        took = time.monotonic() - began
    assert handler.attempts_seen == [1, 2, 3]
    assert took >= 3 * 0.2
    assert processed_ids(await runtime.read_session(KEY)) == ["m1", "m3"]
    letters = await _letters(redis_client, config)
    assert [(x["message_id"], x["reason"]) for x in letters] == [
        ("m2", "TurnTimedOut('no answer within 0.2 s')")
    ]
    replies = await redis_client.lrange(_key(config, "outbox"), 0, -1)
    assert replies == [b"ok:a", b"sorry:hang", b"ok:c"]
    assert runtime.stats()["timeouts"] == 3
    assert runtime.stats()["failures"] == 3


async def test_an_entry_started_max_attempts_times_without_finishing_is_dead_lettered_unhandled(
    redis_client: aioredis.Redis, config: RuntimeConfig
) -> None:
    handler = AppendingHandler()
    runtime = Runtime(redis_client, config, handler)
    await runtime.record([Envelope(KEY, "m1", b"deadly"), Envelope(KEY, "m2", b"b")])
    (first, _), (second, _) = await redis_client.xrange(_key(config, "inbox"))
    # What three processes that died while delivering m1 leave behind (m2 started once).
    await redis_client.hset(_key(config, "attempts"), mapping={first: 3, second: 1})
    async with running(runtime):
        await wait_for(lambda: runtime.stats().get("processed", 0) >= 1, what="m2")
    assert handler.calls == 1  # m1 never reached the handler again
    assert processed_ids(await runtime.read_session(KEY)) == ["m2"]
    letters = await _letters(redis_client, config)
    assert [(x["message_id"], x["reason"]) for x in letters] == [
        ("m1", "crashed the process 3 times")
    ]
    assert await redis_client.lrange(_key(config, "outbox"), 0, -1) == [b"sorry:deadly", b"ok:b"]
    assert runtime.stats()["crash_loops"] == 1
    assert await redis_client.exists(_key(config, "attempts")) == 0


async def test_a_delivery_that_died_once_is_retried_as_attempt_two(
    redis_client: aioredis.Redis, config: RuntimeConfig
) -> None:
    handler = AppendingHandler(poison=frozenset({b"x"}))
    runtime = Runtime(redis_client, config, handler)
    await runtime.record([Envelope(KEY, "m1", b"x")])
    ((first, _),) = await redis_client.xrange(_key(config, "inbox"))
    await redis_client.hset(_key(config, "attempts"), first, 1)
    async with running(runtime):
        await wait_for(lambda: runtime.stats().get("dead_letters", 0) >= 1, what="dead letter")
    # The crash took the first attempt: two handler failures are left before the dead letter.
    assert handler.attempts_seen == [2, 3]


async def test_every_first_start_is_counted_in_redis_and_cleared_on_commit(
    redis_client: aioredis.Redis, config: RuntimeConfig
) -> None:
    seen: list[dict[bytes, bytes]] = []

    @attrs.define
    class Spy(AppendingHandler):
        async def handle(self, ctx, session, envelope):  # type: ignore[no-untyped-def]
            seen.append(await redis_client.hgetall(_key(config, "attempts")))
            return await super().handle(ctx, session, envelope)

    runtime = Runtime(redis_client, config, Spy())
    await runtime.record([Envelope(KEY, f"m{i}", b"x") for i in range(3)])
    ids = [entry_id for entry_id, _ in await redis_client.xrange(_key(config, "inbox"))]
    async with running(runtime):
        await wait_for(lambda: runtime.stats().get("processed", 0) >= 3, what="3 processed")
    # While each turn runs, exactly its own start is on record; a commit clears it.
    assert seen == [{entry_id: b"1"} for entry_id in ids]
    assert await redis_client.exists(_key(config, "attempts")) == 0
