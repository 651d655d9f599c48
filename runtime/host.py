"""The Runtime: one per process. Records envelopes, hosts this process's actors, and runs the
poke listener, sweeper, lease renewer and outbox sender in one task group."""

from __future__ import annotations

import logging
import os
import secrets
import socket
from collections import Counter
from collections.abc import Sequence
from contextlib import suppress

import anyio
from anyio.abc import TaskGroup, TaskStatus
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

from runtime import inbox, metrics
from runtime.activation import Activation, Services
from runtime.client import RedisClient, decodes_responses, is_cluster, ready
from runtime.config import RuntimeConfig
from runtime.contracts import ConversationKey, Envelope, Handler, Send, StoreUnavailable
from runtime.durability import confirm_replicas
from runtime.fleet import Fleet
from runtime.inbox import Recorded
from runtime.keys import Keys, encode_member
from runtime.lifecycle import Lifecycle, Phase
from runtime.priority import AckFirst
from runtime.scripts import Scripts, load_scripts
from runtime.sender import OutboxSender
from runtime.store import ConversationStore
from runtime.supervision import Supervisor

log = logging.getLogger(__name__)

_UNREACHABLE = (RedisConnectionError, RedisTimeoutError, ConnectionError, TimeoutError, OSError)


def _default_process_id() -> str:
    return f"{socket.gethostname()}-{os.getpid()}-{secrets.token_hex(3)}"


