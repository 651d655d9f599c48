"""Real host processes sharing one Redis: exactly once, in order, one activation at a time,
and nothing lost when a host is killed (SIGKILL) or stopped (SIGTERM) in the middle of a load."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager

import anyio
import pytest
import redis.asyncio as aioredis

from runtime.config import RuntimeConfig
from runtime.contracts import ConversationKey, Envelope
from runtime.host import Runtime
from tests.runtime.handlers import AppendingHandler, processed_ids
from tests.runtime.running import wait_for

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

CONVERSATIONS = [ConversationKey("15550001", f"2637700{i:05d}") for i in range(100)]
ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


@contextmanager
def host(url: str, prefix: str, process_id: str, *extra: str) -> Iterator[subprocess.Popen[str]]:
    proc = subprocess.Popen(
        [sys.executable, "-m", "tests.runtime.host_proc", url, prefix, process_id, *extra],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert proc.stdout is not None
        assert proc.stdout.readline().strip() == "ready"
        yield proc
    finally:
        if proc.poll() is None:
            proc.kill()
        proc.wait(timeout=10)


def recorder(redis: aioredis.Redis, config: RuntimeConfig) -> Runtime:
    """The test records like a gateway process that hosts no actors itself."""
    return Runtime(redis, config, AppendingHandler(), process_id="gateway")


async def feed(runtime: Runtime, rounds: range, pause: float = 0.0) -> list[str]:
    """Interleave conversations: round r records message r of every conversation."""
    ids = []
    for r in rounds:
        batch = [Envelope(key, f"{key.user}-{r:03d}", b"x") for key in CONVERSATIONS]
        assert all(await runtime.record(batch))
        ids.extend(e.message_id for e in batch)
        if pause:
            await anyio.sleep(pause)
    return ids


async def committed(runtime: Runtime) -> dict[ConversationKey, list[str]]:
    return {key: processed_ids(await runtime.read_session(key)) for key in CONVERSATIONS}


async def all_committed(runtime: Runtime, per_conversation: int) -> bool:
    sessions = await committed(runtime)
    return all(len(done) >= per_conversation for done in sessions.values())


async def evidence(redis: aioredis.Redis, prefix: str, name: str) -> int:
    return int(await redis.get(f"{prefix}check:{name}") or 0)


def assert_exactly_once_in_order(sessions: dict[ConversationKey, list[str]], rounds: int) -> None:
    for key, done in sessions.items():
        assert done == [f"{key.user}-{r:03d}" for r in range(rounds)], key


async def test_two_host_processes_process_every_message_once_in_order_without_overlap(
    redis_url: str, redis_client: aioredis.Redis, config: RuntimeConfig, key_prefix: str
) -> None:
    gateway = recorder(redis_client, config)
    with host(redis_url, key_prefix, "one") as one, host(redis_url, key_prefix, "two") as two:
        await feed(gateway, range(10), pause=0.02)
        await wait_for(lambda: all_committed(gateway, 10), within=60, what="all committed")
    for proc in (one, two):
        assert await evidence(redis_client, key_prefix, f"handled:{proc.pid}") > 0
    assert_exactly_once_in_order(await committed(gateway), 10)
    assert await evidence(redis_client, key_prefix, "overlaps") == 0
    assert await evidence(redis_client, key_prefix, "reprocessed") == 0
    assert await evidence(redis_client, key_prefix, "handled") == 1000


async def test_sigkill_mid_load_another_host_finishes_without_loss_or_recommit(
    redis_url: str, redis_client: aioredis.Redis, config: RuntimeConfig, key_prefix: str
) -> None:
    gateway = recorder(redis_client, config)
    with host(redis_url, key_prefix, "victim", "--work", "0.002") as victim:
        await feed(gateway, range(5))
        await wait_for(
            lambda: evidence(redis_client, key_prefix, "handled"), within=30, what="progress"
        )
        victim.send_signal(signal.SIGKILL)
        victim.wait(timeout=10)
    assert victim.returncode == -signal.SIGKILL
    partly = sum(len(done) for done in (await committed(gateway)).values())
    assert partly < 500, "the victim finished before it was killed; the test proved nothing"
    with host(redis_url, key_prefix, "survivor"):
        await feed(gateway, range(5, 8))
        await wait_for(lambda: all_committed(gateway, 8), within=60, what="survivor finishes")
    assert_exactly_once_in_order(await committed(gateway), 8)
    assert await evidence(redis_client, key_prefix, "reprocessed") == 0


async def test_sigterm_during_load_exits_zero_within_the_deadline_and_loses_nothing(
    redis_url: str, redis_client: aioredis.Redis, config: RuntimeConfig, key_prefix: str
) -> None:
    gateway = recorder(redis_client, config)
    deadline = 3.0
    with host(
        redis_url, key_prefix, "leaving", "--deadline", str(deadline), "--work", "0.01"
    ) as leaving:
        await feed(gateway, range(5))
        await wait_for(
            lambda: evidence(redis_client, key_prefix, "handled"), within=30, what="progress"
        )
        started = time.monotonic()
        leaving.send_signal(signal.SIGTERM)
        leaving.wait(timeout=deadline + 5)
        took = time.monotonic() - started
    assert leaving.returncode == 0
    assert took < deadline + 2.0
    partly = sum(len(done) for done in (await committed(gateway)).values())
    assert partly < 500, "the host finished before SIGTERM; the test proved nothing"
    # Leases were handed back: the next host starts at once, not after lease expiry.
    leases = [k async for k in redis_client.scan_iter(match=f"{key_prefix}lease:*")]
    assert leases == []
    with host(redis_url, key_prefix, "next"):
        await wait_for(lambda: all_committed(gateway, 5), within=60, what="next host finishes")
    assert_exactly_once_in_order(await committed(gateway), 5)
    assert await evidence(redis_client, key_prefix, "reprocessed") == 0
