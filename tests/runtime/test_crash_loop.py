"""Crash-loop protection with real processes: an envelope whose processing SIGKILLs its host is
dead-lettered (with the apology) after `max_attempts` host restarts, and every other message of
every conversation is still processed exactly once, in order."""

from __future__ import annotations

import signal
import subprocess
import sys

import orjson
import pytest
import redis.asyncio as aioredis

from runtime.config import RuntimeConfig
from runtime.contracts import Envelope
from tests.runtime.running import wait_for
from tests.runtime.test_processes import (
    CONVERSATIONS,
    ROOT,
    assert_exactly_once_in_order,
    committed,
    evidence,
    feed,
    recorder,
)

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

POISONED = CONVERSATIONS[7]


def _start(url: str, prefix: str) -> subprocess.Popen[str]:
    # The same process id each time, as a supervisor restarting one service would.
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "tests.runtime.host_proc",
            url,
            prefix,
            "phoenix",
            "--work",
            "0.002",
            "--kill-on",
            "deadly",
        ],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        text=True,
    )


async def test_an_envelope_that_kills_its_host_is_dead_lettered_after_max_attempts_restarts(
    redis_url: str, redis_client: aioredis.Redis, config: RuntimeConfig, key_prefix: str
) -> None:
    gateway = recorder(redis_client, config)
    await feed(gateway, range(2))
    assert await gateway.record([Envelope(POISONED, "poison", b"deadly")]) == [True]
    await feed(gateway, range(2, 5))
    tag = "{" + POISONED.tag + "}"
    dead = f"{key_prefix}dead:{tag}"

    async def settled() -> bool:
        sessions = await committed(gateway)
        return await redis_client.llen(dead) > 0 and all(len(d) >= 5 for d in sessions.values())

    kills = 0
    for _ in range(RuntimeConfig().max_attempts + 2):
        host = _start(redis_url, key_prefix)
        try:
            await wait_for(
                lambda h=host: h.poll() is not None or settled(),  # type: ignore[misc]
                within=60,
                what="the host dies or finishes",
            )
        finally:
            if host.poll() is None:
                host.terminate()
            host.wait(timeout=15)
        if host.returncode != -signal.SIGKILL:
            break
        kills += 1
        # Markers of turns the kill interrupted would read as overlaps in the next host.
        markers = [k async for k in redis_client.scan_iter(match=f"{key_prefix}check:active:*")]
        if markers:
            await redis_client.delete(*markers)
    assert kills == RuntimeConfig().max_attempts
    assert await settled()
    letters = [orjson.loads(x) for x in await redis_client.lrange(dead, 0, -1)]
    assert [(x["message_id"], x["reason"]) for x in letters] == [
        ("poison", "crashed the process 3 times")
    ]
    assert b"sorry:deadly" in await redis_client.lrange(f"{key_prefix}outbox:{tag}", 0, -1)
    # No bystander paid for the poison: nothing else was dead-lettered, nothing lost or redone.
    for key in CONVERSATIONS:
        if key != POISONED:
            assert await redis_client.llen(f"{key_prefix}dead:{{{key.tag}}}") == 0, key
    assert_exactly_once_in_order(await committed(gateway), 5)
    assert await evidence(redis_client, key_prefix, "reprocessed") == 0
    assert await evidence(redis_client, key_prefix, "overlaps") == 0
