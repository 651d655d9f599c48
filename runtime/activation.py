"""One activation of one conversation: drain its inbox in order, one entry at a time, give each
to supervision (`runtime/supervision.py`: the handler's turn, its failures and the give-up),
commit what was decided, hold the member's rate limit; deactivate when idle."""

from __future__ import annotations

import asyncio
import logging
import time
from collections import Counter, deque
from collections.abc import Callable, Sequence
from typing import Protocol

import anyio
import attrs

from runtime.config import RuntimeConfig
from runtime.contracts import ConversationKey, Envelope, Handler, LeaseLost, SkipNotifier
from runtime.inbox import InboxEntry
from runtime.keys import encode_member, shard_of
from runtime.priority import AckFirst
from runtime.store import KEEP, ConversationStore, SessionConflict
from runtime.supervision import Supervisor, hook_replies
from runtime.telemetry import hashed
from runtime.turns import TurnRate

log = logging.getLogger(__name__)


@attrs.frozen
class Services:
    """What every activation of one process works with; built once by the Runtime."""

    config: RuntimeConfig
    store: ConversationStore
    handler: Handler
    counters: Counter[str]
    supervisor: Supervisor  # delivers each entry: attempts, timeouts, crash loops, give-up
    # The outbox sender's notice that a conversation has replies (None: no sender here).
    # `appended`: the replies a commit just added at the outbox's end (the sender's copy).
    notify_outbox: Callable[[ConversationKey, int, Sequence[bytes] | None], None] | None
    # Webhook deliveries being acknowledged: a turn about to start gives way to them.
    acks: AckFirst = attrs.field(factory=AckFirst)


class ActivationHost(Protocol):
    """What an activation needs from the process hosting it."""

    @property
    def stopping(self) -> bool:
        """Finish the current turn, then hand the lease back."""
        ...

    def forget(self, activation: Activation) -> None:
        """The activation ended (its lease released, lost or lapsing)."""
        ...


