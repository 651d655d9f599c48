"""The outbox sender: ordered delivery per conversation, removal only after success, backoff
on retryable failures without holding up other conversations, dead letters for rejections."""

from __future__ import annotations

import itertools
import time
from collections import defaultdict

import attrs
import orjson
import redis.asyncio as aioredis

from runtime.config import RuntimeConfig
from runtime.contracts import (
    ConversationKey,
    Envelope,
    SendDeferred,
    SendRejected,
    SendRetryable,
)
from runtime.host import Runtime
from tests.runtime.handlers import AppendingHandler
from tests.runtime.running import running, wait_for

A = ConversationKey("15550001", "263770000001")
B = ConversationKey("15550001", "263770000002")


@attrs.define
class Transport:
    """Fails according to the item: 'flaky' twice retryably, 'bad' is rejected, 'stuck' always
    asks to come back later, 'paced' is deferred twice (as the Cloud API sender paces)."""

    delivered: dict[ConversationKey, list[bytes]] = attrs.field(factory=lambda: defaultdict(list))
    tries: dict[bytes, list[float]] = attrs.field(factory=lambda: defaultdict(list))

    async def __call__(self, key: ConversationKey, item: bytes) -> None:
        self.tries[item].append(time.monotonic())
        if item == b"ok:flaky" and len(self.tries[item]) <= 2:
            raise SendRetryable("429 rate limited")
        if item == b"ok:bad":
            raise SendRejected("131026 undeliverable")
        if item == b"ok:stuck":
            raise SendRetryable("busy", retry_after=0.05)
        if item == b"ok:paced" and len(self.tries[item]) <= 2:
            raise SendDeferred("paced: recipient rate", retry_after=0.1)
        self.delivered[key].append(item)


async def test_replies_are_delivered_in_order_and_removed_after_success(
    redis_client: aioredis.Redis, config: RuntimeConfig
) -> None:
    transport = Transport()
    runtime = Runtime(redis_client, config, AppendingHandler(), transport)
    async with running(runtime):
        await runtime.record([Envelope(A, f"m{i}", str(i).encode()) for i in range(3)])
        await runtime.record([Envelope(A, "m3", b"flaky"), Envelope(A, "m4", b"4")])
        await wait_for(lambda: len(transport.delivered[A]) >= 5, what="five deliveries")
        await wait_for(lambda: runtime.stats()["active_actors"] == 0, what="deactivation")
    assert transport.delivered[A] == [b"ok:0", b"ok:1", b"ok:2", b"ok:flaky", b"ok:4"]
    assert len(transport.tries[b"ok:flaky"]) == 3
    first, second, _ = transport.tries[b"ok:flaky"]
    assert second - first >= config.outbox_base_backoff / 2  # backed off, jittered
    assert await redis_client.llen(f"{config.key_prefix}outbox:{{{A.tag}}}") == 0
    assert runtime.stats()["sends_retried"] == 2


async def test_rejected_reply_goes_to_the_dead_letter_list_and_the_rest_still_goes_out(
    redis_client: aioredis.Redis, config: RuntimeConfig
) -> None:
    transport = Transport()
    runtime = Runtime(redis_client, config, AppendingHandler(), transport)
    async with running(runtime):
        await runtime.record([Envelope(A, "m1", b"bad"), Envelope(A, "m2", b"2")])
        await wait_for(lambda: transport.delivered[A] == [b"ok:2"], what="delivery")
    letters = await redis_client.lrange(f"{config.key_prefix}outbox-dead:{{{A.tag}}}", 0, -1)
    assert [orjson.loads(x)["reason"] for x in letters] == ["131026 undeliverable"]
    assert [orjson.loads(x)["item"] for x in letters] == ["ok:bad"]
    assert runtime.stats()["sends_dead_lettered"] == 1


