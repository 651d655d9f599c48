"""A host process for the multi-process tests: `python -m tests.runtime.host_proc URL PREFIX ID`.

Runs a Runtime with the FleetHandler until SIGTERM (graceful stop, exit 0) or SIGKILL. Prints
`ready` once it hosts actors.
"""

from __future__ import annotations

import argparse
import signal
import sys

import anyio

from runtime.client import ready
from runtime.config import RuntimeConfig
from runtime.host import Runtime
from tests.redis_server import client
from tests.runtime.handlers import FleetHandler


async def main(
    url: str, prefix: str, process_id: str, deadline: float, work: float, kill_on: bytes
) -> None:
    redis = client(url)
    evidence = client(url)
    await ready(evidence)
    config = RuntimeConfig(
        key_prefix=prefix,
        actor_idle_seconds=0.5,
        lease_ttl=1.0,
        sweep_interval=0.2,
        rate_limit_per_minute=100_000,
        shutdown_deadline=deadline,
    )
    runtime = Runtime(
        redis,
        config,
        FleetHandler(evidence, prefix, work=work, kill_on=kill_on),
        process_id=process_id,
    )
    async with anyio.create_task_group() as group:
        await group.start(runtime.run)
        print("ready", flush=True)
        with anyio.open_signal_receiver(signal.SIGTERM) as signals:
            async for _ in signals:
                await runtime.stop()
                break
    print(f"stopped {runtime.stats()}", flush=True)
    await redis.aclose()
    await evidence.aclose()


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("url")
    parser.add_argument("prefix")
    parser.add_argument("process_id")
    parser.add_argument("--deadline", type=float, default=5.0)
    parser.add_argument("--work", type=float, default=0.0, help="seconds each message takes")
    parser.add_argument("--kill-on", default="", help="a payload that SIGKILLs this process")
    args = parser.parse_args()
    anyio.run(
        main,
        args.url,
        args.prefix,
        args.process_id,
        args.deadline,
        args.work,
        args.kill_on.encode(),
    )
    sys.exit(0)
