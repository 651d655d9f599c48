"""The batcher: calls of many tasks share pipelines, and idle lanes all pick up new work (a
slow call on one lane does not hold up the next)."""

from __future__ import annotations

import time

import anyio
import redis.asyncio as aioredis

from runtime.batcher import Batcher
from runtime.config import RuntimeConfig
from runtime.contracts import ConversationKey, Envelope
from runtime.host import Runtime
from runtime.scripts import Scripts, load_scripts
from tests.private_redis import private_redis
from tests.runtime.handlers import AppendingHandler
from tests.runtime.running import running, wait_for


async def test_a_slow_call_on_one_lane_does_not_hold_up_the_next(
    redis_client: aioredis.Redis, key_prefix: str
) -> None:
    batcher = Batcher(redis_client, Scripts.register(redis_client), lanes=4)
    finished: list[float] = []

    async def blocking_pop(name: str) -> None:
        await batcher.call(("BLPOP", f"{key_prefix}{name}", 0.5))
        finished.append(time.monotonic())

    async with anyio.create_task_group() as group:
        group.start_soon(batcher.run)
        await anyio.sleep(0.05)  # lanes idle
        started = time.monotonic()
        async with anyio.create_task_group() as calls:
            calls.start_soon(blocking_pop, "a")
            await anyio.sleep(0.05)  # 'a' is on a lane, blocking it for 0.5 s
            calls.start_soon(blocking_pop, "b")
        group.cancel_scope.cancel()
    assert max(finished) - started < 0.85  # in parallel, not 1.0 s one after the other


async def test_many_concurrent_calls_get_their_own_replies(
    redis_client: aioredis.Redis, key_prefix: str
) -> None:
    batcher = Batcher(redis_client, Scripts.register(redis_client), lanes=2)
    replies: dict[int, list[object]] = {}

    async def call(n: int) -> None:
        key = f"{key_prefix}n:{n}"
        replies[n] = await batcher.call(("SET", key, n), ("INCRBY", key, n), ("GET", key))

    async with anyio.create_task_group() as group:
        group.start_soon(batcher.run)
        async with anyio.create_task_group() as calls:
            for n in range(300):
                calls.start_soon(call, n)
        group.cancel_scope.cancel()
    assert all(replies[n] == [True, 2 * n, str(2 * n).encode()] for n in range(300))


async def test_an_urgent_call_does_not_wait_for_lanes_busy_with_other_calls(
    redis_client: aioredis.Redis, key_prefix: str
) -> None:
    batcher = Batcher(redis_client, Scripts.register(redis_client), lanes=2)
    took: dict[str, float] = {}

    async def blocking_pop(name: str) -> None:
        await batcher.call(("BLPOP", f"{key_prefix}{name}", 1.0))

    async def ping(name: str, urgent: bool) -> None:
        began = time.monotonic()
        await batcher.call(("PING",), urgent=urgent)
        took[name] = time.monotonic() - began

    async with anyio.create_task_group() as group:
        group.start_soon(batcher.run)
        await anyio.sleep(0.05)
        async with anyio.create_task_group() as calls:
            for name in ("a", "b"):  # one blocking call per lane
                calls.start_soon(blocking_pop, name)
                await anyio.sleep(0.05)
            calls.start_soon(ping, "normal", False)
            calls.start_soon(ping, "urgent", True)
        group.cancel_scope.cancel()
    assert took["urgent"] < 0.3  # its own lane: no wait for a blocked one
    assert took["normal"] > 0.8  # the actors' queue waited, as before


def _fetch_of_a_lost_lease(scripts: Scripts, prefix: str) -> tuple[object, ...]:
    # fetch.lua answers {-1} when the lease is not held: harmless to run on any Redis.
    keys = (f"{prefix}lease", f"{prefix}inbox", f"{prefix}attempts")
    return ("EVALSHA", scripts.fetch.sha, len(keys), *keys, "token", 10, 60)


async def test_a_call_meeting_noscript_reloads_the_scripts_and_retries_once() -> None:
    # SCRIPT FLUSH on a Redis of the test's own: what a restarted Redis looks like.
    async with private_redis() as own:
        scripts = Scripts.register(own)
        batcher = Batcher(own, scripts, lanes=2)
        await load_scripts(own, scripts)
        async with anyio.create_task_group() as group:
            group.start_soon(batcher.run)
            for urgent in (False, True):
                await own.script_flush()
                assert await own.script_exists(scripts.fetch.sha) == [False]
                assert await batcher.call(_fetch_of_a_lost_lease(scripts, "p:"), urgent=urgent) == [
                    [-1]
                ]
                assert await own.script_exists(scripts.fetch.sha) == [True]
            group.cancel_scope.cancel()
        # Not running: the call goes out on its own, with the same reload.
        await own.script_flush()
        assert await batcher.call(_fetch_of_a_lost_lease(scripts, "p:")) == [[-1]]


async def test_the_runtime_records_and_processes_after_redis_lost_its_scripts(
    key_prefix: str,
) -> None:
    async with private_redis() as own:
        config = RuntimeConfig(key_prefix=key_prefix, rate_limit_per_minute=100_000)
        handler = AppendingHandler()
        runtime = Runtime(own, config, handler)
        key = ConversationKey("15550001", "263770000009")
        async with running(runtime):
            assert await runtime.record([Envelope(key, "m1", b"1")]) == [True]
            await wait_for(lambda: handler.calls == 1, what="the first message")
            await own.script_flush()
            assert await runtime.record([Envelope(key, "m2", b"2")]) == [True]
            await wait_for(lambda: handler.calls == 2, what="the message after the flush")
            assert await runtime.record([Envelope(key, "m2", b"2")]) == [False]  # still deduped
