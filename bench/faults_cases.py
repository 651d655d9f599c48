"""The fault suite's cases: one bad day each, on a fresh rig (see bench/faults.py)."""

from __future__ import annotations

import asyncio
import random
import sys
import time
from collections.abc import Awaitable, Callable
from typing import Any

import orjson

from bench.faults_proxy import Fault, Plan, mixed
from bench.faults_rig import REPO, Rig, running_rig
from bench.faults_traffic import Mix

Traffic = Callable[..., Awaitable[dict[str, float]]]
SEND_SLACK = 4.0  # the reply's way out through the outbox and the Graph API
FLOODERS = 16  # concurrent hostile senders (bench/faults_flood.py), each its share of the rate


def _graph_error(code: int, message: str) -> Fault:
    return Fault(400, {"error": {"message": message, "type": "OAuthException", "code": code}})


async def duplicates(scale: Any, traffic: Traffic) -> dict[str, float]:
    """30% of webhooks delivered twice, 10% of message pairs out of order."""
    async with running_rig() as rig:
        mix = Mix(duplicate_share=0.3, reorder_share=0.1, answer_within=20)
        return await traffic(rig, scale, mix, seed=1, drain_for=10)


async def sigkill(scale: Any, traffic: Traffic) -> dict[str, float]:
    """Two serving processes; every few seconds one is SIGKILLed and a new one started."""
    async with running_rig(processes=2) as rig:
        rng = random.Random(2)

        async def kill_and_restart() -> None:
            for _ in range(1000):  # bounded; cancelled when the traffic ends
                await asyncio.sleep(scale.kill_every)
                if rig.bots.running:
                    await rig.bots.kill(rng.choice(rig.bots.running))
                await rig.bots.start()

        numbers = await traffic(rig, scale, Mix(answer_within=30), 2, 30, kill_and_restart)
        numbers["processes killed"] = rig.bots.killed
        return numbers


async def redis_restart(scale: Any, traffic: Traffic) -> dict[str, float]:
    """Redis killed under load and started again (append-only file, fsync always)."""
    async with running_rig() as rig:

        async def restart() -> None:
            await asyncio.sleep(1.0)
            await rig.redis.kill()
            await asyncio.sleep(scale.redis_down)
            await rig.redis.start()

        mix = Mix(answer_within=scale.redis_down + 30)
        numbers = await traffic(rig, scale, mix, 3, 30, restart)
        numbers["bot processes still running"] = sum(
            1 for p in rig.bots.running if p.returncode is None
        )
        return numbers


async def credex_faults(scale: Any, traffic: Traffic) -> dict[str, float]:
    """credex-core answering 500s and 429s, and hanging 12 s, on any call."""
    env = {
        "CREDEX_ANSWER_SECONDS": str(scale.answer_seconds),
        "CREDEX_WRITE_SETTLE_SECONDS": str(max(5.0, scale.hang + 3)),  # > any hung create
    }
    async with running_rig(env_extra=env) as rig:
        rig.credex.plan = mixed(
            random.Random(4),
            (0.15, Fault(500, {"error": "Internal server error"})),
            (0.10, Fault(429, {"message": "Too many requests, please try again later"})),
            (0.05, Fault(hang=scale.hang)),
        )
        mix = Mix(answer_within=scale.answer_seconds + SEND_SLACK)
        numbers = await traffic(rig, scale, mix, 4, 30)
        numbers.update(_counts("credex-core", rig.credex.counts))
        creates = {k: v for k, v in rig.credex.by_operation.items() if k.startswith("createCredex")}
        numbers.update(_counts("credex-core", creates))
        if numbers["answered late (past the bound)"]:
            numbers["passed"] = 0.0  # G7 here means: within CREDEX_ANSWER_SECONDS (+ the send)
        return numbers


def _bursts(rng: random.Random, period: float, burst: float, started: float, hang: float) -> Plan:
    """Graph API: 130429 for every send during `burst` of each `period` seconds, else a mix of
    131056, 5xx and 12 s hangs (accepted after the sender's timeout)."""
    background = mixed(
        rng,
        (0.05, _graph_error(131056, "(#131056) pair rate limit hit")),
        (0.05, Fault(500, {"error": {"message": "An unknown error occurred", "code": 1}})),
        (0.03, Fault(hang=hang)),
        only="messages",
    )  # fmt: skip

    def plan(operation: str) -> Fault | None:
        if operation == "messages" and (time.monotonic() - started) % period < burst:
            return _graph_error(130429, "(#130429) Rate limit hit")
        return background(operation)

    return plan


async def cloud_api_faults(scale: Any, traffic: Traffic) -> dict[str, float]:
    async with running_rig() as rig:
        rig.graph.plan = _bursts(random.Random(5), 5.0, 1.0, time.monotonic(), scale.hang)
        numbers = await traffic(rig, scale, Mix(answer_within=40), 5, 40)
        numbers.update(_counts("graph", rig.graph.counts))
        return numbers


async def cloud_api_outage(scale: Any, traffic: Traffic) -> dict[str, float]:
    """The Cloud API unreachable for `outage` seconds, starting one second into the traffic."""
    async with running_rig() as rig:
        down = {"from": 0.0}

        def plan(operation: str) -> Fault | None:
            if down["from"] and time.monotonic() - down["from"] < scale.outage:
                return Fault(drop=True)
            return None

        async def outage() -> None:
            await asyncio.sleep(0.2)  # the first replies go out; then nothing can
            down["from"] = time.monotonic()

        rig.graph.plan = plan
        # Bounded: members talk for the outage and a minute more, then the replies get a minute.
        mix = Mix(answer_within=scale.outage + 40, talk_for=scale.outage + 60)
        numbers = await traffic(rig, scale, mix, 6, 60, outage)
        numbers["outage seconds"] = scale.outage
        numbers.update(_counts("graph", rig.graph.counts))
        return numbers


async def hostile_webhooks(scale: Any, traffic: Traffic) -> dict[str, float]:
    """Forged, oversized and malformed webhooks at a high rate beside the real traffic; the
    flood comes from a process of its own (`bench.faults_flood`), so it never delays the real
    members whose webhook answer times are measured."""
    async with running_rig() as rig:
        counts: dict[str, float] = {}

        async def flood() -> None:
            process = await asyncio.create_subprocess_exec(
                sys.executable, "-m", "bench.faults_flood", rig.webhook_url,
                str(scale.hostile_rate), str(FLOODERS), cwd=REPO, stdout=asyncio.subprocess.PIPE,
            )  # fmt: skip
            assert process.stdout is not None
            try:
                await process.stdout.readline()  # "flooding"
                await process.wait()  # until the traffic ends and cancels this
            finally:
                if process.returncode is None:
                    process.terminate()
                    counts.update(orjson.loads(await process.stdout.readline()))
                    await process.wait()

        numbers = await traffic(rig, scale, Mix(answer_within=30), 7, 20, flood)
        seconds = max(1e-3, counts.pop("seconds", 0.0))
        numbers.update({f"{k} webhooks sent": v for k, v in counts.items()})
        numbers["hostile webhooks per second"] = sum(counts.values()) / seconds
        numbers["ack p99 bound s"] = scale.ack_p99_bound
        if numbers["webhook ack p99 s"] > scale.ack_p99_bound:
            numbers["passed"] = 0.0
        return numbers


def _counts(prefix: str, counts: Any) -> dict[str, float]:
    return {f"{prefix} {name}": float(n) for name, n in sorted(counts.items())}


__all__ = ["Rig"]