class Runtime:
    """Implements contracts.Recorder; `run()` hosts actors until `stop()` or cancellation.

    Without a handler it hosts none: it records, and hands each conversation nobody owns to a
    live host (`Fleet.route`), which the record script pokes. That is the ingress of
    `vimbiso serve`, a process of its own so that acknowledging a webhook never waits behind
    an actor's turn in the same event loop (G1).

    Its phases (starting, running, draining, stopped) are `runtime/lifecycle.py`'s; start it with
    `await task_group.start(runtime.run)` to wait until it runs (no polling)."""

    def __init__(
        self,
        redis: RedisClient,
        config: RuntimeConfig,
        handler: Handler | None = None,
        send: Send | None = None,
        *,
        process_id: str | None = None,
    ) -> None:
        if decodes_responses(redis):
            raise ValueError("the runtime needs a Redis client with decode_responses=False")
        self.config = config
        self.handler = handler
        # ':' separates the process id from the fencing token inside a lease value.
        self.process_id = (process_id or _default_process_id()).replace(":", "-")
        # Leases read 'process_id:incarnation:token': a restarted process with the same id may
        # take over its predecessor's leases at once, but never its own live ones.
        self.incarnation = secrets.token_hex(4)
        self.counters: Counter[str] = Counter()
        self._redis = redis
        self._cluster = is_cluster(redis)
        self._keys = Keys(config.key_prefix)
        self._scripts = Scripts.read()
        self._scripts_loaded = False
        self.store = ConversationStore(redis, self._scripts, self._keys, config)
        self._actors: dict[ConversationKey, Activation] = {}
        self.lifecycle = Lifecycle()
        self._actor_group: TaskGroup | None = None
        self._all_gone: anyio.Event | None = None
        # Webhook deliveries being acknowledged, which the actors' turns and sends give way to.
        self.acks = AckFirst(config.ack_first_seconds)
        self._sender = (
            OutboxSender(self.store, config, send, self._owner_token, self.counters, self.acks)
            if send is not None and handler is not None
            else None
        )
        self._services = (
            Services(
                config=config,
                store=self.store,
                handler=handler,
                counters=self.counters,
                supervisor=Supervisor(
                    config, self.store, handler, self.counters, self.confirm_kept
                ),
                acks=self.acks,
                notify_outbox=self._sender.notify if self._sender is not None else None,
            )
            if handler is not None
            else None
        )
        self._fleet = Fleet(self, redis, self._scripts, self._keys, config, self.store.batcher)
        metrics.observe(self)

    # -- contracts.Recorder -------------------------------------------------------------------

    async def record(self, envelopes: Sequence[Envelope]) -> list[bool]:
        if not envelopes:
            return []
        if self.accepting and not self.admits():
            self.counters["admission_closed"] += len(envelopes)  # the sweeper takes them
        try:
            with anyio.fail_after(self.config.record_timeout):
                outcomes = await self._record(envelopes)
        except (*_UNREACHABLE, TimeoutError) as error:
            raise StoreUnavailable("Redis is unreachable; do not acknowledge") from error
        if self.config.ack_replicas > 0:
            # a duplicate is confirmed too: its first record may be unsure
            await self.confirm_kept([envelope.key for envelope in envelopes])
        for envelope, outcome in zip(envelopes, outcomes, strict=True):
            self.counters["recorded" if outcome.new else "duplicates"] += 1
            if outcome.new:
                self._route(envelope.key, outcome)
        return [outcome.new for outcome in outcomes]

    async def confirm_kept(self, conversations: Sequence[ConversationKey]) -> None:
        """REDIS_ACK_REPLICAS: no 200 (G2) and no money call after a checkpoint (G5) before
        that many replicas hold what was written, so the loss of a master loses neither."""
        wanted = self.config.ack_replicas
        try:
            confirmed = await confirm_replicas(
                self._redis,
                self._keys,
                set(conversations),
                wanted,
                self.config.ack_timeout,
            )
        except _UNREACHABLE as error:
            raise StoreUnavailable("Redis is unreachable; do not acknowledge") from error
        if confirmed < wanted:
            self.counters["ack_replicas_short"] += 1
            raise StoreUnavailable(
                f"only {confirmed} of REDIS_ACK_REPLICAS={wanted} replicas confirmed in time"
            )

    async def _record(self, envelopes: Sequence[Envelope]) -> list[Recorded]:
        if not self._scripts_loaded:
            await load_scripts(self._redis, self._scripts)
            self._scripts_loaded = True
        return await inbox.record(
            self.store.batcher,
            self._scripts,
            self._keys,
            self.config,
            envelopes,
            self.process_id,
            self.incarnation,
            claim=self.accepting and self.admits() > 0,  # admission control
            publish=not self._cluster,
            route=None if self.hosts else self._fleet.route,
            look_again=self._fleet.takeover_horizon,
        )

    @property
    def hosts(self) -> bool:
        """Whether this runtime hosts actors (it has a handler), or only records and routes."""
        return self._services is not None

    def live_workers(self) -> int | None:
        """For a runtime hosting no actors (the ingress): how many live hosts it hands
        conversations to, as of its last read of their heartbeats. None for a host itself."""
        return None if self.hosts else self._fleet.live_hosts

    def _route(self, key: ConversationKey, outcome: Recorded) -> None:
        """Wake the local actor. The record script already published to another owner; with
        no owner and no host running here, the sweeper of some process picks the work up."""
        if outcome.claimed:
            self.activate(key, outcome.lease)
            return
        owner = outcome.lease.split(":", 1)[0]
        if not self.hosts:
            self._hand_over(key, owner)
            return
        actor = self._actors.get(key)
        if actor is not None:
            actor.poke()
        elif self.accepting and owner == self.process_id:
            # Our id but no local actor: an earlier incarnation of this process held it.
            self._fleet.request_claim(key)
        elif owner and self._fleet.presumed_dead(owner):
            # Its heartbeat stopped: take the conversation over now (crash takeover).
            self._fleet.request_claim(key)
        elif owner and self._cluster:
            self._fleet.request_poke(owner, key)

    def _hand_over(self, key: ConversationKey, owner: str) -> None:
        """A recorder hosting no actors: the record script poked a live owner, or the routed
        host of a conversation nobody owns (standalone Redis). What is left: a dead owner's
        conversation goes to the routed host, which takes it over; on a cluster the pokes go
        out from here (SPUBLISH). With no live host known, the sweepers find it pending."""
        if owner and not self._fleet.presumed_dead(owner):
            if self._cluster:
                self._fleet.request_poke(owner, key)
            return
        routed = self._fleet.route(encode_member(key))
        if routed and (owner or self._cluster):
            self._fleet.request_poke(routed, key)

    # -- hosting --------------------------------------------------------------------------------

    @property
    def phase(self) -> Phase:
        return self.lifecycle.phase

    @property
    def stopping(self) -> bool:
        return self.lifecycle.stopping

    @property
    def accepting(self) -> bool:
        return self.lifecycle.accepting and self._actor_group is not None

    def admits(self) -> int:
        """How many more conversations may be activated now (admission control): none while
        `max_activating` activations are in flight or `max_unsent` conversations wait for the
        sender (their actors stay until their replies are out). The rest wait in Redis."""
        if self._sender is not None and self._sender.backlog >= self.config.max_unsent:
            return 0
        return self.store.admits()

    def local_actor(self, key: ConversationKey) -> Activation | None:
        return self._actors.get(key)

    def actors(self) -> list[Activation]:
        return list(self._actors.values())

    def activate(self, key: ConversationKey, token: str) -> None:
        """Start an actor for a conversation whose lease this process just claimed."""
        group = self._actor_group
        if group is None or self._services is None or not self.lifecycle.accepting:
            # Claimed while shutting down: leave it to lapse; the sweeper elsewhere takes it.
            return
        actor = Activation(self, self._services, key, token)
        self._actors[key] = actor  # a retiring predecessor forgets only itself
        self.store.admit()  # admission control: counted until its first round trip is back
        self.counters["activations"] += 1
        metrics.active_actors.add(1)
        group.start_soon(actor.run)

    def forget(self, actor: Activation) -> None:
        metrics.active_actors.add(-1)
        self.counters["deactivations"] += 1
        if self._actors.get(actor.key) is actor:
            del self._actors[actor.key]
            if not self._actors:
                self._actors = {}  # a dict never shrinks its table; a new one starts small
            if self._sender is not None:
                self._sender.forget(actor.key)
        if not self._actors and self._all_gone is not None and self.stopping:
            self._all_gone.set()

    def _owner_token(self, key: ConversationKey) -> str | None:
        actor = self._actors.get(key)
        if actor is None or actor.lease_lost:
            return None
        return actor.token

    # -- lifecycle ------------------------------------------------------------------------------

    async def run(self, *, task_status: TaskStatus[None] = anyio.TASK_STATUS_IGNORED) -> None:
        """Host actors until stop() or cancellation; first resumes work this process should own.
        Under `task_group.start()`, returns to the starter once the runtime is running."""
        self.lifecycle.begin()
        self._all_gone = anyio.Event()
        if not self.hosts:
            await self._route_until_stopped(task_status)
            return
        try:
            await ready(self._redis)
            await load_scripts(self._redis, self._scripts)
            self._scripts_loaded = True
            await self._fleet.heartbeat()
            async with anyio.create_task_group() as services:
                await services.start(self._fleet.listen)
                services.start_soon(self._fleet.beat)
                services.start_soon(self._fleet.sweep)
                services.start_soon(self._fleet.renew)
                services.start_soon(self._fleet.dispatch)
                services.start_soon(self.store.batcher.run)
                if self._sender is not None:
                    services.start_soon(self._sender.run)
                try:
                    async with anyio.create_task_group() as actors:
                        self._actor_group = actors
                        self.lifecycle.host()
                        task_status.started()
                        await self.lifecycle.stop_requested()
                        await self._drain(actors)
                finally:
                    self._actor_group = None
                    self.store.activating = 0  # actors cancelled before they ever started
                    services.cancel_scope.cancel()
        finally:
            # Shielded and bounded; when Redis is gone the heartbeat simply ages out.
            with anyio.CancelScope(shield=True), anyio.move_on_after(1.0), suppress(*_UNREACHABLE):
                await self._fleet.leave()
            self.lifecycle.end()

    async def _route_until_stopped(self, task_status: TaskStatus[None]) -> None:
        """A runtime hosting no actors: no heartbeat (nobody may hand work to it), no sweeper,
        no sender; the batcher for its records, the live hosts it routes to, and the pokes it
        sends on a cluster."""
        try:
            await ready(self._redis)
            await load_scripts(self._redis, self._scripts)
            self._scripts_loaded = True
            async with anyio.create_task_group() as services:
                services.start_soon(self.store.batcher.run)
                services.start_soon(self._fleet.dispatch)
                await self._fleet.read_hosts()
                services.start_soon(self._fleet.watch_hosts)
                self.lifecycle.host()
                task_status.started()
                await self.lifecycle.stop_requested()
                services.cancel_scope.cancel()
        finally:
            self.lifecycle.end()

    async def _drain(self, actors: TaskGroup) -> None:
        """Draining: let in-flight turns finish within the deadline, then cancel the rest. Every
        actor hands its lease back on the way out."""
        for actor in self.actors():
            actor.poke()
        if self._actors and self._all_gone is not None:
            with anyio.move_on_after(self.config.shutdown_deadline):
                await self._all_gone.wait()
        actors.cancel_scope.cancel()

    async def stop(self) -> None:
        """Graceful stop; returns when run() has finished (at once when it is not running)."""
        await self.lifecycle.stop()

    # -- inspection -----------------------------------------------------------------------------

    async def read_session(self, key: ConversationKey) -> bytes | None:
        try:
            data = await self._redis.hget(self._keys.of(key).session, "d")
        except _UNREACHABLE as error:
            raise StoreUnavailable("Redis is unreachable") from error
        return data.encode() if isinstance(data, str) else data

    def recent_dead_letters(self) -> list[dict[str, object]]:
        """The latest replies the sender gave up on (hashed conversation, reason, time)."""
        return list(self._sender.recent_dead_letters) if self._sender is not None else []

    def stats(self) -> dict[str, int | float]:
        actors = list(self._actors.values())
        stats: dict[str, int | float] = dict(self.counters)
        stats["active_actors"] = len(actors)
        stats["mailbox_depth"] = sum(len(actor.mailbox) for actor in actors)
        stats["outbox_depth"] = (
            sum(self._sender.outbox_depth.values()) if self._sender is not None else 0
        )
        return stats
