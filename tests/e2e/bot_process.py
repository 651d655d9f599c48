"""`python -m tests.e2e.bot_process`: the real service (gateway + runtime + sender) as a process
of its own, so a test can SIGKILL it mid-turn and start another on the same Redis.

Settings come from the environment exactly as for `vimbiso serve` (`load_settings`), plus
`E2E_KEY_PREFIX` (the test's Redis key prefix). Leases are short so a successor claims a dead
process's conversations within about a second; `E2E_LEASE_SECONDS` sets another lease (the
fleet tests use a long one to show a crash is taken over long before the lease lapses).
Prints `ready` once the port is open; SIGTERM stops it gracefully (exit 0).
"""

from __future__ import annotations

import asyncio
import os
import signal

import attrs

from gateway.serve import running_service
from gateway.settings import load_settings
from runtime import setup_logging


async def serve_until_sigterm() -> None:
    settings = load_settings(os.environ)
    prefix = os.environ["E2E_KEY_PREFIX"]
    config = attrs.evolve(
        settings.runtime_config(prefix),
        lease_ttl=float(os.environ.get("E2E_LEASE_SECONDS", "1.0")),
        sweep_interval=0.2,
    )
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    async with running_service(settings, runtime_config=config):
        print("ready", flush=True)
        await stop.wait()


if __name__ == "__main__":
    setup_logging("WARNING")
    asyncio.run(serve_until_sigterm())
