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

from runtime.batcher import Batcher, Command
from runtime.config import RuntimeConfig
from runtime.contracts import Hosted
from runtime.keys import Keys, encode_member, shard_of
from runtime.scripts import Scripts

log = logging.getLogger(__name__)

CHUNK = 64  # commands per batcher call: large pipelines stall the event loop


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
        actors.sort(key=lambda actor: shard_of(encode_member(actor.key)))
        now, started = time.time(), time.monotonic()
        # A lease extended within this window still has half of it left at the next round:
        # ownership rests on the heartbeat (crash takeover), the lease only needs not to lapse.
        fresh = started - (self._config.lease_ttl / 2 - self._renew_interval)
        # Due soon after the owner could be dead (crash takeover).
        look_again = now + self._takeover_horizon
        # In small chunks through the shared pipelines: one huge pipeline would stall the event
        # loop (and every webhook's record) while it is packed and parsed. All chunks at once:
        # one after the other, a round would wait in the batcher's queue once per chunk, and
        # under a backlog of work the round would outlast the leases it renews.
        async with anyio.create_task_group() as chunks:
            for at in range(0, len(actors), CHUNK):
                chunk = actors[at : at + CHUNK]
                due = [actor for actor in chunk if actor.lease_extended <= fresh]
                chunks.start_soon(self._renew_chunk, chunk, due, look_again, started)

    async def _renew_chunk(
        self, chunk: Sequence[Hosted], due: Sequence[Hosted], look_again: float, started: float
    ) -> None:
        # Owned conversations are not the sweepers' business until the lease could lapse;
        # XX keeps unmarked (deactivated) ones unmarked.
        by_shard: dict[str, list[Any]] = {}
        for actor in chunk:
            marks = by_shard.setdefault(self._keys.pending(actor.key), [])
            marks.extend((look_again, encode_member(actor.key)))
        commands: list[Command] = [
            ("ZADD", shard, "XX", *marks) for shard, marks in by_shard.items()
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
