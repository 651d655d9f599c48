"""`vimbiso bench e2e-memory`: the RSS of one `vimbiso serve` worker process (and of its
ingress) after `--members` distinct members (100,000 by default) each sent one message and their
idle actors were evicted (G6: memory does not grow with the number of members seen; target
< 300 MB).

Same stack as bench/e2e.py (private Redis, credex-core simulator, fake Cloud API, this process
as load generator). `ACTOR_IDLE_SECONDS` is 5 here so eviction happens within the run.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
import time
from collections.abc import Sequence

from bench.e2e import _graph_stats, _Load, _process, _server, _settled, serving_pids
from bench.gateway_bench import _load
from simulator.redis_server import embedded_redis

IDLE_SECONDS = 5


def _rss_mb(pid: int) -> float:
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


def measure(members: int = 100_000, rate: int = 1000) -> dict[str, float]:
    os.environ["BENCH_SERVE_ACTOR_IDLE_SECONDS"] = str(IDLE_SECONDS)
    results: dict[str, float] = {"members": float(members)}
    with (
        embedded_redis() as redis_url,
        _process(
            [sys.executable, "-m", "gateway.cli", "credex-sim", "--port", "0", "--auth", "lax"],
            announce="listening",
        ) as (_, sim_line),
        _process([sys.executable, "-m", "bench.e2e_graph"], announce="PORT ") as (_, graph_line),
    ):
        credex_url = sim_line.split()[3]
        graph_url = f"http://127.0.0.1:{graph_line.split()[1]}"
        with _server("serve-1", redis_url, credex_url, graph_url) as (port, pid):
            ingress, serving = serving_pids(pid)  # the worker hosts the actors
            results["rss_at_start_mb"] = _rss_mb(serving)
            results["ingress_rss_at_start_mb"] = _rss_mb(ingress)
            load = _Load(members, ("help",))
            started = time.monotonic()
            peak = 0.0
            for at in range(0, members, 10_000):
                asyncio.run(_load(port, load.take(min(10_000, members - at)), rate, warmup=0))
                peak = max(peak, _rss_mb(serving))
            done = asyncio.run(_settled(graph_url, quiet=IDLE_SECONDS + 3, within=3600))
            results["replies"] = float(done["accepted"])
            results["seconds_to_last_reply"] = time.monotonic() - started
            results["rss_peak_sampled_mb"] = max(peak, _rss_mb(serving))
            time.sleep(IDLE_SECONDS * 3)  # every actor idle past ACTOR_IDLE_SECONDS: evicted
            results["rss_after_eviction_mb"] = _rss_mb(serving)
            results["ingress_rss_after_mb"] = _rss_mb(ingress)
            results["replies_after_wait"] = float(asyncio.run(_graph_stats(graph_url))["accepted"])
    return results


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m bench.e2e_memory", description=__doc__)
    parser.add_argument("--members", type=int, default=100_000)
    parser.add_argument("--rate", type=int, default=1000, help="offered messages per second")
    return parser


def run(argv: Sequence[str] = ()) -> dict[str, float]:
    """For `vimbiso bench` (the suite), which passes the flags after `e2e-memory`."""
    args = _parser().parse_args(list(argv))
    return measure(args.members, args.rate)


def main(argv: Sequence[str] | None = None) -> None:
    for key, value in run(sys.argv[1:] if argv is None else argv).items():
        print(f"  {key:<32} {value:>14,.1f}")


if __name__ == "__main__":
    main()
