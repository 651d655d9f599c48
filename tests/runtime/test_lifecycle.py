"""The runtime's one lifecycle (runtime/lifecycle.py): stopped -> starting -> running ->
draining -> stopped, a start that can be awaited, and no move the diagram does not draw."""

from __future__ import annotations

import anyio
import pytest
import redis.asyncio as aioredis
from redis.exceptions import ConnectionError as RedisConnectionError

from runtime.config import RuntimeConfig
from runtime.contracts import ConversationKey, Envelope
from runtime.host import Runtime
from runtime.lifecycle import Lifecycle, Phase
from tests.runtime.handlers import AppendingHandler, processed_ids
from tests.runtime.running import wait_for

KEY = ConversationKey("15550001", "263770000042")


async def test_the_runtime_runs_once_started_and_drains_its_turn_before_it_stops(
    redis_client: aioredis.Redis, config: RuntimeConfig
) -> None:
    handler = AppendingHandler(delay=0.5)
    runtime = Runtime(redis_client, config, handler)
    assert runtime.phase is Phase.STOPPED and not runtime.accepting
    async with anyio.create_task_group() as group:
        with anyio.fail_after(10):
            await group.start(runtime.run)
        assert runtime.phase is Phase.RUNNING and runtime.accepting  # no polling needed
        await runtime.record([Envelope(KEY, "m1", b"1")])
        await wait_for(lambda: bool(handler.in_flight), what="the turn to start")
        group.start_soon(runtime.stop)
        await wait_for(lambda: runtime.phase is Phase.DRAINING, what="draining")
        assert not runtime.accepting and runtime.stopping
        await wait_for(lambda: runtime.phase is Phase.STOPPED, what="stopped")
    assert processed_ids(await runtime.read_session(KEY)) == ["m1"]  # finished, not cut off


async def test_a_runtime_that_cannot_reach_redis_fails_its_start_instead_of_hanging(
    config: RuntimeConfig,
) -> None:
    unreachable = aioredis.Redis(host="127.0.0.1", port=1)
    runtime = Runtime(unreachable, config, AppendingHandler())
    with anyio.fail_after(10), pytest.raises(ExceptionGroup) as failed:
        async with anyio.create_task_group() as group:
            await group.start(runtime.run)
    assert failed.group_contains(RedisConnectionError)
    assert runtime.phase is Phase.STOPPED
    await runtime.stop()  # not running: returns at once
    await unreachable.aclose()


async def test_a_stop_asked_for_while_starting_drains_as_soon_as_it_runs() -> None:
    lifecycle = Lifecycle()
    lifecycle.begin()
    async with anyio.create_task_group() as group:
        group.start_soon(lifecycle.stop)
        await anyio.wait_all_tasks_blocked()
        assert lifecycle.phase is Phase.STARTING
        lifecycle.host()
        assert lifecycle.phase is Phase.DRAINING and not lifecycle.accepting
        await lifecycle.stop_requested()
        lifecycle.end()  # lets the stop() above return
    assert lifecycle.phase is Phase.STOPPED


def test_only_the_moves_of_the_diagram_are_allowed() -> None:
    lifecycle = Lifecycle()
    with pytest.raises(RuntimeError, match="from stopped to running"):
        lifecycle.host()
    lifecycle.begin()
    with pytest.raises(RuntimeError, match="from starting to starting"):
        lifecycle.begin()
    lifecycle.host()
    lifecycle.end()  # cancelled while running: straight to stopped
    assert lifecycle.phase is Phase.STOPPED and lifecycle.stopping
    lifecycle.begin()  # a runtime may run again
    assert lifecycle.phase is Phase.STARTING
