"""Commands packed in C (runtime.client.pack) are the bytes redis-py's own packer writes, and a
client from `connect` talks to a real Redis with them."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from redis.asyncio.connection import Connection
from redis.exceptions import DataError

from runtime.client import connect, pack
from tests.redis_server import cluster_mode

_PYTHON = Connection()  # never connected: only its pure-Python packer is used
_ARGS = st.one_of(
    st.text(),
    st.binary(),
    st.integers(min_value=-(2**80), max_value=2**80),
    st.floats(allow_nan=False),
)


@given(st.sampled_from(["SET", "EVALSHA", "ZADD", b"XADD", "CONFIG GET"]), st.lists(_ARGS))
def test_a_command_packs_to_the_bytes_redis_pys_python_packer_writes(
    name: str | bytes, args: list[Any]
) -> None:
    assert pack((name, *args)) == b"".join(_PYTHON.pack_command(name, *args))


def test_a_bytearray_or_memoryview_is_packed_as_its_bytes() -> None:
    for value in (bytearray(b"v\x00"), memoryview(b"v\x00")):
        assert pack(("SET", "k", value)) == b"".join(_PYTHON.pack_command("SET", "k", value))


@pytest.mark.parametrize("value", [True, None, object()])
def test_a_value_redis_cannot_store_is_refused_as_redis_py_refuses_it(value: object) -> None:
    with pytest.raises(DataError):
        _PYTHON.pack_command("SET", "k", value)
    with pytest.raises(DataError):
        pack(("SET", "k", value))


async def test_a_connected_client_runs_commands_and_pipelines(
    redis_url: str, key_prefix: str
) -> None:
    if cluster_mode():
        pytest.skip("connect(cluster=True) is redis-py's cluster client, packing in Python")
    redis = connect(redis_url)
    key = f"{key_prefix}packed"
    try:
        assert await redis.set(key, "ünï", ex=60)
        async with redis.pipeline(transaction=False) as pipe:
            pipe.get(key)
            pipe.eval("return ARGV[1]", 0, 1.5)
            pipe.delete(key)
            assert await pipe.execute() == ["ünï".encode(), b"1.5", 1]
    finally:
        await redis.aclose()
