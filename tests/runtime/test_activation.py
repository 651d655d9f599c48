"""The activation loop (runtime/activation.py): order, one at a time, supervision, rate limit,
checkpoints, fencing."""

from __future__ import annotations

from collections.abc import Sequence

import anyio
import attrs
import orjson
import redis.asyncio as aioredis

from runtime.config import RuntimeConfig
from runtime.contracts import ConversationKey, Envelope, StoreUnavailable, Turn, TurnContext
from runtime.host import Runtime
from tests.redis_server import cluster_mode
from tests.runtime.handlers import AppendingHandler, processed_ids
from tests.runtime.running import pending_count, running, wait_for

KEY = ConversationKey("15550001", "263770000001")


def outbox(config: RuntimeConfig, key: ConversationKey = KEY) -> str:
    return f"{config.key_prefix}outbox:{{{key.tag}}}"


def dead(config: RuntimeConfig, key: ConversationKey = KEY) -> str:
    return f"{config.key_prefix}dead:{{{key.tag}}}"


async def test_1000_messages_from_20_concurrent_recorders_keep_order_one_at_a_time(
    redis_client: aioredis.Redis, config: RuntimeConfig
) -> None:
    handler = AppendingHandler()
    runtime = Runtime(redis_client, config, handler)

    async def recorder(r: int) -> None:
        for i in range(50):
            await runtime.record([Envelope(KEY, f"r{r:02d}-{i:03d}", b"x")])

    async with running(runtime):
        async with anyio.create_task_group() as group:
            for r in range(20):
                group.start_soon(recorder, r)
        await wait_for(lambda: runtime.stats().get("processed", 0) >= 1000, what="1000 processed")
    done = processed_ids(await runtime.read_session(KEY))
    assert len(done) == 1000 and len(set(done)) == 1000
    for r in range(20):
        mine = [m for m in done if m.startswith(f"r{r:02d}-")]
        assert mine == sorted(mine), f"recorder {r} reordered"
    assert handler.overlaps == 0
    assert handler.reprocessed == 0


async def test_processing_follows_the_inbox_order_exactly(
    redis_client: aioredis.Redis, config: RuntimeConfig
) -> None:
    handler = AppendingHandler()
    runtime = Runtime(redis_client, config, handler)

    async def recorder(r: int) -> None:
        for i in range(25):
            await runtime.record([Envelope(KEY, f"r{r:02d}-{i:03d}", b"x")])

    async with anyio.create_task_group() as group:
        for r in range(20):
            group.start_soon(recorder, r)
    inbox = f"{config.key_prefix}inbox:{{{KEY.tag}}}"
    recorded = [fields[b"m"].decode() for _, fields in await redis_client.xrange(inbox)]
    assert len(recorded) == 500
    async with running(runtime):
        await wait_for(lambda: runtime.stats().get("processed", 0) >= 500, what="500 processed")
    assert processed_ids(await runtime.read_session(KEY)) == recorded


async def test_poison_message_is_dead_lettered_after_max_attempts_and_later_ones_proceed(
    redis_client: aioredis.Redis, config: RuntimeConfig
) -> None:
    handler = AppendingHandler(poison=frozenset({b"boom"}))
    runtime = Runtime(redis_client, config, handler)
    async with running(runtime):
        await runtime.record(
            [Envelope(KEY, "m1", b"a"), Envelope(KEY, "m2", b"boom"), Envelope(KEY, "m3", b"c")]
        )
        await wait_for(lambda: runtime.stats().get("processed", 0) >= 2, what="m1 and m3")
    assert handler.attempts_seen == [1, 2, 3]
    assert processed_ids(await runtime.read_session(KEY)) == ["m1", "m3"]
    letters = [orjson.loads(x) for x in await redis_client.lrange(dead(config), 0, -1)]
    assert [(x["message_id"], "poison m2" in x["reason"]) for x in letters] == [("m2", True)]
    assert await redis_client.lrange(outbox(config), 0, -1) == [b"ok:a", b"sorry:boom", b"ok:c"]
    assert runtime.stats()["failures"] == 3
    assert runtime.stats()["dead_letters"] == 1


