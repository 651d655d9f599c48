"""A runtime without a handler (the ingress of `vimbiso serve`) records and hosts nothing: each
conversation nobody owns is handed to a live worker at once (the record script pokes it; on a
cluster the ingress sends the poke), a dead owner's goes to a live worker that takes it over,
and with no worker alive the work waits, pending, for the first to start.

The sweepers here look again only every 30 s: only the hand-over explains work done sooner."""

from __future__ import annotations

import time

import attrs

from runtime.client import RedisClient
from runtime.config import RuntimeConfig
from runtime.contracts import ConversationKey, Envelope
from runtime.host import Runtime
from runtime.keys import Keys, encode_member
from tests.runtime.handlers import AppendingHandler, processed_ids
from tests.runtime.running import pending_count, running, wait_for

KEY = ConversationKey("15550001111", "263770004242")
SLOW_SWEEP = 30.0


def _slow_sweep(config: RuntimeConfig) -> RuntimeConfig:
    return attrs.evolve(config, sweep_interval=SLOW_SWEEP, lease_ttl=60.0, host_timeout=1.0)


async def test_an_ingress_hands_new_conversations_to_a_live_worker_which_answers_in_order(
    redis_client: RedisClient, config: RuntimeConfig
) -> None:
    config = _slow_sweep(config)
    worker = Runtime(redis_client, config, AppendingHandler(), process_id="worker-a")
    ingress = Runtime(redis_client, config, process_id="ingress")
    assert not ingress.hosts and worker.hosts
    keys = [ConversationKey("15550001111", f"26377000{n:04d}") for n in range(20)]
    started = time.monotonic()
    async with running(worker), running(ingress):
        for key in keys:
            assert await ingress.record([Envelope(key, f"{key.user}-1", b"x")]) == [True]
        await wait_for(lambda: worker.stats().get("processed", 0) >= len(keys), within=10)
        # A second message for each: their actors are live on the worker, which is poked.
        for key in keys:
            await ingress.record([Envelope(key, f"{key.user}-2", b"x")])
        await wait_for(lambda: worker.stats().get("processed", 0) >= 2 * len(keys), within=10)
        assert time.monotonic() - started < SLOW_SWEEP / 2
        for key in keys:
            assert processed_ids(await worker.read_session(key)) == [
                f"{key.user}-1",
                f"{key.user}-2",
            ]
    assert ingress.counters["activations"] == 0 and ingress.actors() == []
    assert ingress.counters["recorded"] == 2 * len(keys)


async def test_an_ingress_spreads_conversations_over_the_live_workers(
    redis_client: RedisClient, config: RuntimeConfig
) -> None:
    config = _slow_sweep(config)
    workers = [
        Runtime(redis_client, config, AppendingHandler(), process_id=f"worker-{n}")
        for n in range(2)
    ]
    ingress = Runtime(redis_client, config, process_id="ingress")
    keys = [ConversationKey("15550001111", f"26377001{n:04d}") for n in range(40)]
    async with running(workers[0]), running(workers[1]), running(ingress):
        await ingress._fleet.read_hosts()  # both workers' heartbeats, without waiting a beat
        for key in keys:
            await ingress.record([Envelope(key, f"{key.user}-1", b"x")])
        await wait_for(
            lambda: sum(w.stats().get("processed", 0) for w in workers) >= len(keys), within=10
        )
        shares = [w.stats().get("processed", 0) for w in workers]
    assert min(shares) >= 5, shares  # rendezvous hashing: both get a fair part


