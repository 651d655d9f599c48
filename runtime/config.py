"""The runtime's tunables, one frozen value passed to everything the runtime starts."""

from __future__ import annotations

import attrs

# Every Redis key of the service starts with this (the runtime's and the gateway's alike);
# tests give each run a prefix of its own so runs sharing one Redis never meet.
KEY_PREFIX = "vp:"


@attrs.frozen
class RuntimeConfig:
    """Defaults suit production; tests shrink the times so failures show within seconds."""

    key_prefix: str = KEY_PREFIX
    # Snapshot TTL (refreshed on every commit) for turns that name none; `vimbiso serve` sets the
    # conversation's (actors/session.py SESSION_TTL_SECONDS) through gateway/settings.py.
    session_ttl: float = 300.0
    actor_idle_seconds: float = 60.0
    # A commit extends the lease; an idle actor's is renewed once half of it has passed. A
    # dead owner is seen by its heartbeat (host_timeout), not by its leases lapsing, so a long
    # lease costs no takeover time; it bounds how long a lease whose actor vanished in a live
    # process (a hand-back that failed with Redis down) blocks its conversation.
    lease_ttl: float = 30.0
    sweep_interval: float = 1.0
    mailbox_size: int = 64  # inbox entries an actor holds in memory at once
    rate_limit_per_minute: int = 30  # turns per member; messages over it wait their turn
    # A message that would wait longer than this behind the rate limit is skipped (and the
    # member told which to resend): a flood cannot hold a conversation for hours.
    rate_limit_max_wait: float = 120.0
    max_attempts: int = 3  # handler failures (or process crashes) before an entry is dead-lettered
    shutdown_deadline: float = 10.0
    dedup_ttl_seconds: int = 8 * 86400  # WhatsApp redelivers for 7 days
    outbox_base_backoff: float = 0.5
    outbox_max_backoff: float = 60.0
    # Additive knobs (not in the first contract):
    # A reply that keeps failing retryably (a Cloud API outage) waits this long, then is
    # dead-lettered (WHATSAPP_SEND_RETRY_SECONDS).
    outbox_retry_seconds: float = 3600.0
    # Pipelines in flight per process, carrying the calls of all its actors and recorders.
    redis_concurrency: int = 8
    # Admission control: at most this many activations in flight per process. Past it, new
    # conversations wait in their (durable) inboxes and the sweeper activates them as room
    # frees up: offered load beyond capacity queues in Redis, not in this process.
    max_activating: int = 512
    # ... and while this many conversations wait for the outbox sender: their actors stay
    # resident until the replies are out, so a sender that falls behind would fill memory.
    max_unsent: int = 2048
    # Conversations whose outbox is being sent at once. Each reply waits on a few round trips
    # (preflight, the POST, progress, removal): too few senders and replies queue while the
    # actors, kept resident until their outbox is empty, pile up in memory.
    sender_concurrency: int = 256
    dead_letter_ttl_seconds: int = 8 * 86400
    record_timeout: float = 2.0  # then StoreUnavailable: the gateway answers 503, Meta redelivers
    turn_timeout: float = 30.0  # per Handler.handle call; then it counts as a failed attempt
    # Crash takeover: every process writes a heartbeat this often; one not seen for
    # host_timeout is dead, and the sweepers take its leases at once instead of waiting for
    # them to lapse (fencing tokens keep a paused, not dead, owner from committing).
    heartbeat_interval: float = 1.0
    host_timeout: float = 3.0
    # REDIS_ACK_REPLICAS: replicas that must hold a record before the webhook answers 200
    # (WAIT), and how long to wait for them before answering 503.
    ack_replicas: int = 0
    ack_timeout: float = 1.0
    # Acknowledgements first (runtime/priority.py): a turn or send about to start waits at most
    # this long while webhook deliveries are being acknowledged in this process. 0: never.
    ack_first_seconds: float = 0.01
