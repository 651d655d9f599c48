"""Durable acknowledgement (REDIS_ACK_REPLICAS): a record counts as kept only once that many
replicas of its master hold it, so losing the master cannot lose an acknowledged message.

WAIT confirms the writes made on *its own connection*, and a Lua script may not call it. So
after the records, each master involved gets a pipeline of a small write into one recorded
conversation's slot and then WAIT, on one connection: a master replicates in order, so a
replica that has the probe has every record written before it."""

from __future__ import annotations

from collections.abc import Iterable

from redis.asyncio.cluster import ClusterNode, RedisCluster

from runtime.client import ClusterNotReady, RedisClient
from runtime.contracts import ConversationKey
from runtime.keys import Keys


async def confirm_replicas(
    redis: RedisClient,
    keys: Keys,
    conversations: Iterable[ConversationKey],
    replicas: int,
    wait_seconds: float,
) -> int:
    """The fewest replicas that confirmed, over every master holding one of `conversations`
    (at most `replicas`: WAIT returns once that many have it, or after `wait_seconds`)."""
    probes = [keys.ack_probe(key) for key in conversations]
    timeout_ms = max(1, int(wait_seconds * 1000))
    if isinstance(redis, RedisCluster):
        by_node: dict[str, tuple[ClusterNode, str]] = {}
        for probe in probes:
            node = redis.get_node_from_key(probe)
            if node is None:
                raise ClusterNotReady(f"no master serves the slot of {probe}")
            by_node.setdefault(node.name, (node, probe))
        async with redis.pipeline(transaction=False) as pipe:
            for node, probe in by_node.values():
                pipe.execute_command("SET", probe, b"1", "PX", 60_000)
                pipe.execute_command("WAIT", replicas, timeout_ms, target_nodes=node)
            results = await pipe.execute()
    else:
        async with redis.pipeline(transaction=False) as pipe:
            pipe.execute_command("SET", probes[0], b"1", "PX", 60_000)
            pipe.execute_command("WAIT", replicas, timeout_ms)
            results = await pipe.execute()
    return min(int(confirmed) for confirmed in results[1::2])