class Activation:
    """One activation of one conversation, hosted by one process while it holds the lease."""

    def __init__(
        self, host: ActivationHost, services: Services, key: ConversationKey, token: str
    ) -> None:
        self.host = host
        self.services = services
        self.key = key
        self.token = token
        self.member = encode_member(key)
        self.shard = shard_of(self.member)
        self.mailbox: deque[InboxEntry] = deque()
        self.lease_lost = False
        # When the lease was last extended (monotonic): claimed just now; commits and the
        # renewer extend it. Only leases not extended for a while are renewed.
        self.lease_extended = time.monotonic()
        self._session: bytes | None = None
        self._version = 0
        self._poked = False
        # An asyncio Event, not anyio's: one is made per wait, and anyio's looks up the
        # running backend each time (the runtime runs on asyncio: redis.asyncio).
        self._wake = asyncio.Event()
        self._released = False
        self._turns = TurnRate(services.config.rate_limit_per_minute)
        self._overload_told = False
        self._skipped: list[Envelope] = []  # waited too long behind the rate limit, untold
        # The mailbox head whose start the last round trip counted, with the starts before it.
        self._counted: tuple[str, int] | None = None

    @property
    def session(self) -> bytes | None:
        return self._session

    def _hook(self, hook: Callable[..., Sequence[bytes]], *args: object) -> Sequence[bytes]:
        return hook_replies(self.key, hook, *args)

    def poke(self) -> None:
        """New work may be waiting (or the host is stopping): the next loop turn reads the inbox."""
        self._poked = True
        self._wake.set()

    def lose(self) -> None:
        self.lease_lost = True
        self.poke()

    def _outbox_has(self, depth: int, appended: Sequence[bytes] | None = None) -> None:
        if depth and self.services.notify_outbox is not None:
            self.services.notify_outbox(self.key, depth, appended)

    async def run(self) -> None:
        config = self.services.config
        try:
            snapshot, batch = await self.services.store.activate(
                self.key, self.token, config.mailbox_size
            )
            self._session, self._version = snapshot.data, snapshot.version
            self.mailbox.extend(batch.entries)
            self._note_counted(batch.prior_starts)
            self._outbox_has(snapshot.outbox_len)
            # Activated with nothing to do: give the lease straight back. Otherwise idle time
            # counts from the last work done, so pokes that find nothing do not extend it.
            idle_until = time.monotonic()
            while not self.lease_lost and not self.host.stopping:
                if not self.mailbox and self._poked:
                    await self._fetch()
                if self.mailbox:
                    if await self._await_turn():
                        await self._process(self.mailbox.popleft())
                        idle_until = time.monotonic() + config.actor_idle_seconds
                    continue
                if self._skipped:
                    await self._tell_skipped()
                if await self._wait(idle_until - time.monotonic()):
                    continue
                released = await self.services.store.release(
                    self.key,
                    self.token,
                    only_if_idle=True,
                    check_outbox=self.services.notify_outbox is not None,
                )
                if released == 1:
                    self._released = True
                    return
                if released < 0:
                    raise LeaseLost("lease lost while idle")
                self._poked = True  # entries arrived in the meantime, or replies are pending
                idle_until = time.monotonic() + config.actor_idle_seconds  # replies being sent
        except LeaseLost:
            self.lease_lost = True
            log.warning(
                "activation stopped: lease lost", extra={"conversation": hashed(self.key.tag)}
            )
        except Exception:
            # Redis trouble: stop this activation; the lease lapses and a sweeper resumes it.
            log.exception("activation failed", extra={"conversation": hashed(self.key.tag)})
        finally:
            self.mailbox.clear()
            await self._hand_back()
            self.host.forget(self)

    async def _hand_back(self) -> None:
        if self._released or self.lease_lost:
            return
        # A first start counted for the next entry, which the handler never saw: not its fault.
        uncount = self._counted[0] if self._counted and self._counted[1] == 0 else ""
        # Shielded: runs while the host is being cancelled past its shutdown deadline.
        with anyio.CancelScope(shield=True), anyio.move_on_after(2.0):
            try:
                await self.services.store.release(
                    self.key, self.token, only_if_idle=False, check_outbox=False, uncount=uncount
                )
            except Exception:
                log.exception("lease hand-back failed; it expires by itself")

    async def _wait(self, idle_for: float) -> bool:
        """Wait for a poke (True) or the end of the idle time (False)."""
        if not self._poked:
            self._wake = asyncio.Event()
            with anyio.move_on_after(idle_for):
                await self._wake.wait()
        return self._poked

    async def _fetch(self) -> None:
        # Cleared before the read: whatever a poke announced before now, the read sees.
        self._poked = False
        batch = await self.services.store.fetch(
            self.key, self.token, self.services.config.mailbox_size
        )
        self.mailbox.extend(batch.entries)
        self._note_counted(batch.prior_starts)

    def _note_counted(self, prior_starts: int) -> None:
        """The last round trip counted a start of the mailbox head (prior_starts >= 0)."""
        if prior_starts >= 0 and self.mailbox:
            self._counted = (self.mailbox[0].entry_id, prior_starts)

    async def commit(
        self,
        session: bytes | None,
        replies: Sequence[bytes],
        *,
        ttl: float | None,
        entry_id: str = "",
    ) -> None:
        """Commit a snapshot and replies (and ack `entry_id`); raises LeaseLost, SessionConflict."""
        refill = self.services.config.mailbox_size if entry_id and not self.mailbox else 0
        # Acknowledging one entry starts the next: its start is counted in this round trip.
        next_id = self.mailbox[0].entry_id if entry_id and self.mailbox else ""
        if refill:
            self._poked = False  # the refill reads the inbox after every poke so far
        started = time.monotonic()
        try:
            committed = await self.services.store.commit(
                self.key,
                self.token,
                expected_version=self._version,
                session=session,
                session_ttl=ttl or self.services.config.session_ttl,
                entry_id=entry_id,
                replies=replies,
                fetch=refill,
                next_id=next_id,
            )
        except SessionConflict as conflict:
            self._session, self._version = conflict.data, conflict.version
            raise
        self._version = committed.version
        self._session = session
        self.lease_extended = started  # the commit extended the lease
        self.mailbox.extend(committed.entries)
        self._note_counted(committed.prior_starts)
        self._outbox_has(committed.outbox_len, replies)

    async def _process(self, entry: InboxEntry) -> None:
        await self.services.acks.give_way()
        counted, self._counted = self._counted, None
        first_start = counted == (entry.entry_id, 0)
        await self.services.supervisor.deliver(self, entry, first_start=first_start)

    async def keep(
        self, replies: Sequence[bytes], *, entry_id: str = "", dead: bytes = b""
    ) -> None:
        """Commit replies that belong to no turn, or ack `entry_id` (into the dead letters with
        `dead`); the session is kept as it is."""
        if not replies and not entry_id:
            return
        committed = await self.services.store.commit(
            self.key,
            self.token,
            expected_version=self._version,
            session=KEEP,
            session_ttl=self.services.config.session_ttl,
            entry_id=entry_id,
            dead=dead,
            replies=replies,
            next_id=self.mailbox[0].entry_id if self.mailbox else "",
        )
        self._note_counted(committed.prior_starts)
        self._outbox_has(committed.outbox_len)
        if entry_id and not self.mailbox:
            self._poked = True  # this commit read nothing ahead: look at the inbox again

    async def _await_turn(self) -> bool:
        """Wait until the member's rate allows the mailbox head a turn (True), skipping heads
        that would wait past `rate_limit_max_wait`. False when interrupted (stopping, lease
        lost) or the mailbox emptied: the run loop decides what next."""
        config = self.services.config
        while self.mailbox and not (self.lease_lost or self.host.stopping):
            wait = self._turns.wait()
            if wait <= 0:
                if self._skipped:
                    await self._tell_skipped()
                self._turns.take()
                return True
            head = self.mailbox[0]
            waited = max(0.0, time.time() - head.recorded_ms / 1000)
            if waited + wait > config.rate_limit_max_wait:
                await self._skip(self.mailbox.popleft())
                continue
            if not self._overload_told:
                self._overload_told = True
                await self.keep(self._hook(self.services.handler.on_overload, head.envelope))
            self.services.counters["rate_waited"] += 1
            self._wake = asyncio.Event()
            with anyio.move_on_after(wait):
                await self._wake.wait()  # a poke (new message, lease lost, stop) re-checks
        return False

    async def _skip(self, entry: InboxEntry) -> None:
        """Waited too long behind the rate limit: dead-letter it; the member hears which."""
        self._counted = None
        self._skipped.append(entry.envelope)
        self.services.counters["rate_limited"] += 1
        reason = "rate limited: waited too long"
        await self.services.supervisor.dead_letter(self, entry, (), reason, label="rate limited")

    async def _tell_skipped(self) -> None:
        skipped, self._skipped = self._skipped, []
        handler = self.services.handler
        if isinstance(handler, SkipNotifier):
            replies = self._hook(handler.on_skipped, skipped)
        else:
            replies = self._hook(handler.on_overload, skipped[0])
        await self.keep(replies)
