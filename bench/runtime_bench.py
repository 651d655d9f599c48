"""Runtime benchmark: messages/s through record -> process -> commit with a do-nothing handler
on 1 and on 2 host processes, record latency at a fixed offered load, and memory per 10,000
idle conversations.

    REDIS_URL=redis://127.0.0.1:6379/0 python -m bench.runtime_bench
    REDIS_CLUSTER=true REDIS_URL=redis://127.0.0.1:7000/0 python -m bench.runtime_bench  # cluster

Each host process is also its own gateway (it records), as in production: messages for one
conversation arrive at either process, so ownership and pokes cross processes.
"""

from __future__ import annotations

import argparse
import gc
import os
import random
import subprocess
import sys
import time
import uuid
from collections.abc import Sequence

import anyio
import orjson

from runtime.client import RedisClient, connect, is_cluster, ready
from runtime.config import RuntimeConfig
from runtime.contracts import ConversationKey, Envelope, Turn, TurnContext
from runtime.host import Runtime

DEFAULT_URL = "redis://127.0.0.1:6379/0"


class NoOp:
    """The handler that does nothing: keeps the session, sends nothing."""

    async def handle(self, ctx: TurnContext, session: bytes | None, envelope: Envelope) -> Turn:
        return Turn(session=session)

    def on_error(
        self, key: ConversationKey, envelope: Envelope, error: BaseException
    ) -> Sequence[bytes]:
        return ()

    def on_overload(self, key: ConversationKey, envelope: Envelope) -> Sequence[bytes]:
        return ()


class Small:
    """Keeps a small session (about 200 bytes), like a conversation resting on its dashboard."""

    async def handle(self, ctx: TurnContext, session: bytes | None, envelope: Envelope) -> Turn:
        return Turn(session=orjson.dumps({"screen": "dashboard", "pad": "x" * 160}))

    on_error = NoOp.on_error
    on_overload = NoOp.on_overload


def _config(prefix: str) -> RuntimeConfig:
    return RuntimeConfig(key_prefix=prefix, rate_limit_per_minute=1_000_000, actor_idle_seconds=5)


def _users(count: int) -> list[ConversationKey]:
    return [ConversationKey("15550000001", f"26377{n:07d}") for n in range(count)]


