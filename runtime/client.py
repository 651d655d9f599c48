"""The Redis client the whole service shares: a plain `redis.asyncio.Redis` for one server, or
`RedisCluster` (REDIS_CLUSTER=true: the URL is a seed node) for Redis Cluster, Valkey or a
managed cluster. Everything else takes `RedisClient` and works on either."""

from __future__ import annotations

import asyncio
from collections.abc import Iterable, Sequence
from typing import Any

import hiredis
import redis.asyncio as aioredis
from redis.asyncio.client import Pipeline
from redis.asyncio.cluster import ClusterPipeline, RedisCluster
from redis.asyncio.connection import AbstractConnection
from redis.exceptions import DataError, RedisError, ResponseError
from redis.exceptions import TimeoutError as RedisTimeoutError

from runtime.contracts import Command

RedisClient = aioredis.Redis | RedisCluster
RedisPipeline = Pipeline | ClusterPipeline


# redis-py's cluster client fails a command past its per-node connection cap instead of
# waiting for a free connection, so the cap is only a safety net; the batchers bound the
# runtime's concurrency, and connections open lazily and are reused.
CLUSTER_MAX_CONNECTIONS = 10_000


def connect(url: str, *, cluster: bool = False, max_connections: int = 64) -> RedisClient:
    """A client for `url`; call `ready` before using it from many tasks at once. Standalone
    uses a blocking pool, so a burst waits for a free connection instead of failing with "Too
    many connections" (a 503 at the webhook)."""
    if cluster:
        # A failover moves slots to a replica; the client follows MOVED and refreshes its map.
        return RedisCluster.from_url(
            url, max_connections=max(max_connections, CLUSTER_MAX_CONNECTIONS)
        )
    pool = aioredis.BlockingConnectionPool.from_url(url, max_connections=max_connections, timeout=5)
    # Whatever transport the URL chose (TCP, TLS, a Unix socket), with commands packed in C.
    pool.connection_class = _packing_in_c(pool.connection_class)
    return aioredis.Redis(connection_pool=pool)


def pack(args: tuple[Any, ...]) -> bytes:
    """One command in the Redis protocol, packed by hiredis: what redis-py's synchronous client
    does when hiredis is installed (`redis.connection.HiredisRespSerializer`), same bytes as its
    Python packer, same DataError for a value that is no str, bytes, int or float."""
    name = args[0]
    if (" " in name) if isinstance(name, str) else (b" " in name):  # "CONFIG GET": two words
        words = name.encode().split() if isinstance(name, str) else name.split()
        args = (*words, *args[1:])
    try:
        packed: bytes = hiredis.pack_command(args)
        return packed
    except TypeError:
        pass  # a bytearray or memoryview (taken as bytes), or a value Redis cannot hold
    try:
        as_bytes = tuple(bytes(a) if isinstance(a, bytearray | memoryview) else a for a in args)
        packed = hiredis.pack_command(as_bytes)  # type: ignore[arg-type]  # stub: 1-tuples only
        return packed
    except TypeError as exc:
        raise DataError(str(exc)) from exc


class _PackedInC:
    """redis.asyncio packs every command in Python, argument by argument (its synchronous
    client uses hiredis): at thousands of commands a second that is a large share of the
    process's CPU. A whole pipeline becomes one bytes object here."""

    def pack_command(self, *args: Any) -> list[bytes]:
        return [pack(args)]

    def pack_commands(self, commands: Iterable[Iterable[Any]]) -> list[bytes]:
        return [b"".join([pack(tuple(command)) for command in commands])]


_PACKING_IN_C: dict[type[AbstractConnection], type[AbstractConnection]] = {}


def _packing_in_c(connection_class: type[AbstractConnection]) -> type[AbstractConnection]:
    packing = _PACKING_IN_C.get(connection_class)
    if packing is None:
        name = f"PackedInC{connection_class.__name__}"
        packing = _PACKING_IN_C[connection_class] = type(name, (_PackedInC, connection_class), {})
    return packing


async def run_commands(redis: aioredis.Redis, commands: Sequence[Command]) -> list[Any]:
    """What `pipeline(transaction=False)` + `execute(raise_on_error=False)` returns, the
    replies in order with an error reply in place as its ResponseError, for a fraction of its
    cost: one pooled connection, one packed write, one read per reply and redis-py's reply
    callbacks, without the pipeline's command stack, options and per-command wrappers (the
    batcher runs thousands of these a second). One server only; a cluster routes by slot."""
    pool = redis.connection_pool
    connection = await pool.get_connection()  # type: ignore[no-untyped-call]
    try:
        return await run_on(redis, connection, commands)
    finally:
        await pool.release(connection)


