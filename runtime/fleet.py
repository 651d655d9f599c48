"""How the processes of the fleet coordinate through Redis: pokes received over per-process
pub/sub (the record script publishes them), claims of unowned conversations, the sweeper that
resumes work whose owner died, and batched lease renewal."""

from __future__ import annotations

import hashlib
import logging
import time
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

import anyio
import redis.asyncio as aioredis
from anyio.abc import TaskStatus
from redis.exceptions import RedisError

from runtime.batcher import Batcher, Command
from runtime.config import RuntimeConfig
from runtime.contracts import ConversationKey
from runtime.inbox import FENCE_TTL_SECONDS
from runtime.keys import Keys, decode_member, encode_member
from runtime.scripts import Scripts

if TYPE_CHECKING:
    from runtime.host import Runtime

log = logging.getLogger(__name__)

_SWEEP_BATCH = 1000
_CHUNK = 64  # commands per batcher call: large pipelines stall the event loop


class Fleet:
    def __init__(
        self,
        host: Runtime,
        redis: aioredis.Redis,
        scripts: Scripts,
        keys: Keys,
        config: RuntimeConfig,
        batcher: Batcher,
    ) -> None:
        self._host = host
        self._batcher = batcher
        self._redis = redis
        self._scripts = scripts
        self._keys = keys
        self._config = config
        self._claims: set[ConversationKey] = set()
        self._wake: anyio.Event | None = None

    # -- claims asked for by record() and the listener, made by dispatch() in batches ----------

    def request_claim(self, key: ConversationKey) -> None:
        self._claims.add(key)
        if self._wake is not None:
            self._wake.set()

    async def dispatch(self) -> None:
        while True:
            self._wake = anyio.Event()
            if not self._claims:
                await self._wake.wait()
            claims, self._claims = self._claims, set()
            try:
                await self.claim(claims)
            except (RedisError, OSError):
                log.exception("claims failed; the sweeper covers these conversations")

    async def claim(self, keys: Iterable[ConversationKey]) -> list[tuple[ConversationKey, int]]:
        """Claim conversations not active here; activate those we got. Returns the others with
        how long (ms) their current lease still runs."""
        wanted = [key for key in keys if self._host.local_actor(key) is None]
        if not wanted or not self._host.accepting:
            return []
        replies: list[Any] = []
        for at in range(0, len(wanted), _CHUNK):
            commands: list[Command] = []
            for key in wanted[at : at + _CHUNK]:
                k = self._keys.of(key)
                commands.append(
                    (
                        "EVALSHA",
                        self._scripts.claim.sha,
                        2,
                        k.lease,
                        k.fence,
                        self._host.process_id,
                        int(self._config.lease_ttl * 1000),
                        FENCE_TTL_SECONDS,
                        self._host.incarnation,
                    )
                )
            replies.extend(await self._batcher.call(*commands))
        held = []
        for key, (claimed, lease, ttl_ms) in zip(wanted, replies, strict=True):
            if claimed == 1 and self._host.local_actor(key) is None:
                self._host.activate(key, lease.decode())
            elif claimed != 1:
                held.append((key, int(ttl_ms)))
        return held

    # -- pokes addressed to this process ---------------------------------------------------------

    async def listen(self, *, task_status: TaskStatus[None] = anyio.TASK_STATUS_IGNORED) -> None:
        channel = self._keys.pokes(self._host.process_id)
        started = False
        while True:
            pubsub = self._redis.pubsub()
            try:
                await pubsub.subscribe(channel)
                if not started:
                    started = True
                    task_status.started()
                else:
                    # Pokes may have been lost while we were away: let every actor look.
                    for actor in self._host.actors():
                        actor.poke()
                while True:
                    message = await pubsub.get_message(ignore_subscribe_messages=True, timeout=1.0)
                    if message is not None:
                        self._poked(decode_member(bytes(message["data"])))
            except (RedisError, OSError):
                # Pokes are only a shortcut: the sweeper finds the work without them.
                log.exception("poke listener lost Redis; resubscribing")
                await anyio.sleep(0.5)
            finally:
                with anyio.CancelScope(shield=True):
                    await pubsub.aclose()  # type: ignore[no-untyped-call]

    def _poked(self, key: ConversationKey) -> None:
        actor = self._host.local_actor(key)
        if actor is not None:
            actor.poke()
        elif self._host.accepting:
            self.request_claim(key)

    # -- recovery and upkeep ---------------------------------------------------------------------

    async def sweep(self) -> None:
        """Look at conversations marked pending whose look-again time has come: wake local
        actors (a lost poke), claim unowned ones (a dead owner), look again when a live
        owner's lease would lapse."""
        while True:
            full = False
            try:
                full = await self._sweep_once()
            except (RedisError, OSError):
                log.exception("sweep failed")
            if not full:
                await anyio.sleep(self._config.sweep_interval)

    async def _sweep_once(self) -> bool:
        now = time.time()
        async with self._redis.pipeline(transaction=False) as pipe:
            pipe.zrangebyscore(
                self._keys.pending, "-inf", now, start=0, num=_SWEEP_BATCH, withscores=True
            )
            pipe.zrangebyscore(self._keys.hosts, now - 3 * self._config.lease_ttl, "+inf")
            due, hosts = await pipe.execute()
        if not due:
            return False
        live = {_text(h) for h in hosts} | {self._host.process_id}
        overdue = now - 2 * self._config.sweep_interval
        later: dict[bytes, float] = {}
        mine = []
        for member, score in due:
            key = decode_member(member)
            actor = self._host.local_actor(key)
            if actor is not None:
                actor.poke()  # in case a poke was lost
                later[encode_member(key)] = now + self._config.lease_ttl
            elif score <= overdue or _preferred(live, member) == self._host.process_id:
                # Rendezvous hashing spreads orphaned conversations over the live hosts; once
                # overdue, anyone takes them (the preferred host may have just died).
                mine.append(key)
        for key, ttl_ms in await self.claim(mine):
            later[encode_member(key)] = now + max(ttl_ms, 0) / 1000
        if later:
            # XX: never re-mark a conversation an actor has just unmarked on deactivation.
            await self._redis.zadd(self._keys.pending, later, xx=True)
        return len(due) == _SWEEP_BATCH and bool(later)

    async def heartbeat(self) -> None:
        await self._redis.zadd(self._keys.hosts, {self._host.process_id: time.time()})

    async def leave(self) -> None:
        await self._redis.zrem(self._keys.hosts, self._host.process_id)

    async def renew(self) -> None:
        """Every third of a lease: heartbeat, and extend every local lease in one pipeline."""
        while True:
            await anyio.sleep(self._config.lease_ttl / 3)
            try:
                await self._renew_once()
            except (RedisError, OSError):
                log.exception("lease renewal failed")

    async def _renew_once(self) -> None:
        # A function of its own so no list of actors outlives a round (memory follows actors).
        actors = [actor for actor in self._host.actors() if not actor.lease_lost]
        now = time.time()
        await self._redis.zadd(self._keys.hosts, {self._host.process_id: now})
        ttl_ms = int(self._config.lease_ttl * 1000)
        look_again = now + self._config.lease_ttl
        # In small chunks through the shared pipelines: one huge pipeline would stall the event
        # loop (and every webhook's record) while it is packed and parsed.
        for at in range(0, len(actors), _CHUNK):
            chunk = actors[at : at + _CHUNK]
            # Owned conversations are not the sweepers' business until the lease could lapse;
            # XX keeps unmarked (deactivated) ones unmarked.
            marks = [x for actor in chunk for x in (look_again, encode_member(actor.key))]
            commands: list[Command] = [("ZADD", self._keys.pending, "XX", *marks)]
            for actor in chunk:
                lease = self._keys.of(actor.key).lease
                commands.append(("EVALSHA", self._scripts.renew.sha, 1, lease, actor.token, ttl_ms))
            renewed = await self._batcher.call(*commands)
            for actor, ok in zip(chunk, renewed[1:], strict=True):
                if not ok:
                    actor.lose()


def _preferred(hosts: Iterable[str], member: bytes) -> str:
    return max(
        hosts, key=lambda host: hashlib.blake2b(host.encode() + member, digest_size=8).digest()
    )


def _text(value: bytes | str) -> str:
    return value.decode() if isinstance(value, bytes) else value