async def _worker(url: str, prefix: str, index: int, messages: int, users: int) -> None:
    """One host process: waits for the start signal, records its share of messages for random
    conversations of the shared pool, and reports its processed count into Redis."""
    redis = await _client(url)
    runtime = Runtime(redis, _config(prefix), NoOp(), process_id=f"bench-{index}")
    pool = _users(users)
    rng = random.Random(index)

    async def recorder(lane: int, count: int) -> None:
        for start in range(0, count, 20):
            batch = [
                Envelope(rng.choice(pool), f"{index}-{lane}-{n}", b"x")
                for n in range(start, min(start + 20, count))
            ]
            await runtime.record(batch)

    async def report() -> None:
        while True:
            await redis.hset(
                f"{prefix}bench:processed", str(index), runtime.stats().get("processed", 0)
            )
            await anyio.sleep(0.05)

    async with anyio.create_task_group() as group:
        await group.start(runtime.run)
        group.start_soon(report)
        await redis.hset(f"{prefix}bench:ready", str(index), 1)
        while not await redis.exists(f"{prefix}bench:go"):  # noqa: ASYNC110 (polls state in Redis or another task's counters)
            await anyio.sleep(0.005)
        async with anyio.create_task_group() as recorders:
            lanes = 8
            for lane in range(lanes):
                recorders.start_soon(recorder, lane, messages // lanes)
        while not await redis.exists(f"{prefix}bench:stop"):  # noqa: ASYNC110 (polls state in Redis or another task's counters)
            await anyio.sleep(0.05)
        await runtime.stop()
        group.cancel_scope.cancel()
    await redis.aclose()


async def _throughput(url: str, processes: int, messages: int, users: int) -> float:
    prefix = f"bench:{uuid.uuid4().hex[:8]}:"
    redis = await _client(url)
    share = messages // processes
    procs = [
        subprocess.Popen(  # noqa: ASYNC220 (started before the clock runs)
            [
                sys.executable,
                "-m",
                "bench.runtime_bench",
                "--worker",
                url,
                prefix,
                str(i),
                str(share),
                str(users),
            ],
        )
        for i in range(processes)
    ]
    try:
        while await redis.hlen(f"{prefix}bench:ready") < processes:  # noqa: ASYNC110 (polls state in Redis or another task's counters)
            await anyio.sleep(0.01)
        started = time.perf_counter()
        await redis.set(f"{prefix}bench:go", 1)
        total = (share // 8) * 8 * processes
        while True:
            counts = await redis.hvals(f"{prefix}bench:processed")
            if sum(int(c) for c in counts) >= total:
                break
            await anyio.sleep(0.01)
        elapsed = time.perf_counter() - started
        await redis.set(f"{prefix}bench:stop", 1)
        for proc in procs:
            proc.wait(timeout=30)
        return total / elapsed
    finally:
        for proc in procs:
            if proc.poll() is None:
                proc.kill()
        await _clean(redis, prefix)
        await redis.aclose()


async def _record_latency(url: str, rate: float, seconds: float) -> tuple[float, float]:
    """Open loop: one record() of one envelope every 1/rate s while the same process hosts the
    actors that process them (gateway + host, as deployed)."""
    prefix = f"bench:{uuid.uuid4().hex[:8]}:"
    redis = await _client(url)
    runtime = Runtime(redis, _config(prefix), NoOp())
    pool = _users(500)
    latencies: list[float] = []

    async def one(n: int) -> None:
        began = time.perf_counter()
        await runtime.record([Envelope(random.choice(pool), f"lat-{n}", b"x")])
        latencies.append(time.perf_counter() - began)

    try:
        async with anyio.create_task_group() as group:
            await group.start(runtime.run)
            async with anyio.create_task_group() as load:
                origin = time.perf_counter()
                total = int(rate * seconds)
                for n in range(total):
                    delay = origin + n / rate - time.perf_counter()
                    if delay > 0:
                        await anyio.sleep(delay)
                    load.start_soon(one, n)
            await runtime.stop()
    finally:
        await _clean(redis, prefix)
        await redis.aclose()
    latencies.sort()
    return latencies[len(latencies) // 2] * 1000, latencies[int(len(latencies) * 0.99)] * 1000


def _rss() -> int:
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


async def _idle_memory(url: str, conversations: int) -> tuple[float, float, float, float]:
    """Process RSS bytes per idle actor (activated, waiting out its idle time), Redis bytes per
    idle session snapshot, RSS and heap blocks left per conversation after eviction (RSS
    rarely shrinks: the allocator keeps its arenas; the heap block count shows what is live)."""
    prefix = f"bench:{uuid.uuid4().hex[:8]}:"
    redis = await _client(url)
    config = RuntimeConfig(key_prefix=prefix, actor_idle_seconds=3.0, lease_ttl=5.0)
    runtime = Runtime(redis, config, Small())
    try:
        async with anyio.create_task_group() as group:
            await group.start(runtime.run)
            redis_before = int((await redis.info("memory"))["used_memory"])
            gc.collect()
            rss_before, blocks_before = _rss(), sys.getallocatedblocks()
            pool = _users(conversations)
            for start in range(0, conversations, 200):
                await runtime.record(
                    [Envelope(k, f"m-{k.user}", b"x") for k in pool[start : start + 200]]
                )
            while runtime.stats().get("processed", 0) < conversations:  # noqa: ASYNC110 (polls state in Redis or another task's counters)
                await anyio.sleep(0.05)
            rss_idle = _rss()
            redis_idle = int((await redis.info("memory"))["used_memory"])
            while runtime.stats()["active_actors"]:  # noqa: ASYNC110 (polls state in Redis or another task's counters)
                await anyio.sleep(0.05)
            gc.collect()
            rss_after, blocks_after = _rss(), sys.getallocatedblocks()
            await runtime.stop()
            group.cancel_scope.cancel()
    finally:
        await _clean(redis, prefix)
        await redis.aclose()
    return (
        (rss_idle - rss_before) / conversations,
        (redis_idle - redis_before) / conversations,
        (rss_after - rss_before) / conversations,
        (blocks_after - blocks_before) / conversations,
    )


async def _clean(redis: RedisClient, prefix: str) -> None:
    keys = [k async for k in redis.scan_iter(match=f"{prefix}*", count=1000)]
    if is_cluster(redis):
        for key in keys:  # keys of different slots cannot share a DEL
            await redis.delete(key)
        return
    for at in range(0, len(keys), 1000):
        await redis.delete(*keys[at : at + 1000])


async def _client(url: str) -> RedisClient:
    """REDIS_CLUSTER=true: the URL is a cluster seed, as for `vimbiso serve`."""
    cluster = os.environ.get("REDIS_CLUSTER", "").lower() in {"1", "true", "yes", "on"}
    redis = connect(url, cluster=cluster)
    await ready(redis)
    return redis


def run(
    url: str | None = None, messages: int = 20_000, users: int = 1_000, rate: float = 1_000.0
) -> dict[str, float]:
    url = url or os.environ.get("REDIS_URL", DEFAULT_URL)
    one = anyio.run(_throughput, url, 1, messages, users)
    two = anyio.run(_throughput, url, 2, messages, users)
    p50, p99 = anyio.run(_record_latency, url, rate, 5.0)
    per_actor, per_session, left, blocks_left = anyio.run(_idle_memory, url, 10_000)
    return {
        "msgs_per_s_1_process": one,
        "msgs_per_s_2_processes": two,
        "scaling_2_vs_1": two / one,
        f"record_p50_ms_at_{int(rate)}_per_s": p50,
        f"record_p99_ms_at_{int(rate)}_per_s": p99,
        "process_bytes_per_idle_actor": per_actor,
        "redis_bytes_per_idle_session": per_session,
        "process_rss_bytes_left_per_evicted_actor": left,
        "heap_blocks_left_per_evicted_actor": blocks_left,
        "process_mb_per_10000_idle_actors": per_actor * 10_000 / 1e6,
        "redis_mb_per_10000_idle_sessions": per_session * 10_000 / 1e6,
    }


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--worker", nargs=5, metavar=("URL", "PREFIX", "INDEX", "N", "USERS"))
    parser.add_argument("--messages", type=int, default=20_000)
    parser.add_argument("--users", type=int, default=1_000)
    parser.add_argument("--rate", type=float, default=1_000.0)
    args = parser.parse_args(argv)
    if args.worker:
        url, prefix, index, count, users = args.worker
        anyio.run(_worker, url, prefix, int(index), int(count), int(users))
        return
    for name, value in run(messages=args.messages, users=args.users, rate=args.rate).items():
        print(f"{name:<40} {value:>14,.2f}")


if __name__ == "__main__":
    main()