async def test_over_the_rate_limit_messages_wait_their_turn_and_none_is_lost(
    redis_client: aioredis.Redis, config: RuntimeConfig
) -> None:
    # 60 a minute: 60 turns at once, then one a second; the 4 over it wait, in order.
    config = attrs.evolve(config, rate_limit_per_minute=60, actor_idle_seconds=30)
    runtime = Runtime(redis_client, config, AppendingHandler())
    async with running(runtime):
        await runtime.record([Envelope(KEY, f"m{i}", str(i).encode()) for i in range(64)])
        await wait_for(
            lambda: runtime.stats().get("processed", 0) >= 64, within=15, what="all processed"
        )
        assert runtime.stats()["rate_waited"] >= 4
    assert processed_ids(await runtime.read_session(KEY)) == [f"m{i}" for i in range(64)]
    replies = await redis_client.lrange(outbox(config), 0, -1)
    assert replies.count(b"slow down") == 1
    assert [r for r in replies if r != b"slow down"] == [f"ok:{i}".encode() for i in range(64)]
    assert await redis_client.llen(dead(config)) == 0


async def test_messages_that_would_wait_too_long_are_skipped_and_named_once(
    redis_client: aioredis.Redis, config: RuntimeConfig
) -> None:
    # A tiny mailbox, a long idle time and no sweeper to rescue it: skipping must not stall
    # between mailbox refills.
    config = attrs.evolve(
        config,
        rate_limit_per_minute=5,
        rate_limit_max_wait=0.5,
        mailbox_size=2,
        actor_idle_seconds=30,
        sweep_interval=30,
    )
    runtime = Runtime(redis_client, config, AppendingHandler())
    async with running(runtime):
        await runtime.record([Envelope(KEY, f"m{i}", str(i).encode()) for i in range(8)])
        with anyio.fail_after(5):
            while await redis_client.llen(outbox(config)) < 6:  # noqa: ASYNC110
                await anyio.sleep(0.02)
    assert processed_ids(await runtime.read_session(KEY)) == [f"m{i}" for i in range(5)]
    replies = await redis_client.lrange(outbox(config), 0, -1)
    assert replies == [b"ok:0", b"ok:1", b"ok:2", b"ok:3", b"ok:4", b"skipped:5,6,7"]
    letters = [orjson.loads(x) for x in await redis_client.lrange(dead(config), 0, -1)]
    assert [x["reason"] for x in letters] == ["rate limited: waited too long"] * 3
    assert runtime.stats()["rate_limited"] == 3


@attrs.define
class CheckpointThenFail:
    """Checkpoints before an 'irreversible effect', then fails once: the retry must see the
    checkpointed session (G5 relies on this)."""

    seen: list[bytes | None] = attrs.field(factory=list)

    async def handle(self, ctx: TurnContext, session: bytes | None, envelope: Envelope) -> Turn:
        self.seen.append(session)
        if ctx.attempt == 1:
            await ctx.checkpoint(b"effect-pending", [b"working on it"])
            raise RuntimeError("crash after checkpoint")
        return Turn(session=b"effect-done", replies=[b"done"], session_ttl=30)

    def on_error(
        self, key: ConversationKey, envelope: Envelope, error: BaseException
    ) -> Sequence[bytes]:
        return []

    def on_overload(self, key: ConversationKey, envelope: Envelope) -> Sequence[bytes]:
        return []


async def test_checkpoint_commits_session_and_replies_without_acknowledging(
    redis_client: aioredis.Redis, config: RuntimeConfig
) -> None:
    handler = CheckpointThenFail()
    runtime = Runtime(redis_client, config, handler)
    async with running(runtime):
        await runtime.record([Envelope(KEY, "m1", b"pay")])
        await wait_for(lambda: runtime.stats().get("processed", 0) >= 1, what="retry")
    assert handler.seen == [None, b"effect-pending"]
    assert await runtime.read_session(KEY) == b"effect-done"
    assert await redis_client.lrange(outbox(config), 0, -1) == [b"working on it", b"done"]
    session_ttl = await redis_client.pttl(f"{config.key_prefix}session:{{{KEY.tag}}}")
    assert 25_000 < session_ttl <= 30_000


