"""The outbox sender: delivers each locally owned conversation's replies in order through the
pluggable `send`, removing an item only after it was delivered. Retryable failures back off
per conversation (capped exponential, jittered, honouring retry_after) without holding up the
others, for up to `outbox_retry_seconds` (a Cloud API outage of minutes loses nothing);
deferrals (pacing) wait without growing the backoff. Rejected items, and items past the retry
deadline, go to the conversation's outbox dead-letter list, are logged and listed in
`recent_dead_letters`. While this process knows a conversation's outbox exactly (the actor's
commits say what they appended and how long the outbox is), it sends from that copy instead of
reading the outbox back: one round trip less per turn."""

from __future__ import annotations

import asyncio
import heapq
import itertools
import logging
import random
import time
from collections import Counter, deque
from collections.abc import Callable, Sequence
from types import MappingProxyType

import anyio
import orjson

from runtime import metrics
from runtime.config import RuntimeConfig
from runtime.contracts import (
    Command,
    ConversationKey,
    Send,
    SendDeferred,
    SendRejected,
    SendRetryable,
)
from runtime.priority import AckFirst
from runtime.store import ConversationStore
from runtime.telemetry import hashed

log = logging.getLogger(__name__)

_BATCH = 16  # outbox items read per round trip
_RECENT_DEAD = 50  # dead letters kept in memory for /__debug__/
# The attributes of runtime.sends, built once (a send is counted on every reply's path).
_OUTCOMES = {
    outcome: MappingProxyType({"outcome": outcome})
    for outcome in ("sent", "deferred", "retried", "dead_lettered")
}


