"""Renewal for the conversations one process hosts: every round pushes their pending marks
ahead (so other processes' sweepers leave them alone while this process's heartbeat is fresh,
and find them within seconds of its death) and extends the leases nothing extended lately. A
commit extends its own lease, so a busy actor needs no renewal; ownership rests on the
heartbeat (crash takeover), the lease only has to not lapse under a live owner."""

from __future__ import annotations

import logging
import time
from collections.abc import Sequence
from typing import Any, Protocol

import anyio
from redis.exceptions import RedisError

from runtime.batcher import Batcher
from runtime.config import RuntimeConfig
from runtime.contracts import Command, Hosted
from runtime.keys import Keys
from runtime.scripts import Scripts

log = logging.getLogger(__name__)

CHUNK = 64  # commands per batcher call: large pipelines stall the event loop
SPREAD_GAP_SECONDS = 0.005  # between a round's chunks at most (a quarter of the interval in all)


class Hosting(Protocol):
    def actors(self) -> Sequence[Hosted]: ...


class Renewer:
    def __init__(
        self,
        host: Hosting,
        scripts: Scripts,
        keys: Keys,
        config: RuntimeConfig,
        batcher: Batcher,
        takeover_horizon: float,
    ) -> None:
        self._host = host
        self._scripts = scripts
        self._keys = keys
        self._config = config
        self._batcher = batcher
        self._takeover_horizon = takeover_horizon

    @property
    def _renew_interval(self) -> float:
        """Pending marks are pushed ahead before they come due (the takeover horizon); a lease
        is extended before half of it is left."""
        return min(self._config.lease_ttl / 3, self._takeover_horizon / 2)

    async def run(self) -> None:
        """Each round: push the pending marks of every local conversation ahead, and extend the
        leases that nothing else extended lately (a commit does), in shared pipelines."""
        while True:
            await anyio.sleep(self._renew_interval)
            try:
                await self._renew_once()
            except (RedisError, OSError):
                log.exception("lease renewal failed")

    async def _renew_once(self) -> None:
        # A function of its own so no list of actors outlives a round (memory follows actors).
        actors = [actor for actor in self._host.actors() if not actor.lease_lost]
        # By pending shard, so a chunk's marks go out as one or two ZADDs, not one per shard.
        actors.sort(key=lambda actor: actor.shard)
        started = time.monotonic()
        # A lease extended within this window still has half of it left at the next round:
        # ownership rests on the heartbeat (crash takeover), the lease only needs not to lapse.
        fresh = started - (self._config.lease_ttl / 2 - self._renew_interval)
        # In small chunks through the shared pipelines, spread over part of the interval: a
        # round for thousands of hosted actors packed and parsed at once would stall the event
        # loop (and every webhook's record waiting behind it) for tens of milliseconds. Each
        # chunk starts on its own schedule rather than after the one before it, so under a
        # backlog of work a round still ends within the interval, before the leases it renews.
        chunks = range(0, len(actors), CHUNK)
        gap = min(SPREAD_GAP_SECONDS, self._renew_interval / 4 / max(len(chunks), 1))
        async with anyio.create_task_group() as group:
            for n, at in enumerate(chunks):
                if n:
                    await anyio.sleep(max(0.0, started + n * gap - time.monotonic()))
                chunk = actors[at : at + CHUNK]
                due = [actor for actor in chunk if actor.lease_extended <= fresh]
                group.start_soon(self._renew_chunk, chunk, due, started)

    async def _renew_chunk(
        self, chunk: Sequence[Hosted], due: Sequence[Hosted], started: float
    ) -> None:
        # Owned conversations are not the sweepers' business until the lease could lapse;
        # XX keeps unmarked (deactivated) ones unmarked. Due soon after the owner could be
        # dead (crash takeover), counted from when this chunk goes out.
        look_again = time.time() + self._takeover_horizon
        by_shard: dict[int, list[Any]] = {}
        for actor in chunk:
            by_shard.setdefault(actor.shard, []).extend((look_again, actor.member))
        commands: list[Command] = [
            ("ZADD", self._keys.pending_shard(shard), "XX", *marks)
            for shard, marks in by_shard.items()
        ]
        ttl_ms = int(self._config.lease_ttl * 1000)
        for actor in due:
            lease = self._keys.of(actor.key).lease
            commands.append(("EVALSHA", self._scripts.renew.sha, 1, lease, actor.token, ttl_ms))
        try:
            renewed = await self._batcher.call(*commands)
        except (RedisError, OSError):
            log.exception("lease renewal failed")
            return
        for actor, ok in zip(due, renewed[len(by_shard) :], strict=True):
            if ok:
                actor.lease_extended = max(actor.lease_extended, started)
            else:
                actor.lose()
