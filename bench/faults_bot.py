"""`python -m bench.faults_bot`: one serving process of the fault suite, as `vimbiso serve` runs
it (settings from the environment), on a shared port (SO_REUSEPORT) so two can run side by side
and the survivor of a SIGKILL keeps serving. `FAULTS_KEY_PREFIX` names the Redis key prefix.
Leases are short so a successor claims a dead process's conversations quickly. Prints `ready`
once listening; SIGTERM stops it gracefully."""

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
    prefix = os.environ["FAULTS_KEY_PREFIX"]
    config = attrs.evolve(
        settings.runtime_config(prefix),
        lease_ttl=2.0,
        sweep_interval=0.5,
    )
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    async with running_service(settings, runtime_config=config, reuse_port=True):
        print("ready", flush=True)
        await stop.wait()


if __name__ == "__main__":
    setup_logging("ERROR")
    asyncio.run(serve_until_sigterm())
