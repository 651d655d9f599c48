"""runtime.client.run_commands, the batcher's lean path on one Redis server, returns what
redis-py's pipeline returns for the same commands (replies parsed by the same callbacks, an
error reply in place), and a connection is never handed on with a reply left unread."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import anyio
import pytest
import redis.asyncio as aioredis
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import ResponseError
from redis.exceptions import TimeoutError as RedisTimeoutError

from runtime.batcher import Batcher
from runtime.client import connect, run_commands
from tests.redis_server import cluster_mode


@pytest.fixture
async def one_server(redis_url: str) -> AsyncIterator[aioredis.Redis]:
    if cluster_mode():
        pytest.skip("run_commands is the one-server path; a cluster goes through its pipeline")
    redis = connect(redis_url, max_connections=1)  # one connection: a desync would show
    assert isinstance(redis, aioredis.Redis)
    try:
        yield redis
    finally:
        await redis.aclose()


def _commands(prefix: str) -> list[tuple[Any, ...]]:
    return [
        ("SET", f"{prefix}s", "ünï"),
        ("GET", f"{prefix}s"),
        ("ZADD", f"{prefix}z", 1.5, "a", 2, "b"),
        ("ZRANGE", f"{prefix}z", 0, -1, "WITHSCORES"),
        ("ZRANGEBYSCORE", f"{prefix}z", "-inf", 2, "WITHSCORES"),
        ("INCR", f"{prefix}z"),  # WRONGTYPE: an error reply, in place
        ("HSET", f"{prefix}h", "f", 1, "g", 2),
        ("HMGET", f"{prefix}h", "f", "missing"),
        ("XADD", f"{prefix}x", "1-1", "m", "v"),
        ("XRANGE", f"{prefix}x", "-", "+"),
        ("EVAL", "return {ARGV[1], 2}", 0, "x"),
        ("EVALSHA", "0" * 40, 0),  # NOSCRIPT: also an error reply
        ("PEXPIRE", f"{prefix}s", 60_000),
        ("DEL", f"{prefix}s", f"{prefix}z", f"{prefix}h", f"{prefix}x"),
    ]


async def test_the_replies_are_the_pipelines(one_server: aioredis.Redis, key_prefix: str) -> None:
    lean = await run_commands(one_server, _commands(f"{key_prefix}lean:"))
    async with one_server.pipeline(transaction=False) as pipe:
        for command in _commands(f"{key_prefix}pipe:"):
            pipe.execute_command(*command)
        piped = await pipe.execute(raise_on_error=False)
    assert len(lean) == len(piped) == len(_commands(""))
    for ours, theirs in zip(lean, piped, strict=True):
        if isinstance(theirs, ResponseError):
            assert type(ours) is type(theirs)
            assert str(theirs).startswith(str(ours).split(" ")[0])
        else:
            assert ours == theirs
    assert lean[3] == [[b"a", 1.5], [b"b", 2.0]]  # parsed as redis-py parses it
    assert lean[9] == [(b"1-1", {b"m": b"v"})]


async def test_a_reply_a_callback_cannot_parse_leaves_no_unread_reply_behind(
    one_server: aioredis.Redis, key_prefix: str
) -> None:
    def refuses(reply: Any, **options: Any) -> Any:
        raise ValueError("cannot parse")

    one_server.response_callbacks["ECHO"] = refuses
    with pytest.raises(ValueError, match="cannot parse"):
        await run_commands(one_server, [("ECHO", "a"), ("ECHO", "b"), ("ECHO", "c")])
    del one_server.response_callbacks["ECHO"]
    # The pool's only connection was dropped, not handed on with "b" and "c" unread.
    assert await run_commands(one_server, [("PING",), ("ECHO", "next")]) == [True, b"next"]


async def test_a_lane_whose_connection_was_killed_connects_again(
    one_server: aioredis.Redis, redis_url: str, key_prefix: str
) -> None:
    # Each lane keeps its own connection for its life (runtime.client.own_connection): when
    # Redis drops it (a restart, CLIENT KILL), the failing call reports it and the next one
    # connects again instead of the lane being stuck on a dead socket.
    batcher = Batcher(one_server, [], lanes=1)
    admin = aioredis.Redis.from_url(redis_url)
    async with anyio.create_task_group() as group:
        group.start_soon(batcher.run)
        await anyio.sleep(0.05)
        assert await batcher.call(("SET", f"{key_prefix}lane", "1")) == [True]
        killed = await admin.client_kill_filter(_type="normal", skipme=True)
        assert killed >= 1
        for urgent in (False, True):  # the actors' lane and the records' lane
            failures = 0
            for _ in range(3):
                try:
                    assert await batcher.call(("GET", f"{key_prefix}lane"), urgent=urgent) == [b"1"]
                except RedisConnectionError:
                    failures += 1
            assert failures <= 1
        group.cancel_scope.cancel()
    await admin.aclose()


async def test_a_lane_pipeline_redis_does_not_answer_in_time_fails_and_the_next_connects_again(
    redis_url: str, key_prefix: str
) -> None:
    # A lane's connection applies no timeout per read (runtime.client.own_connection): one
    # deadline, REDIS_URL's socket_timeout, bounds the whole pipeline. A pipeline Redis holds
    # past it (here a BLPOP that waits 2 s) fails with redis-py's TimeoutError, as a per-read
    # timeout would, instead of hanging the lane; its connection is dropped, so the late reply
    # is never read as the next pipeline's, and the next call connects again.
    if cluster_mode():
        pytest.skip("the lean path is one server's; a cluster goes through its pipeline")
    redis = connect(f"{redis_url}?socket_timeout=0.3")
    assert isinstance(redis, aioredis.Redis)
    batcher = Batcher(redis, [], lanes=1)
    try:
        async with anyio.create_task_group() as group:
            group.start_soon(batcher.run)
            await anyio.sleep(0.05)
            await batcher.call(("SET", f"{key_prefix}held", "1"))
            started = anyio.current_time()
            with pytest.raises(RedisTimeoutError):
                await batcher.call(("GET", f"{key_prefix}held"), ("BLPOP", f"{key_prefix}q", 2))
            assert anyio.current_time() - started < 1.5
            await redis.rpush(f"{key_prefix}q", "late")  # would answer the dropped BLPOP
            assert await batcher.call(("GET", f"{key_prefix}held")) == [b"1"]
            assert await batcher.call(("LLEN", f"{key_prefix}q")) == [1]
            group.cancel_scope.cancel()
    finally:
        await redis.aclose()
