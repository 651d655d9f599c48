"""`vimbiso bench faults`: the fault suite. Each case runs the whole bot (real processes, real
Redis, the simulators over HTTP, 127.0.0.1 only) under one kind of bad day and prints its
counts and PASS/FAIL. Every case checks: zero acknowledged messages lost, zero duplicate
credex, every member message answered (and no reply sent twice).

Run: `.venv/bin/vimbiso bench faults [--smoke] [--outage-seconds 300] [--cases a,b]`.
`--smoke` is the small version the tests run (seconds, not minutes).
"""

from __future__ import annotations

import argparse
import asyncio
import random
import sys
import time
from collections.abc import Awaitable, Callable, Sequence

import attrs

from bench import faults_cases as cases
from bench.faults_rig import Rig
from bench.faults_traffic import (
    Mix,
    Tally,
    drain,
    menu_member,
    menu_phones,
    outgoing_count,
    paying_member,
    verdict,
)


@attrs.frozen
class Scale:
    members: int = 12
    rounds: int = 8
    payer_rounds: int = 6
    kill_every: float = 4.0  # seconds between SIGKILLs
    redis_down: float = 5.0
    outage: float = 300.0  # the Cloud API outage; a parameter (the five minutes)
    hostile_rate: float = 400.0  # forged/oversized/malformed webhooks per second
    ack_p99_bound: float = 0.25  # seconds: real traffic's ack p99 under the hostile load
    hang: float = 12.0  # how long a hanging credex-core or Cloud API call hangs
    answer_seconds: float = 8.0  # the bot's CREDEX_ANSWER_SECONDS


SMOKE = Scale(members=3, rounds=3, payer_rounds=2, kill_every=3.0, redis_down=2.0, outage=3.0,
              hostile_rate=100.0)  # fmt: skip

Case = Callable[..., Awaitable[dict[str, float]]]


Damage = Callable[[], Awaitable[None]]


async def traffic(
    rig: Rig, scale: Scale, mix: Mix, seed: int, drain_for: float, during: Damage | None = None
) -> dict[str, float]:
    """Members talk while `during` does its damage; then the three checks."""
    rng = random.Random(seed)
    mix = attrs.evolve(mix, started=time.monotonic())
    phones = menu_phones(scale.members)
    tally = Tally()
    before = await outgoing_count(rig)
    members = [
        menu_member(rig, p, scale.rounds, mix, tally, random.Random(rng.random())) for p in phones
    ]
    payer = paying_member(rig, scale.payer_rounds, mix, tally, random.Random(rng.random()))
    talk = asyncio.gather(*members, payer)
    if during is not None:
        damage = asyncio.ensure_future(during())
        await talk
        damage.cancel()
        await asyncio.gather(damage, return_exceptions=True)
    else:
        await talk
    await drain(rig, tally, phones, drain_for)
    created = await outgoing_count(rig) - before
    return verdict(rig, tally, phones, created)


CASES: dict[str, Case] = {
    "duplicates": cases.duplicates,
    "sigkill": cases.sigkill,
    "redis-restart": cases.redis_restart,
    "credex-faults": cases.credex_faults,
    "cloud-api-faults": cases.cloud_api_faults,
    "cloud-api-outage": cases.cloud_api_outage,
    "hostile-webhooks": cases.hostile_webhooks,
}


async def run_cases(names: Sequence[str], scale: Scale) -> dict[str, dict[str, float]]:
    results: dict[str, dict[str, float]] = {}
    for name in names:
        started = time.monotonic()
        try:
            numbers = await CASES[name](scale, traffic)
        except Exception as exc:  # a case that crashes is a failed case, with its reason
            print(f"  {name}: crashed: {type(exc).__name__}: {exc}", file=sys.stderr)
            numbers = {"passed": 0.0}
        numbers["case seconds"] = time.monotonic() - started
        results[name] = numbers
        report(name, numbers)
    return results


def report(name: str, numbers: dict[str, float]) -> None:
    verdict_ = "PASS" if numbers.get("passed") == 1.0 else "FAIL"
    print(f"-- {name}: {verdict_}", flush=True)
    for key, value in numbers.items():
        if key != "passed":
            shown = f"{value:,.3f}" if isinstance(value, float) and value % 1 else f"{value:,.0f}"
            print(f"     {key:<36} {shown:>12}", flush=True)


def run(argv: Sequence[str] = ()) -> dict[str, float]:
    """For `vimbiso bench` (the suite): every case at full scale; 1.0 per passed case."""
    parser = argparse.ArgumentParser(prog="vimbiso bench faults", description=__doc__)
    parser.add_argument("--smoke", action="store_true", help="the small, quick version")
    parser.add_argument("--outage-seconds", type=float, default=None)
    parser.add_argument("--cases", default=",".join(CASES), help="comma-separated case names")
    args = parser.parse_args(list(argv))
    scale = SMOKE if args.smoke else Scale()
    if args.outage_seconds is not None:
        scale = attrs.evolve(scale, outage=args.outage_seconds)
    names = [n for n in args.cases.split(",") if n]
    unknown = [n for n in names if n not in CASES]
    if unknown:
        parser.error(f"unknown case {', '.join(unknown)}; choose from {', '.join(CASES)}")
    results = asyncio.run(run_cases(names, scale))
    summary = {f"{name} passed": r.get("passed", 0.0) for name, r in results.items()}
    summary["cases passed"] = sum(summary.values())
    summary["cases run"] = float(len(results))
    return summary


if __name__ == "__main__":
    outcome = run(sys.argv[1:])
    sys.exit(0 if outcome["cases passed"] == outcome["cases run"] else 1)
