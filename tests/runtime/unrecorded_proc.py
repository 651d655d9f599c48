"""A process that records no spans (no exporter, no sampler set: what `vimbiso serve` runs
without OTLP): a message's trace id must still reach its turn, its calls to credex-core (their
`traceparent`) and its reply's send.

`python -m tests.runtime.unrecorded_proc REDIS_URL PREFIX TRACEPARENT` prints one JSON line."""

from __future__ import annotations

import asyncio
import sys
from contextlib import suppress

import anyio
import orjson
from aiohttp import web
from opentelemetry import trace

from gateway.credex.client import CredexClient
from runtime.config import RuntimeConfig
from runtime.contracts import ConversationKey, Envelope, Turn, TurnContext
from runtime.host import Runtime
from runtime.telemetry import continued, setup_telemetry, spans_recorded
from tests.redis_server import client


class _Seeing:
    def __init__(self) -> None:
        self.turn_trace = ""
        self.send_trace = ""
        self.credex_traces: list[str] = []  # the traceparents credex-core was sent
        self.credex: CredexClient | None = None
        self.sent = anyio.Event()

    async def credex_core(self, request: web.Request) -> web.Response:
        self.credex_traces.append(request.headers.get("traceparent", "").split("-")[1:2][0])
        return web.json_response({"token": "a-token"})  # not a dashboard: the view fails

    async def handle(self, ctx: TurnContext, session: bytes | None, envelope: Envelope) -> Turn:
        self.turn_trace = f"{trace.get_current_span().get_span_context().trace_id:032x}"
        assert self.credex is not None
        with suppress(Exception):
            await self.credex.member_view("263770003333")  # login, then the dashboard
        return Turn(session=b"[]", replies=[orjson.dumps(envelope.trace_context)])

    def on_error(
        self, key: ConversationKey, envelope: Envelope, error: BaseException
    ) -> list[bytes]:
        return []

    def on_overload(self, key: ConversationKey, envelope: Envelope) -> list[bytes]:
        return []

    async def send(self, key: ConversationKey, item: bytes) -> None:
        with continued(orjson.loads(item)):
            self.send_trace = f"{trace.get_current_span().get_span_context().trace_id:032x}"
        self.sent.set()


async def main(redis_url: str, prefix: str, parent: str) -> None:
    setup_telemetry("unrecorded-test")
    seeing = _Seeing()
    app = web.Application()
    app.router.add_post("/v1/{operation}", seeing.credex_core)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = runner.addresses[0][1]
    seeing.credex = CredexClient(f"http://127.0.0.1:{port}/v1", client_api_key=None)
    config = RuntimeConfig(key_prefix=prefix, sweep_interval=0.2, actor_idle_seconds=0.3)
    runtime = Runtime(client(redis_url), config, seeing, seeing.send, process_id="unrecorded")
    key = ConversationKey("15550003333", "263770003333")
    with anyio.fail_after(20):
        async with anyio.create_task_group() as group:
            await group.start(runtime.run)
            envelope = Envelope(key, "wamid.unrecorded", b"x", {"traceparent": parent})
            await runtime.record([envelope])
            await seeing.sent.wait()
            await runtime.stop()
    await seeing.credex.close()
    await runner.cleanup()
    seen = {"recorded": spans_recorded(), "turn": seeing.turn_trace}
    seen |= {"credex": seeing.credex_traces, "send": seeing.send_trace}
    print(orjson.dumps(seen).decode())


if __name__ == "__main__":
    asyncio.run(main(*sys.argv[1:4]))
