"""The runtime's public contract: what goes into an actor and what comes out of it.

The runtime moves opaque bytes. It knows nothing about WhatsApp or credex: the gateway builds
envelopes, the conversation layer (actors/) implements `Handler`. At the end, the one port
between the runtime's own parts that would otherwise call back into the host: `FleetHost`.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Awaitable, Callable, Mapping, Sequence
from typing import Any, Protocol, runtime_checkable

import attrs


@attrs.frozen
class ConversationKey:
    """One conversation: a business channel (WhatsApp phone_number_id) and one user on it."""

    channel: str
    user: str

    @property
    def tag(self) -> str:
        """The Redis Cluster hash tag body shared by every key of this conversation."""
        return f"{self.channel}:{self.user}"


@attrs.frozen
class Envelope:
    """One inbound unit of work, recorded durably before the webhook is acknowledged."""

    key: ConversationKey
    message_id: str
    payload: bytes
    trace_context: Mapping[str, str] = attrs.field(factory=dict)
    recorded_at: float = 0.0


@attrs.frozen
class Turn:
    """What a handler decided for one envelope; committed atomically with the inbox ack.

    `session` None deletes the conversation's snapshot. `replies` are opaque outbox items.
    `session_ttl` overrides the default session TTL (seconds) for this snapshot.
    """

    session: bytes | None
    replies: Sequence[bytes] = ()
    session_ttl: float | None = None


class TurnContext(Protocol):
    """Given to a handler for the envelope it is processing."""

    @property
    def key(self) -> ConversationKey: ...

    @property
    def attempt(self) -> int:
        """1 on the first delivery of this envelope to a handler, 2 after one failure (an
        exception, a timeout, or a process that died during an earlier delivery), ..."""
        ...

    async def checkpoint(self, session: bytes | None, replies: Sequence[bytes] = ()) -> None:
        """Commit a session snapshot (and optional replies) now, without acknowledging the
        envelope. Used before irreversible effects (G5). Raises `LeaseLost` if this process no
        longer owns the conversation."""
        ...


class Handler(Protocol):
    """The conversation layer plugs in here."""

    async def handle(self, ctx: TurnContext, session: bytes | None, envelope: Envelope) -> Turn:
        """Process one envelope given the current snapshot (None when there is none)."""
        ...

    def on_error(
        self, key: ConversationKey, envelope: Envelope, error: BaseException
    ) -> Sequence[bytes]:
        """Replies (an apology) to send when `handle` raised."""
        ...

    def on_overload(self, key: ConversationKey, envelope: Envelope) -> Sequence[bytes]:
        """Replies to send once when the conversation exceeds its rate limit ("slow down")."""
        ...


@runtime_checkable
class SkipNotifier(Protocol):
    """Optional for a Handler: the words for messages skipped because they waited too long
    behind the member's rate limit. Without it, the runtime uses `on_overload` once."""

    def on_skipped(self, key: ConversationKey, skipped: Sequence[Envelope]) -> Sequence[bytes]:
        """Replies telling the member which messages were not handled and what to resend."""
        ...


class RuntimeFailure(Exception):
    """Base of the runtime's typed errors."""


class StoreUnavailable(RuntimeFailure):
    """Redis could not be reached: the caller must not acknowledge (the gateway answers 503)."""


class LeaseLost(RuntimeFailure):
    """This process no longer owns the conversation; its commit was refused."""


class TurnTimedOut(RuntimeFailure):
    """`Handler.handle` did not answer within the turn timeout; counted as a failed attempt."""


class CrashLoop(RuntimeFailure):
    """An envelope's delivery was started `max_attempts` times and never finished: processing
    it kills the process. It is dead-lettered; `Handler.on_error` gets this as the error."""


class Recorder(Protocol):
    """What the gateway needs from the runtime to acknowledge a webhook (G1, G2, G3)."""

    async def record(self, envelopes: Sequence[Envelope]) -> Sequence[bool]:
        """Durably record each envelope unless its message id was seen (dedup >= 8 days).
        Returns per envelope True (new) or False (duplicate). Raises `StoreUnavailable`."""
        ...


class SendRetryable(RuntimeFailure):
    """A send that may succeed later (rate limit, transient error). `retry_after` in seconds
    when the far side said how long to wait; otherwise the sender backs off with jitter."""

    def __init__(self, reason: str, retry_after: float | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.retry_after = retry_after


class SendDeferred(SendRetryable):
    """Not a failure: the send must wait `retry_after` seconds (pacing, a rate limit of the far
    side). Order is kept and the backoff does not grow; only the retry deadline applies."""

    def __init__(self, reason: str, retry_after: float) -> None:
        super().__init__(reason, retry_after)


class SendRejected(RuntimeFailure):
    """A send that must never be retried: the item goes to the dead-letter list with `reason`."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


# One Redis command, as `execute_command` takes it: ("SET", key, value, "EX", 60).
Command = tuple[Any, ...]

# Runs Commands in a pipeline shared with the runtime's own calls:
# `runtime.batcher.Batcher.call`. The gateway's per-message writes and reads ride it instead of
# a round trip each (`gateway/serve.py` wires it).
SharedPipelines = Callable[..., Awaitable[list[Any]]]


class Send(Protocol):
    """The outbox sender's pluggable transport: deliver one outbox item of a conversation.
    Returns normally on success, with the Redis commands (or None) that must be written with
    the item's removal: the outbox runs them in the removal's round trip, just before it (the
    Cloud API sender's note that the last part was accepted). Raises SendRetryable, SendDeferred
    or SendRejected otherwise."""

    async def __call__(self, key: ConversationKey, item: bytes) -> Sequence[Command] | None: ...


# -- inside the runtime: what the fleet (runtime/fleet.py) needs of the Runtime hosting it --


class Hosted(Protocol):
    """A conversation active in this process, as the fleet sees it."""

    @property
    def key(self) -> ConversationKey: ...

    @property
    def token(self) -> str:
        """The lease value this process holds for the conversation."""
        ...

    @property
    def lease_lost(self) -> bool: ...

    # The conversation as a pending-set member, and its pending shard (runtime.keys), kept
    # so the renewer does not encode every hosted conversation again each round.
    member: bytes
    shard: int

    # When the lease was last extended (monotonic); the renewer skips leases extended lately.
    lease_extended: float

    def poke(self) -> None:
        """New work may be waiting: look at the inbox."""
        ...

    def lose(self) -> None:
        """The lease could not be renewed: stop without committing."""
        ...


class FleetHost(Protocol):
    """What the fleet needs from the process it coordinates for (the Runtime)."""

    process_id: str
    incarnation: str
    counters: Counter[str]

    @property
    def accepting(self) -> bool:
        """Claims are made only while the process takes work."""
        ...

    def admits(self) -> int:
        """How many more conversations may be activated now (admission control)."""
        ...

    def local_actor(self, key: ConversationKey) -> Hosted | None: ...

    def actors(self) -> Sequence[Hosted]: ...

    def activate(self, key: ConversationKey, token: str) -> None:
        """Start hosting a conversation whose lease was just claimed (`token`)."""
        ...