async def test_a_conversation_in_backoff_does_not_hold_up_another(
    redis_client: aioredis.Redis, config: RuntimeConfig
) -> None:
    transport = Transport()
    runtime = Runtime(redis_client, config, AppendingHandler(), transport)
    async with running(runtime):
        await runtime.record([Envelope(A, "a1", b"stuck")])
        await wait_for(lambda: len(transport.tries[b"ok:stuck"]) >= 2, what="A retrying")
        await runtime.record([Envelope(B, f"b{i}", str(i).encode()) for i in range(3)])
        await wait_for(lambda: len(transport.delivered[B]) == 3, what="B delivered")
        # A is still retrying (honouring retry_after), its item still in the outbox.
        assert await redis_client.lrange(f"{config.key_prefix}outbox:{{{A.tag}}}", 0, -1) == [
            b"ok:stuck"
        ]
        tries = transport.tries[b"ok:stuck"]
        assert all(later - earlier >= 0.045 for earlier, later in itertools.pairwise(tries))
        assert runtime.stats()["active_actors"] >= 1  # A stays owned while it has replies
    assert transport.delivered[B] == [b"ok:0", b"ok:1", b"ok:2"]
    assert transport.delivered[A] == []


async def test_retries_give_up_into_the_dead_letter_list_only_after_the_retry_deadline(
    redis_client: aioredis.Redis, config: RuntimeConfig
) -> None:
    config = attrs.evolve(config, outbox_retry_seconds=0.5)
    transport = Transport()
    runtime = Runtime(redis_client, config, AppendingHandler(), transport)
    async with running(runtime):
        await runtime.record([Envelope(A, "a1", b"stuck"), Envelope(A, "a2", b"after")])
        await wait_for(lambda: transport.delivered[A] == [b"ok:after"], what="next item")
    tries = transport.tries[b"ok:stuck"]
    assert tries[-1] - tries[0] >= 0.5  # kept trying until the deadline, not a count
    assert len(tries) >= 5
    letters = await redis_client.lrange(f"{config.key_prefix}outbox-dead:{{{A.tag}}}", 0, -1)
    assert [orjson.loads(x)["reason"] for x in letters] == ["retry deadline passed: busy"]
    assert [d["reason"] for d in runtime.recent_dead_letters()] == ["retry deadline passed: busy"]


async def test_a_paced_reply_waits_its_turn_and_the_next_one_waits_behind_it(
    redis_client: aioredis.Redis, config: RuntimeConfig
) -> None:
    # Pacing reaches the sender the one way it does in production: the transport defers.
    transport = Transport()
    runtime = Runtime(redis_client, config, AppendingHandler(), transport)
    async with running(runtime):
        await runtime.record([Envelope(A, "a1", b"paced"), Envelope(A, "a2", b"next")])
        await wait_for(lambda: len(transport.delivered[A]) == 2, what="both delivered")
    assert transport.delivered[A] == [b"ok:paced", b"ok:next"]
    paced = transport.tries[b"ok:paced"]
    assert len(paced) == 3
    assert all(later - earlier >= 0.095 for earlier, later in itertools.pairwise(paced))
    assert transport.tries[b"ok:next"][0] >= paced[-1]  # never sent ahead of the paced one
    stats = runtime.stats()
    assert stats["sends_deferred"] == 2
    assert stats.get("sends_retried", 0) == 0  # a deferral is not a failure
    assert stats.get("sends_dead_lettered", 0) == 0


@attrs.define
class NotingTransport:
    """Hands back, for each delivered item, a note for the outbox to write with its removal."""

    prefix: str
    tries: list[bytes] = attrs.field(factory=list)

    async def __call__(self, key: ConversationKey, item: bytes) -> list[tuple[object, ...]]:
        self.tries.append(item)
        if item == b"ok:flaky" and self.tries.count(item) == 1:
            raise SendRetryable("429 rate limited")
        return [("SET", f"{self.prefix}note:{{{key.tag}}}:{item.decode()}", "sent")]


async def test_the_notes_a_send_hands_back_are_written_with_the_removal(
    redis_client: aioredis.Redis, config: RuntimeConfig
) -> None:
    transport = NotingTransport(config.key_prefix)
    runtime = Runtime(redis_client, config, AppendingHandler(), transport)
    note = f"{config.key_prefix}note:{{{A.tag}}}:ok:"
    async with running(runtime):
        await runtime.record([Envelope(A, "m1", b"flaky"), Envelope(A, "m2", b"2")])
        await wait_for(lambda: len(transport.tries) >= 3, what="three tries")
        await wait_for(lambda: runtime.stats()["sends_sent"] == 2, what="two sent")
    assert transport.tries == [b"ok:flaky", b"ok:flaky", b"ok:2"]
    assert await redis_client.get(f"{note}flaky") == b"sent"  # once, after the second try
    assert await redis_client.get(f"{note}2") == b"sent"
    assert await redis_client.llen(f"{config.key_prefix}outbox:{{{A.tag}}}") == 0