class OutboxSender:
    def __init__(
        self,
        store: ConversationStore,
        config: RuntimeConfig,
        send: Send,
        owner_token: Callable[[ConversationKey], str | None],
        counters: Counter[str],
        acks: AckFirst | None = None,
    ) -> None:
        self._store = store
        self._config = config
        self._acks = acks or AckFirst()
        self._send = send
        self._owner_token = owner_token
        self._counters = counters
        self._due: list[tuple[float, int, ConversationKey]] = []
        self._scheduled: set[ConversationKey] = set()
        self._draining: set[ConversationKey] = set()
        self._again: set[ConversationKey] = set()  # notified while being drained
        self._failures: dict[ConversationKey, int] = {}
        # When the head item of a conversation first failed (monotonic): the retry deadline.
        self._failing_since: dict[ConversationKey, tuple[bytes, float]] = {}
        self.recent_dead_letters: deque[dict[str, object]] = deque(maxlen=_RECENT_DEAD)
        self._sequence = itertools.count()
        self._wake = anyio.Event()
        self.outbox_depth: dict[ConversationKey, int] = {}
        # The outbox exactly as Redis holds it, for conversations where this process knows it.
        self._known: dict[ConversationKey, deque[bytes]] = {}

    def notify(
        self, key: ConversationKey, depth: int = 1, appended: Sequence[bytes] | None = None
    ) -> None:
        """This conversation's outbox has items (`depth`, the last of them `appended` when the
        caller knows them): send them now unless already scheduled."""
        self.outbox_depth[key] = depth
        self._learn(key, depth, appended)
        if key in self._draining:
            self._again.add(key)
        self._schedule(key, 0.0)

    @property
    def backlog(self) -> int:
        """Conversations with replies scheduled or being sent (admission control)."""
        return len(self._scheduled)

    def _learn(self, key: ConversationKey, depth: int, appended: Sequence[bytes] | None) -> None:
        """Keep the copy only while the lengths prove it is the whole outbox; any doubt (an
        append we were not told, a pop that raced a commit) drops it, and the next drain reads
        the outbox from Redis."""
        known = self._known.get(key)
        if appended is not None and known is not None and len(known) + len(appended) == depth:
            known.extend(appended)
        elif appended is not None and len(appended) == depth:
            self._known[key] = deque(appended)
        else:
            self._known.pop(key, None)

    def _sent(self, key: ConversationKey, item: bytes, left: int) -> None:
        """The head item was removed and `left` items remain."""
        known = self._known.get(key)
        if known is None:
            return
        if not known or known[0] != item:
            del self._known[key]  # out of step with Redis: read it back next time
            return
        known.popleft()
        if len(known) != left or not known:
            del self._known[key]  # empty: the next commit's lengths start a new copy

    def forget(self, key: ConversationKey) -> None:
        """Evict per-conversation state (the actor is gone)."""
        self._known.pop(key, None)
        self.outbox_depth.pop(key, None)
        self._failures.pop(key, None)
        self._failing_since.pop(key, None)
        self._again.discard(key)

    def _schedule(self, key: ConversationKey, delay: float) -> None:
        if key in self._scheduled:
            return
        self._scheduled.add(key)
        heapq.heappush(self._due, (time.monotonic() + delay, next(self._sequence), key))
        self._wake.set()

    async def run(self) -> None:
        # Due conversations go to the workers through a queue of one: a key leaves the heap
        # only when a worker is about to take it. An asyncio queue rather than an anyio memory
        # stream, whose every send and receive also yields to the event loop once: two extra
        # loop turns per reply.
        due: asyncio.Queue[ConversationKey] = asyncio.Queue(maxsize=1)
        async with anyio.create_task_group() as workers:
            for _ in range(self._config.sender_concurrency):
                workers.start_soon(self._work, due)
            while True:
                if not self._due:
                    self._wake = anyio.Event()
                    await self._wake.wait()
                    continue
                due_at, _, key = self._due[0]
                delay = due_at - time.monotonic()
                if delay > 0:
                    self._wake = anyio.Event()
                    with anyio.move_on_after(delay):
                        await self._wake.wait()
                    continue
                heapq.heappop(self._due)
                await due.put(key)

    async def _work(self, due: asyncio.Queue[ConversationKey]) -> None:
        while True:
            key = await due.get()
            retry_in: float | None = None
            self._draining.add(key)
            try:
                retry_in = await self._drain(key)
            except Exception:
                log.exception("outbox drain failed", extra={"conversation": hashed(key.tag)})
                retry_in = self._config.outbox_base_backoff
            finally:
                self._draining.discard(key)
                self._scheduled.discard(key)
            if key in self._again:
                self._again.discard(key)
                retry_in = 0.0 if retry_in is None else retry_in
            if retry_in is not None:
                self._schedule(key, retry_in)

    async def _drain(self, key: ConversationKey) -> float | None:
        """Send the head items in order. Returns when to come back, None when done."""
        await self._acks.give_way()
        token = self._owner_token(key)
        if token is None:
            return None
        known = self._known.get(key)
        if known is not None:
            items = list(itertools.islice(known, _BATCH))
        else:
            items = await self._store.outbox_head(key, _BATCH)
        for item in items:
            dead = b""
            with_removal: Sequence[Command] | None = None
            try:
                with_removal = await self._send(key, item)
            except SendDeferred as deferred:
                self._count("deferred")
                if not self._past_deadline(key, item):
                    return deferred.retry_after or self._config.outbox_base_backoff
                dead = self._dead(key, item, f"retry deadline passed: {deferred.reason}")
            except SendRetryable as error:
                failures = self._failures.get(key, 0) + 1
                self._failures[key] = failures
                self._count("retried")
                if not self._past_deadline(key, item):
                    return self._backoff(failures, error.retry_after)
                dead = self._dead(key, item, f"retry deadline passed: {error.reason}")
            except SendRejected as error:
                dead = self._dead(key, item, error.reason)
            if not dead:
                self._count("sent")
            self._failures.pop(key, None)
            self._failing_since.pop(key, None)
            left = await self._store.outbox_pop(key, token, item, dead, with_removal or ())
            if left < 0:
                self._known.pop(key, None)
                return None  # the conversation moved to another owner, who sends from here on
            self._sent(key, item, left)
            self.outbox_depth[key] = left
        return 0.0 if items and self.outbox_depth.get(key, 0) > 0 else None

    def _past_deadline(self, key: ConversationKey, item: bytes) -> bool:
        """Start (or keep) the head item's retry clock; True once it ran out."""
        now = time.monotonic()
        since = self._failing_since.get(key)
        if since is None or since[0] != item:
            self._failing_since[key] = (item, now)
            return self._config.outbox_retry_seconds <= 0
        return now - since[1] >= self._config.outbox_retry_seconds

    def _dead(self, key: ConversationKey, item: bytes, reason: str) -> bytes:
        self._count("dead_lettered")
        metrics.dead_letters.add(1, {"reason": "send"})
        conversation = hashed(key.tag)
        log.warning("reply dead-lettered", extra={"conversation": conversation, "reason": reason})
        self.recent_dead_letters.append(
            {"conversation": conversation, "reason": reason, "at": time.time()}
        )
        return _dead(item, reason)

    def _backoff(self, failures: int, retry_after: float | None) -> float:
        ceiling = min(
            self._config.outbox_max_backoff,
            self._config.outbox_base_backoff * 2 ** min(failures - 1, 30),
        )
        delay = random.uniform(ceiling / 2, ceiling)  # jitter so retries do not stampede
        if retry_after is not None:
            delay = max(delay, min(retry_after, self._config.outbox_max_backoff))
        return delay

    def _count(self, outcome: str) -> None:
        self._counters[f"sends_{outcome}"] += 1
        metrics.sends.add(1, _OUTCOMES[outcome])


def _dead(item: bytes, reason: str) -> bytes:
    return orjson.dumps(
        {"item": item.decode("utf-8", errors="replace"), "reason": reason, "at": time.time()}
    )