def own_connection(redis: aioredis.Redis) -> tuple[AbstractConnection, float | None]:
    """A connection of `redis`'s kind (address, TLS, packing in C) outside its pool, for one
    task's sequential pipelines: a batcher lane keeps one for its life instead of taking one
    from the pool per pipeline (redis-py's pool checks, locks and counts on every take). It
    connects on first use, and again after a failure dropped it; `disconnect` it when done.

    With it comes the client's socket timeout (REDIS_URL's `socket_timeout`, 5 s by default),
    which the connection itself no longer applies: redis-py would spend a timer on every reply
    read and a task (`asyncio.wait_for`) on every write, dozens per pipeline; pass it to
    `run_on`, which puts one deadline on the whole pipeline instead."""
    pool = redis.connection_pool
    timeout: float | None = pool.connection_kwargs.get("socket_timeout")
    kwargs = {**pool.connection_kwargs, "socket_timeout": None}
    connection: AbstractConnection = pool.connection_class(**kwargs)
    return connection, timeout


async def run_on(
    redis: aioredis.Redis,
    connection: AbstractConnection,
    commands: Sequence[Command],
    within: float | None = None,
) -> list[Any]:
    """`run_commands` on a connection the caller holds (`own_connection`). `within`: seconds
    for the whole exchange (connecting if need be, the write, every reply), past which the
    connection is dropped and redis-py's TimeoutError raised, as its own per-read timeout
    does."""
    try:
        if within is None:
            return await _exchange(redis, connection, commands)
        try:
            async with asyncio.timeout(within):
                return await _exchange(redis, connection, commands)
        except TimeoutError:
            raise RedisTimeoutError(f"Redis did not answer within {within:g} s") from None
    except BaseException:
        # Replies may be left unread (a callback that raised, a cancelled read, a deadline):
        # the connection's next user must not read them. redis-py drops it too on a failed read.
        await connection.disconnect(nowait=True)
        raise


async def _exchange(
    redis: aioredis.Redis, connection: AbstractConnection, commands: Sequence[Command]
) -> list[Any]:
    await connection.send_packed_command(connection.pack_commands(commands))
    callbacks = redis.response_callbacks
    replies: list[Any] = []
    for command in commands:
        try:
            reply = await connection.read_response()
        except ResponseError as error:
            replies.append(error)
            continue
        callback = callbacks.get(command[0])
        replies.append(reply if callback is None else callback(reply))
    return replies


async def ready(redis: RedisClient) -> None:
    """Learn the cluster's slot map now: commands racing the first, lazy discovery may run on
    connections it replaces (redis-py then fails them). No-op for one server."""
    if isinstance(redis, RedisCluster):
        await redis.initialize()


def is_cluster(redis: RedisClient) -> bool:
    return isinstance(redis, RedisCluster)


def decodes_responses(redis: RedisClient) -> bool:
    return bool(redis.get_encoder().decode_responses)


async def cluster_state(redis: RedisClient) -> dict[str, Any]:
    """What /readyz reports: for a cluster its `cluster_state`, slots and known nodes (any
    state but "ok" means some slots cannot be served); for one server just that it answers.
    Raises RedisError/OSError when Redis does not answer."""
    if not isinstance(redis, RedisCluster):
        await redis.ping()
        return {"mode": "standalone", "state": "ok"}
    info = await redis.cluster_info(target_nodes=RedisCluster.RANDOM)
    fields = {_text(k): _text(v) for k, v in dict(info).items()}
    state = fields.get("cluster_state", "unknown")
    if state != "ok":
        raise ClusterNotReady(f"cluster_state:{state}")
    return {
        "mode": "cluster",
        "state": state,
        "slots_ok": int(fields.get("cluster_slots_ok", 0)),
        "known_nodes": int(fields.get("cluster_known_nodes", 0)),
        "masters": len(redis.get_primaries()),
    }


class ClusterNotReady(RedisError):
    """The cluster answers but cannot serve every slot (a master down, failover pending)."""


def _text(value: object) -> str:
    return value.decode() if isinstance(value, bytes) else str(value)
