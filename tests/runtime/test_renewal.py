"""Renewal of the conversations one process hosts (runtime/renewal.py), on real Redis: every
pending mark is pushed ahead, only leases nothing extended lately are renewed, a lease that is
no longer ours is lost, and a round goes out chunk by chunk spread over part of the interval
instead of all at once (a round for thousands of actors at once stalled every webhook's ack)."""

from __future__ import annotations

import time
from collections.abc import Sequence
from typing import Any

import anyio
import attrs
import redis.asyncio as aioredis

from runtime.batcher import Batcher
from runtime.config import RuntimeConfig
from runtime.contracts import Command, ConversationKey
from runtime.keys import Keys, encode_member, shard_of
from runtime.renewal import CHUNK, Renewer
from runtime.scripts import Scripts, load_scripts

HORIZON = 3.0


@attrs.define(eq=False)
class _Actor:
    key: ConversationKey
    token: str
    lease_extended: float
    member: bytes = attrs.field(init=False)
    shard: int = attrs.field(init=False)
    lease_lost: bool = False

    def __attrs_post_init__(self) -> None:
        self.member = encode_member(self.key)
        self.shard = shard_of(self.member)

    def poke(self) -> None:
        """Renewal never pokes: it only pushes marks ahead and extends leases."""

    def lose(self) -> None:
        self.lease_lost = True


@attrs.define
class _Host:
    hosted: list[_Actor]

    def actors(self) -> Sequence[_Actor]:
        return self.hosted


class _TimedBatcher(Batcher):
    """A real batcher that notes when each call went out."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.calls: list[float] = []

    async def call(self, *commands: Command, urgent: bool = False) -> list[Any]:
        self.calls.append(time.monotonic())
        return await super().call(*commands, urgent=urgent)


async def test_a_round_renews_what_is_due_pushes_every_mark_and_is_spread_out(
    redis_client: aioredis.Redis, config: RuntimeConfig
) -> None:
    keys, scripts = Keys(config.key_prefix), Scripts.read()
    await load_scripts(redis_client, scripts)
    batcher = _TimedBatcher(redis_client, scripts, lanes=4)
    now = time.monotonic()
    actors = [
        _Actor(ConversationKey("pn", f"u{n}"), f"p:{n}", lease_extended=now - 60)
        for n in range(CHUNK * 10)
    ]
    stolen = actors[1]  # another process holds this lease now
    for actor in actors:
        token = "other:1" if actor is stolen else actor.token
        await redis_client.set(keys.of(actor.key).lease, token, px=5000)
        await redis_client.zadd(keys.pending(actor.key), {actor.member: 1.0})
    for actor in actors[::3]:  # extended just now (a commit): the round leaves these alone
        actor.lease_extended = time.monotonic()
    renewer = Renewer(_Host(actors), scripts, keys, config, batcher, takeover_horizon=HORIZON)

    async with anyio.create_task_group() as group:
        group.start_soon(batcher.run)
        await anyio.sleep(0.05)
        before = time.time()
        with anyio.fail_after(10):
            await renewer._renew_once()
        group.cancel_scope.cancel()

    # Every hosted conversation's mark is pushed ahead by the takeover horizon.
    for actor in actors:
        score = await redis_client.zscore(keys.pending(actor.key), actor.member)
        assert score is not None and score >= before + HORIZON - 0.5, (actor.key, score)
    # Due leases are extended to the full TTL; fresh ones were not touched; a lease that is
    # no longer ours is not extended, and its actor is told it lost it.
    ttl_ms = int(config.lease_ttl * 1000)
    for n, actor in enumerate(actors):
        pttl = await redis_client.pttl(keys.of(actor.key).lease)
        if actor is stolen:
            assert actor.lease_lost and pttl > ttl_ms  # still the other's 5 s
        elif n % 3 == 0:
            assert pttl > ttl_ms, (n, pttl)  # left alone: still the 5 s set above
        else:
            assert pttl <= ttl_ms, (n, pttl)  # renewed to lease_ttl (1 s here)
            assert not actor.lease_lost
    # Ten chunks, each its own call, one after the other on a schedule: the round is spread
    # over time instead of being packed at once (a lower bound only: sleeps guarantee it,
    # while how long a loaded machine takes beyond that is not this test's business).
    interval = min(config.lease_ttl / 3, HORIZON / 2)
    assert len(batcher.calls) == 10
    assert batcher.calls[-1] - batcher.calls[0] > 0.5 * 9 * min(0.005, interval / 4 / 10)