async def test_an_ingress_gives_a_dead_owners_conversation_to_a_live_worker(
    redis_client: RedisClient, config: RuntimeConfig
) -> None:
    config = _slow_sweep(config)
    keys = Keys(config.key_prefix)
    await redis_client.set(keys.of(KEY).lease, "dead-host:0000:1", px=60_000)
    await redis_client.zadd(keys.hosts("dead-host"), {"dead-host": time.time() - 5})
    worker = Runtime(redis_client, config, AppendingHandler(), process_id="survivor")
    ingress = Runtime(redis_client, config, process_id="ingress")
    started = time.monotonic()
    async with running(worker), running(ingress):
        # The worker must have swept once to know the dead host for what it is: its first
        # sweep runs at start.
        await wait_for(lambda: worker._fleet.presumed_dead("dead-host"), within=5)
        assert await ingress.record([Envelope(KEY, "m1", b"x")]) == [True]
        await wait_for(lambda: worker.stats().get("processed", 0) >= 1, within=10)
    assert time.monotonic() - started < SLOW_SWEEP / 2
    assert worker.counters["takeovers"] >= 1
    assert processed_ids(await worker.read_session(KEY)) == ["m1"]


async def test_with_no_live_worker_the_work_waits_pending_for_the_first_to_start(
    redis_client: RedisClient, config: RuntimeConfig
) -> None:
    ingress = Runtime(redis_client, config, process_id="ingress")
    async with running(ingress):
        assert await ingress.record([Envelope(KEY, "m1", b"x")]) == [True]
        assert await pending_count(redis_client, config) == 1
        assert await redis_client.get(Keys(config.key_prefix).of(KEY).lease) is None
        worker = Runtime(redis_client, config, AppendingHandler(), process_id="late-worker")
        async with running(worker):  # its sweeper (every 0.2 s here) finds the conversation
            await wait_for(lambda: worker.stats().get("processed", 0) >= 1, within=10)
    assert processed_ids(await worker.read_session(KEY)) == ["m1"]


async def test_a_conversation_handed_to_a_live_worker_is_not_due_for_the_sweepers_at_once(
    redis_client: RedisClient, config: RuntimeConfig
) -> None:
    """The worker told of it marks it ahead itself while it hosts it: a mark due at once would
    have every new conversation met a second time by a sweep (a claim or a re-mark each)."""
    config = _slow_sweep(config)
    keys = Keys(config.key_prefix)
    idle = ConversationKey("15550001111", "263770009999")
    ingress = Runtime(redis_client, config, process_id="ingress")
    async with running(ingress):
        assert await ingress.record([Envelope(idle, "m0", b"x")]) == [True]  # nobody alive
        member = encode_member(idle)
        score = await redis_client.zscore(keys.pending(idle), member)
        assert score is not None and score <= time.time()
        worker = Runtime(redis_client, config, AppendingHandler(), process_id="worker-a")
        async with running(worker):
            await ingress._fleet.read_hosts()
            before = time.time()
            assert await ingress.record([Envelope(KEY, "m1", b"x")]) == [True]
            score = await redis_client.zscore(keys.pending(KEY), encode_member(KEY))
            assert score is not None
            assert score >= before + ingress._fleet.takeover_horizon - 0.5
            await wait_for(lambda: worker.stats().get("processed", 0) >= 1, within=10)


async def test_pokes_turned_away_by_admission_control_are_claimed_as_room_frees_up(
    redis_client: RedisClient, config: RuntimeConfig
) -> None:
    """Not left to a sweep (30 s away here): the worker tries them again itself, in order."""
    config = attrs.evolve(_slow_sweep(config), max_activating=2)
    worker = Runtime(redis_client, config, AppendingHandler(), process_id="worker-a")
    ingress = Runtime(redis_client, config, process_id="ingress")
    keys = [ConversationKey("15550001111", f"26377002{n:04d}") for n in range(30)]
    started = time.monotonic()
    async with running(worker), running(ingress):
        await ingress._fleet.read_hosts()
        assert await ingress.record([Envelope(key, f"{key.user}-1", b"x") for key in keys])
        await wait_for(lambda: worker.stats().get("processed", 0) >= len(keys), within=10)
    assert time.monotonic() - started < SLOW_SWEEP / 2
    for key in keys:
        assert processed_ids(await worker.read_session(key)) == [f"{key.user}-1"]