@attrs.define
class CheckpointThenPay:
    """Checkpoints, then 'moves money' (counts a payment): G5's order in the conversation."""

    paid: list[str] = attrs.field(factory=list)
    errors: list[BaseException] = attrs.field(factory=list)

    async def handle(self, ctx: TurnContext, session: bytes | None, envelope: Envelope) -> Turn:
        await ctx.checkpoint(b"submitting")
        self.paid.append(envelope.message_id)
        return Turn(session=b"paid", replies=[b"sent"], session_ttl=30)

    def on_error(
        self, key: ConversationKey, envelope: Envelope, error: BaseException
    ) -> Sequence[bytes]:
        self.errors.append(error)
        return [b"sorry"]

    def on_overload(self, key: ConversationKey, envelope: Envelope) -> Sequence[bytes]:
        return []


async def test_with_ack_replicas_no_money_moves_before_a_replica_holds_the_checkpoint(
    redis_client: aioredis.Redis, config: RuntimeConfig
) -> None:
    """REDIS_ACK_REPLICAS=1: a checkpoint only the master held would be lost with it, and the
    turn replayed on the promoted replica would pay again. Standalone Redis has no replica, so
    WAIT confirms none: the turn fails before paying, and is dead-lettered with an apology."""
    recorder = Runtime(redis_client, config, CheckpointThenPay())  # records, never runs
    handler = CheckpointThenPay()
    waiting = attrs.evolve(config, ack_replicas=1, ack_timeout=0.05)
    runtime = Runtime(redis_client, waiting, handler)
    async with running(runtime):
        await recorder.record([Envelope(KEY, "m1", b"pay")])
        await wait_for(lambda: bool(handler.errors or handler.paid), what="paid or given up")
    if cluster_mode():  # every master has a replica: the payment goes ahead, once
        assert handler.paid == ["m1"] and not handler.errors
        return
    assert handler.paid == []
    assert [type(error) for error in handler.errors] == [StoreUnavailable]
    assert runtime.stats()["ack_replicas_short"] == config.max_attempts
    assert await redis_client.lrange(outbox(config), 0, -1) == [b"sorry"]


@attrs.define
class Deleting:
    async def handle(self, ctx: TurnContext, session: bytes | None, envelope: Envelope) -> Turn:
        return Turn(session=None if envelope.payload == b"forget" else b"kept")

    def on_error(
        self, key: ConversationKey, envelope: Envelope, error: BaseException
    ) -> Sequence[bytes]:
        return []

    def on_overload(self, key: ConversationKey, envelope: Envelope) -> Sequence[bytes]:
        return []


async def test_a_none_session_deletes_the_snapshot_and_ttl_defaults_to_config(
    redis_client: aioredis.Redis, config: RuntimeConfig
) -> None:
    runtime = Runtime(redis_client, config, Deleting())
    session_key = f"{config.key_prefix}session:{{{KEY.tag}}}"
    async with running(runtime):
        await runtime.record([Envelope(KEY, "m1", b"keep")])
        await wait_for(lambda: runtime.stats().get("processed", 0) >= 1, what="m1")
        assert await runtime.read_session(KEY) == b"kept"
        assert 295_000 < await redis_client.pttl(session_key) <= 300_000
        await runtime.record([Envelope(KEY, "m2", b"forget")])
        await wait_for(lambda: runtime.stats().get("processed", 0) >= 2, what="m2")
        assert await runtime.read_session(KEY) is None
        await runtime.record([Envelope(KEY, "m3", b"keep")])
        await wait_for(lambda: runtime.stats().get("processed", 0) >= 3, what="m3")
    assert await runtime.read_session(KEY) == b"kept"


async def test_idle_actor_deactivates_and_releases_its_lease(
    redis_client: aioredis.Redis, config: RuntimeConfig
) -> None:
    runtime = Runtime(redis_client, config, AppendingHandler())
    lease = f"{config.key_prefix}lease:{{{KEY.tag}}}"
    async with running(runtime):
        await runtime.record([Envelope(KEY, "m1", b"x")])
        await wait_for(lambda: runtime.stats().get("processed", 0) >= 1, what="m1")
        assert await redis_client.get(lease) is not None
        await wait_for(lambda: runtime.stats()["active_actors"] == 0, what="idle deactivation")
        assert await redis_client.get(lease) is None
        assert await pending_count(redis_client, config) == 0
        # A new message after deactivation activates the conversation again.
        await runtime.record([Envelope(KEY, "m2", b"x")])
        await wait_for(lambda: runtime.stats().get("processed", 0) >= 2, what="m2")
    assert processed_ids(await runtime.read_session(KEY)) == ["m1", "m2"]
