"""The batcher: calls of many tasks share pipelines, and idle lanes all pick up new work (a
blocked call on one lane does not hold up the next). Ordering is shown with blocking commands
and events on a Redis of the test's own, not with wall-clock bounds."""

from __future__ import annotations

import anyio
import redis.asyncio as aioredis
from anyio.abc import TaskGroup

from runtime.batcher import Batcher
from runtime.config import RuntimeConfig
from runtime.contracts import ConversationKey, Envelope
from runtime.host import Runtime
from runtime.scripts import Scripts, load_scripts
from tests.private_redis import private_redis
from tests.runtime.handlers import AppendingHandler
from tests.runtime.running import running, wait_for


async def _serving(batcher: Batcher, group: TaskGroup) -> None:
    group.start_soon(batcher.run)
    for _ in range(10):  # run() marks itself running before its first await
        await anyio.lowlevel.checkpoint()
    assert batcher._running  # calls now go through the lanes, not out on their own


async def _until_blocked(redis: aioredis.Redis, clients: int) -> None:
    """Wait until `clients` connections sit in a blocking command (a Redis of the test's own,
    so nobody else's are counted)."""
    with anyio.fail_after(10):
        while (await redis.info("clients"))["blocked_clients"] < clients:  # noqa: ASYNC110
            await anyio.sleep(0.01)


async def test_a_blocked_call_on_one_lane_does_not_hold_up_the_next() -> None:
    async with private_redis() as own:
        batcher = Batcher(own, Scripts.read(), lanes=4)
        popped = anyio.Event()

        async def blocking_pop() -> None:
            await batcher.call(("BLPOP", "a", 0))  # blocks its lane until "a" gets an item
            popped.set()

        async with anyio.create_task_group() as group:
            await _serving(batcher, group)
            group.start_soon(blocking_pop)
            await _until_blocked(own, 1)
            with anyio.fail_after(10):
                await batcher.call(("SET", "b", 1))
            assert not popped.is_set()  # served beside the blocked lane, not after it
            await own.rpush("a", "x")
            with anyio.fail_after(10):
                await popped.wait()
            group.cancel_scope.cancel()


async def test_a_caller_that_gave_up_waiting_leaves_the_lanes_serving() -> None:
    # A caller cancelled while its pipeline is in flight (its turn timed out, its webhook
    # delivery was dropped) stops waiting; its commands still went out. When the reply comes,
    # the lane skips the abandoned call and serves the next one (on one lane: were the lane
    # to fail on it, the next call would never be answered).
    async with private_redis() as own:
        batcher = Batcher(own, Scripts.read(), lanes=1)
        async with anyio.create_task_group() as group:
            await _serving(batcher, group)
            with anyio.move_on_after(0.2) as gave_up:
                await batcher.call(("BLPOP", "a", 0), ("SET", "after", 1))
            assert gave_up.cancelled_caught
            await own.rpush("a", "x")
            with anyio.fail_after(10):
                assert await batcher.call(("GET", "after")) == [b"1"]
                assert await batcher.call(("LLEN", "a"), urgent=True) == [0]
            group.cancel_scope.cancel()


async def test_many_concurrent_calls_get_their_own_replies(
    redis_client: aioredis.Redis, key_prefix: str
) -> None:
    batcher = Batcher(redis_client, Scripts.read(), lanes=2)
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


async def test_an_urgent_call_does_not_wait_for_lanes_busy_with_other_calls() -> None:
    async with private_redis() as own:
        batcher = Batcher(own, Scripts.read(), lanes=2)
        normal_done = anyio.Event()

        async def normal() -> None:
            await batcher.call(("PING",))
            normal_done.set()

        async with anyio.create_task_group() as group:
            await _serving(batcher, group)
            for blocked, name in enumerate(("a", "b"), start=1):  # one blocking call per lane
                group.start_soon(batcher.call, ("BLPOP", name, 0))
                await _until_blocked(own, blocked)
            group.start_soon(normal)
            with anyio.fail_after(10):  # its own lane: no wait for the blocked ones
                await batcher.call(("PING",), urgent=True)
            assert not normal_done.is_set()  # the actors' queue waits for a lane, as before
            await own.rpush("a", "x")
            await own.rpush("b", "x")
            with anyio.fail_after(10):
                await normal_done.wait()
            group.cancel_scope.cancel()


def _fetch_of_a_lost_lease(scripts: Scripts, prefix: str) -> tuple[object, ...]:
    # fetch.lua answers {-1} when the lease is not held: harmless to run on any Redis.
    keys = (f"{prefix}lease", f"{prefix}inbox", f"{prefix}attempts")
    return ("EVALSHA", scripts.fetch.sha, len(keys), *keys, "token", 10, 60)


async def test_a_call_meeting_noscript_reloads_the_scripts_and_retries_once() -> None:
    # SCRIPT FLUSH on a Redis of the test's own: what a restarted Redis looks like.
    async with private_redis() as own:
        scripts = Scripts.read()
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
