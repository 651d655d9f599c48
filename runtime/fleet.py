"""How the processes of the fleet coordinate through Redis: pokes received over per-process
pub/sub (the record script publishes them; on a cluster the recorder sends them by sharded
pub/sub, SPUBLISH, so a poke touches one master instead of every node), claims of unowned
conversations, heartbeats, the sweeper that resumes work whose owner died (at once when its
heartbeat stopped: crash takeover), and, for a recorder that hosts no actors (the ingress), the
live hosts it hands new conversations to; the renewal of marks and leases is runtime/renewal.py."""

from __future__ import annotations

import hashlib
import logging
import time
from collections import deque
from collections.abc import Iterable
from typing import Any

import anyio
from anyio.abc import TaskStatus
from redis.asyncio.cluster import ClusterPubSub
from redis.exceptions import RedisError

from runtime.batcher import Batcher
from runtime.client import RedisClient, is_cluster
from runtime.config import RuntimeConfig
from runtime.contracts import Command, ConversationKey, FleetHost
from runtime.inbox import FENCE_TTL_SECONDS
from runtime.keys import SHARDS, Keys, decode_member, encode_member, shard_of
from runtime.renewal import CHUNK, Renewer
from runtime.scripts import Scripts

log = logging.getLogger(__name__)

# Claims admission control turned away, kept to try again (not left to the next sweep: a new
# conversation's pending mark comes due only after the takeover horizon).
MAX_DEFERRED_CLAIMS = 10_000
ADMISSION_RETRY_SECONDS = 0.01
_SWEEP_BATCH = 1000  # conversations looked at per sweep round, over all shards
_SHARD_BATCH = max(1, _SWEEP_BATCH // SHARDS)


class Fleet:
    def __init__(
        self,
        host: FleetHost,
        redis: RedisClient,
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
        # Claims admission control turned away, oldest first (dispatch tries them again).
        self._deferred: deque[ConversationKey] = deque()
        self._pokes: set[tuple[str, ConversationKey]] = set()
        self._wake: anyio.Event | None = None
        # Processes whose heartbeat was seen stopped at the last sweep (pid -> last beat).
        self._dead: dict[str, float] = {}
        self._live: set[str] = set()
        self._renewer = Renewer(host, scripts, keys, config, batcher, self.takeover_horizon)

    # -- claims asked for by record() and the listener, made by dispatch() in batches ----------

    def request_claim(self, key: ConversationKey) -> None:
        self._claims.add(key)
        if self._wake is not None:
            self._wake.set()

    def request_poke(self, owner: str, key: ConversationKey) -> None:
        """Tell the owning process that `key` has new work (cluster mode: SPUBLISH)."""
        self._pokes.add((owner, key))
        if self._wake is not None:
            self._wake.set()

    @property
    def takeover_horizon(self) -> float:
        """How far ahead an owned conversation's pending mark may be set (and a new one's, when
        a live process was told of it)."""
        return min(self._config.lease_ttl, self._config.host_timeout)

    @property
    def live_hosts(self) -> int:
        """How many hosts' heartbeats were live at the last read (`read_hosts`)."""
        return len(self._live)

    def presumed_dead(self, process_id: str) -> bool:
        return process_id in self._dead

    # -- routing, for a recorder that hosts no actors (the ingress) ------------------------------

    def route(self, member: bytes) -> str:
        """The live host a conversation nobody owns (by its `encode_member`) is handed to ('' while
        none is known): rendezvous hashing, as the sweepers spread orphans, so a host that
        joins or leaves moves only its share of the conversations."""
        if not self._live:
            return ""
        return _preferred(self._live, member)

    async def watch_hosts(self) -> None:
        """Keep the live hosts current: read their heartbeats every heartbeat interval."""
        while True:
            try:
                await self.read_hosts()
            except (RedisError, OSError):
                log.exception("reading the live hosts failed")
            await anyio.sleep(self._config.heartbeat_interval)

    async def read_hosts(self) -> None:
        commands: list[Command] = [
            ("ZRANGE", shard, 0, -1, "WITHSCORES") for shard in self._keys.hosts_shards()
        ]
        replies = await self._batcher.call(*commands)
        self._read_hosts(time.time(), [_beat(pair) for shard in replies for pair in shard])

    async def dispatch(self) -> None:
        while True:
            self._wake = anyio.Event()
            if not self._claims and not self._pokes:
                if not self._deferred:
                    await self._wake.wait()
                else:
                    # Admission was closed: try the deferred claims again as activations'
                    # first round trips come back, oldest first, as many as there is room for.
                    with anyio.move_on_after(ADMISSION_RETRY_SECONDS):
                        await self._wake.wait()
                    for _ in range(min(self._host.admits(), len(self._deferred))):
                        self._claims.add(self._deferred.popleft())
            claims, self._claims = self._claims, set()
            pokes, self._pokes = self._pokes, set()
            try:
                if pokes:
                    await self._poke(pokes)
                await self.claim(claims)
            except (RedisError, OSError):
                log.exception("claims or pokes failed; the sweeper covers these conversations")

    async def _poke(self, pokes: set[tuple[str, ConversationKey]]) -> None:
        publish = "SPUBLISH" if is_cluster(self._redis) else "PUBLISH"
        commands: list[Command] = [
            (publish, self._keys.pokes(owner), encode_member(key)) for owner, key in pokes
        ]
        for at in range(0, len(commands), CHUNK):
            await self._batcher.call(*commands[at : at + CHUNK])

    async def claim(self, keys: Iterable[ConversationKey]) -> list[tuple[ConversationKey, int]]:
        """Claim conversations not active here; activate those we got. Returns the others with
        how long (ms) their current lease still runs."""
        if not self._host.accepting:
            return []
        wanted = [key for key in keys if self._host.local_actor(key) is None]
        # Admission control: the rest wait for dispatch() to try them again (a bounded number;
        # beyond it, and if this process dies, their pending marks bring a sweeper).
        room = self._host.admits()
        if len(wanted) > room:
            space = max(0, MAX_DEFERRED_CLAIMS - len(self._deferred))
            self._deferred.extend(wanted[room : room + space])
            if self._wake is not None:
                self._wake.set()
            wanted = wanted[:room]
        if not wanted:
            return []
        held = await self._claim_round([(key, "") for key in wanted])
        # Crash takeover: a lease whose owner's heartbeat stopped is taken now, not when it
        # lapses; the claim script takes it only if it is still exactly that lease.
        orphaned = [(key, lease) for key, lease, _ in held if self._owner(lease) in self._dead]
        if orphaned:
            taken = {key for key, _ in orphaned}
            held = [h for h in held if h[0] not in taken] + await self._claim_round(orphaned)
            self._host.counters["takeovers"] += len(taken) - len(held)
        return [(key, ttl_ms) for key, _, ttl_ms in held]

    async def _claim_round(
        self, wanted: list[tuple[ConversationKey, str]]
    ) -> list[tuple[ConversationKey, str, int]]:
        replies: list[Any] = []
        for at in range(0, len(wanted), CHUNK):
            commands: list[Command] = []
            for key, dead_lease in wanted[at : at + CHUNK]:
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
                        dead_lease,
                    )
                )
            replies.extend(await self._batcher.call(*commands))
        held = []
        for (key, _), (claimed, lease, ttl_ms) in zip(wanted, replies, strict=True):
            if claimed == 1 and self._host.local_actor(key) is None:
                self._host.activate(key, lease.decode())
            elif claimed != 1:
                held.append((key, _text(lease), int(ttl_ms)))
        return held

    @staticmethod
    def _owner(lease: str) -> str:
        return lease.split(":", 1)[0]

    # -- pokes addressed to this process ---------------------------------------------------------

    async def listen(self, *, task_status: TaskStatus[None] = anyio.TASK_STATUS_IGNORED) -> None:
        channel = self._keys.pokes(self._host.process_id)
        sharded = is_cluster(self._redis)
        started = False
        while True:
            pubsub = self._redis.pubsub()
            try:
                if sharded:
                    await pubsub.ssubscribe(channel)
                else:
                    await pubsub.subscribe(channel)
                if not started:
                    started = True
                    task_status.started()
                else:
                    # Pokes may have been lost while we were away: let every actor look.
                    for actor in self._host.actors():
                        actor.poke()
                while True:
                    if isinstance(pubsub, ClusterPubSub):
                        message = await pubsub.get_sharded_message(
                            ignore_subscribe_messages=True, timeout=1.0
                        )
                    else:
                        message = await pubsub.get_message(
                            ignore_subscribe_messages=True, timeout=1.0
                        )
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
            for shard in self._keys.pending_shards():
                pipe.zrangebyscore(shard, "-inf", now, start=0, num=_SHARD_BATCH, withscores=True)
            for shard in self._keys.hosts_shards():
                pipe.zrange(shard, 0, -1, withscores=True)
            replies = await pipe.execute()
        pending, hosts = replies[: len(replies) // 2], replies[len(replies) // 2 :]
        self._read_hosts(now, [beat for shard in hosts for beat in shard])
        due = [entry for shard in pending for entry in shard]
        if not due:
            return False
        live = self._live | {self._host.process_id}
        overdue = now - 2 * self._config.sweep_interval
        later: dict[bytes, float] = {}
        mine = []
        for member, score in due:
            key = decode_member(member)
            actor = self._host.local_actor(key)
            if actor is not None:
                if score <= now - self._config.lease_ttl:
                    # Long overdue: a poke may have been lost. A mark only just due is renewal
                    # lagging under load; poking thousands of actors then would add to the load.
                    actor.poke()
                # Never further ahead than our heartbeat is trusted: if we die now, the
                # others must find this conversation due soon after they see us dead.
                later[encode_member(key)] = now + self.takeover_horizon
            elif score <= overdue or _preferred(live, member) == self._host.process_id:
                # Rendezvous hashing spreads orphaned conversations over the live hosts; once
                # overdue, anyone takes them (the preferred host may have just died).
                mine.append(key)
        throttled = len(mine) > self._host.admits()
        for key, ttl_ms in await self.claim(mine):
            # Held by another process: look again when its lease could lapse, or sooner, when
            # its heartbeat could have stopped (then the lease is taken over, not waited out).
            wait = min(max(ttl_ms, 0) / 1000, self._config.host_timeout)
            later[encode_member(key)] = now + wait
        await self._mark(later)
        if throttled:
            # Admission closed: look again soon, as activations finish, without spinning.
            await anyio.sleep(min(self._config.sweep_interval, 0.1))
            return True
        return any(len(shard) == _SHARD_BATCH for shard in pending) and bool(later)

    def _read_hosts(self, now: float, beats: list[tuple[bytes, float]]) -> None:
        stale = now - self._config.host_timeout
        self._live = {_text(pid) for pid, beat in beats if beat >= stale}
        self._dead = {_text(pid): beat for pid, beat in beats if beat < stale}
        self._dead.pop(self._host.process_id, None)

    async def _mark(self, later: dict[bytes, float]) -> None:
        """Set look-again times, shard by shard. XX: never re-mark a conversation an actor has
        just unmarked on deactivation."""
        if not later:
            return
        by_shard: dict[int, list[Any]] = {}
        for member, at in later.items():
            by_shard.setdefault(shard_of(member), []).extend((at, member))
        commands: list[Command] = [
            ("ZADD", self._keys.pending_shard(shard), "XX", *marks)
            for shard, marks in by_shard.items()
        ]
        await self._batcher.call(*commands)

    async def heartbeat(self) -> None:
        """Also forgets hosts dead for a day: their leases lapsed long ago."""
        pid = self._host.process_id
        now = time.time()
        async with self._redis.pipeline(transaction=False) as pipe:
            pipe.zadd(self._keys.hosts(pid), {pid: now})
            pipe.zremrangebyscore(self._keys.hosts(pid), "-inf", now - 86400)
            await pipe.execute()

    async def beat(self) -> None:
        """The heartbeat the sweepers trust: stopped for host_timeout means dead."""
        while True:
            await anyio.sleep(self._config.heartbeat_interval)
            try:
                await self.heartbeat()
            except (RedisError, OSError):
                log.exception("heartbeat failed")

    async def leave(self) -> None:
        await self._redis.zrem(self._keys.hosts(self._host.process_id), self._host.process_id)

    async def renew(self) -> None:
        """Keep the pending marks of local conversations ahead and their leases alive."""
        await self._renewer.run()


def _preferred(hosts: Iterable[str], member: bytes) -> str:
    return max(
        hosts, key=lambda host: hashlib.blake2b(host.encode() + member, digest_size=8).digest()
    )


def _beat(pair: Any) -> tuple[bytes, float]:
    """(member, score) of a ZRANGE WITHSCORES reply as redis-py parses it."""
    member, score = pair
    return bytes(member), float(score)


def _text(value: bytes | str) -> str:
    return value.decode() if isinstance(value, bytes) else value
