"""The credex-core simulator behind the fault suite's proxy (`bench.faults_proxy.FaultProxy`),
so a test can step in at an exact moment of a real conversation: just before an operation
reaches credex-core (`before`), after credex-core answered but before the bot hears the answer
(`after`), or instead of credex-core (`plan`: a `Fault`, such as a 503, answered without
forwarding)."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator

from bench.faults_proxy import Fault, FaultProxy, serve
from simulator.credex.app import SimConfig, create_app

CredexProxy = FaultProxy  # the one proxy, here in front of credex-core
UNAVAILABLE = Fault(503, {"message": "Service Unavailable"})

__all__ = ["UNAVAILABLE", "CredexProxy", "proxied_simulator", "serve"]


@contextlib.asynccontextmanager
async def proxied_simulator() -> AsyncIterator[tuple[str, CredexProxy]]:
    """The demo-seeded credex-core simulator behind a proxy: (the simulator's /v1 URL, proxy).

    The bot is pointed at `proxy.url`; the test itself talks to the simulator directly.
    """
    async with serve(create_app(SimConfig(auth="enforced", seed="demo"))) as sim:
        proxy = CredexProxy(sim)
        try:
            async with serve(proxy.app()) as url:
                proxy.url = f"{url}/v1"
                yield f"{sim}/v1", proxy
        finally:
            await proxy.close()
