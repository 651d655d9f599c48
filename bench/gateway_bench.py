"""Webhook ack latency under an open-loop load (docs/architecture.md G1: p99 < 25 ms at 1,000
msg/s).

Run: `.venv/bin/python -m bench.gateway_bench [--seconds 5] [--rate 1000] [--repeats 3]`.
Needs a real Redis at `REDIS_URL` (default redis://127.0.0.1:6379/0).

The server runs in its own process, as `vimbiso serve` does: the real `create_app(...)` on a
real `Runtime` that hosts actors, with a no-op handler instead of the conversation layer (which
would need credex-core), so the numbers are those of the ack path plus the runtime's own work.
The load generator sends correctly signed text-message deliveries for many distinct users (some
batched, some phone-only so the identity lookup runs) at a fixed offered rate, scheduled by the
clock and never waiting for earlier answers, over keep-alive connections. Latency is measured
from each request's *scheduled* time, so a stalled server cannot hide its queue (no coordinated
omission). The same generator against a trivial aiohttp endpoint in its own process gives the
baseline of this machine, in the same run; the two alternate, and medians are reported.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import cProfile
import os
import random
import secrets
import signal
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Iterable, Sequence
from typing import Any

import attrs
import orjson

from gateway.whatsapp.signature import sign

REDIS_URL = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0")
APP_SECRET = "bench-app-secret"
PNID = "1098765432101"
CONNECTIONS = 32
USERS = 20_000
BATCH_SHARE = 0.1  # share of deliveries that carry several messages (Meta batches under load)
PHONE_ONLY_SHARE = 0.3  # users WhatsApp names by phone only (older-shaped webhooks)
# gateway: the service as `vimbiso serve` runs it; record_only: the same app, but the runtime
# hosts no actors (messages stay in their inboxes), to tell the ack path from the actors' work.
KINDS = ("baseline", "gateway", "record_only")
TEXTS = ("hi", "menu", "1", "0.5=>bob", "balance please", "👍", "USD 25 -> alice_91", "2")


# -- the server process ------------------------------------------------------------------------


class _NoOpHandler:
    """Accepts every envelope and keeps no session: the actor machinery runs, nothing else."""

    async def handle(self, ctx: Any, session: bytes | None, envelope: Any) -> Any:
        from runtime.contracts import Turn

        return Turn(session=None)

    def on_error(self, key: Any, envelope: Any, error: BaseException) -> Sequence[bytes]:
        return []

    def on_overload(self, key: Any, envelope: Any) -> Sequence[bytes]:
        return []


async def _serve_gateway(prefix: str, stop: asyncio.Event, host: bool) -> None:
    import anyio
    import redis.asyncio as aioredis
    from aiohttp import web

    from gateway.app import create_app
    from gateway.config import GatewayConfig
    from runtime import Runtime, RuntimeConfig

    redis = aioredis.Redis.from_url(REDIS_URL)
    # Default limits: 20,000 users at 1,000 msg/s send each a message every 20 s on average.
    # GATEWAY_BENCH_ACTOR_IDLE_SECONDS: how long actors stay resident (and renew leases).
    idle = float(os.environ.get("GATEWAY_BENCH_ACTOR_IDLE_SECONDS", "60"))
    runtime = Runtime(
        redis, RuntimeConfig(key_prefix=prefix, actor_idle_seconds=idle), _NoOpHandler()
    )
    config = GatewayConfig(
        whatsapp_app_secret=APP_SECRET,
        whatsapp_verify_token="bench",
        whatsapp_access_token="bench",
        whatsapp_phone_number_id=PNID,
    )
    timed = _TimedRecorder(runtime)
    app = create_app(config, redis=redis, recorder=timed, key_prefix=prefix)
    app.middlewares.insert(0, timed.middleware)  # outermost: the whole server-side answer
    runner = web.AppRunner(app, access_log=None, handle_signals=False)
    await runner.setup()
    try:
        async with anyio.create_task_group() as tasks:
            if host:
                await tasks.start(runtime.run)
            site = web.TCPSite(runner, "127.0.0.1", 0)
            await site.start()
            tasks.start_soon(timed.watch_loop)
            _announce(runner)
            await stop.wait()
            await site.stop()
            with anyio.move_on_after(5):
                await runtime.stop()
            tasks.cancel_scope.cancel()
    finally:
        await runner.cleanup()
        await redis.aclose()
    print(f"TIMES {orjson.dumps(timed.summary()).decode()}", flush=True)


class _TimedRecorder:
    """Wall time inside `Runtime.record` against the whole server-side answer, so the report
    can say how much of the ack is the runtime's (its CPU share needs a profiler)."""

    def __init__(self, runtime: Any) -> None:
        self._runtime = runtime
        self.record_s: list[float] = []
        self.answer_s: list[float] = []
        self.lag_s: list[float] = []

    async def watch_loop(self) -> None:
        """How late a 5 ms sleep wakes: the event loop's stalls (long synchronous stretches
        such as a big pipeline being packed or parsed) that every ack waits behind."""
        while True:
            started = time.perf_counter()
            await asyncio.sleep(0.005)
            self.lag_s.append(time.perf_counter() - started - 0.005)

    async def record(self, envelopes: Sequence[Any]) -> list[bool]:
        started = time.perf_counter()
        try:
            return await self._runtime.record(envelopes)  # type: ignore[no-any-return]
        finally:
            self.record_s.append(time.perf_counter() - started)

    @property
    def middleware(self) -> Any:
        from aiohttp import web

        @web.middleware
        async def timing(request: web.Request, handler: Any) -> web.StreamResponse:
            started = time.perf_counter()
            try:
                return await handler(request)  # type: ignore[no-any-return]
            finally:
                self.answer_s.append(time.perf_counter() - started)

        return timing

    def summary(self) -> dict[str, float]:
        numbers: dict[str, float] = {}
        for name, values in (
            ("record", self.record_s),
            ("answer", self.answer_s),
            ("loop_lag", self.lag_s),
        ):
            if values:
                numbers[f"server_{name}_p50_ms"] = _percentile(values, 0.5) * 1000
                numbers[f"server_{name}_p99_ms"] = _percentile(values, 0.99) * 1000
        if self.lag_s:
            numbers["server_loop_lag_max_ms"] = max(self.lag_s) * 1000
        numbers["server_record_calls_per_post"] = len(self.record_s) / max(len(self.answer_s), 1)
        return numbers


async def _serve_baseline(stop: asyncio.Event) -> None:
    from aiohttp import web

    async def ok(request: web.Request) -> web.Response:
        await request.read()
        return web.Response(text="ok")

    app = web.Application()
    app.router.add_post("/webhook", ok)
    runner = web.AppRunner(app, access_log=None, handle_signals=False)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    _announce(runner)
    await stop.wait()
    await runner.cleanup()


def _announce(runner: Any) -> None:
    port = next(a[1] for a in runner.addresses if isinstance(a, tuple))
    print(f"PORT {port}", flush=True)


def _server_main(kind: str, prefix: str, profile: str | None) -> None:
    if kind != "baseline":
        # What `vimbiso serve` installs: JSON logs on stderr, SDK tracer and meter providers.
        from runtime import setup_logging, setup_telemetry

        setup_logging()
        setup_telemetry()

    async def main() -> None:
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        loop.add_signal_handler(signal.SIGTERM, stop.set)
        if kind != "baseline":
            await _serve_gateway(prefix, stop, host=kind == "gateway")
        else:
            await _serve_baseline(stop)

    profiler = cProfile.Profile() if profile else None
    if profiler is not None:
        profiler.enable()
    asyncio.run(main())
    if profiler is not None:
        profiler.disable()
        profiler.dump_stats(profile)  # type: ignore[arg-type]


@contextlib.contextmanager
def _server(kind: str, prefix: str, profile: str | None = None) -> Any:
    """Start a server process; yield its port, pid and a dict it fills on exit with the
    server's own timings; SIGTERM it and wait on exit."""
    command = [sys.executable, "-m", "bench.gateway_bench", "--serve", kind, "--prefix", prefix]
    if profile:
        command += ["--profile", profile]
    log_path = os.environ.get("GATEWAY_BENCH_SERVER_LOG", os.devnull)
    with open(log_path, "ab") as log:
        process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=log)
        try:
            assert process.stdout is not None
            line = process.stdout.readline().decode()
            if not line.startswith("PORT "):
                raise RuntimeError(f"{kind} server did not start (see {log_path})")
            extra: dict[str, float] = {}
            yield int(line.split()[1]), process.pid, extra
        finally:
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        for rest in process.stdout.read().decode().splitlines():
            if rest.startswith("TIMES "):
                extra.update(orjson.loads(rest[6:]))


# -- the load ----------------------------------------------------------------------------------


@attrs.frozen
class _Request:
    raw: bytes  # the whole HTTP/1.1 request
    messages: int


def _deliveries(count: int, rng: random.Random) -> list[_Request]:
    """`count` messages as signed webhook POSTs, each message from one of USERS users."""
    requests: list[_Request] = []
    made = 0
    now = int(time.time())
    run = secrets.token_hex(4)
    while made < count:
        size = rng.randint(2, 5) if rng.random() < BATCH_SHARE else 1
        contacts, messages = [], []
        for _ in range(size):
            n = rng.randrange(USERS)
            phone = f"2637{n:08d}"
            contact: dict[str, Any] = {"profile": {"name": f"Member {n}"}, "wa_id": phone}
            message: dict[str, Any] = {
                "from": phone,
                "id": f"wamid.bench.{run}.{made}",
                "timestamp": str(now),
                "type": "text",
                "text": {"body": rng.choice(TEXTS)},
            }
            if n % 10 >= PHONE_ONLY_SHARE * 10:
                contact["user_id"] = f"ZW.{n:012d}"
                message["from_user_id"] = contact["user_id"]
            contacts.append(contact)
            messages.append(message)
            made += 1
        body = orjson.dumps(
            {
                "object": "whatsapp_business_account",
                "entry": [
                    {
                        "id": "102290129340398",
                        "changes": [
                            {
                                "field": "messages",
                                "value": {
                                    "messaging_product": "whatsapp",
                                    "metadata": {
                                        "display_phone_number": "15550783881",
                                        "phone_number_id": PNID,
                                    },
                                    "contacts": contacts,
                                    "messages": messages,
                                },
                            }
                        ],
                    }
                ],
            }
        )
        head = (
            "POST /webhook HTTP/1.1\r\nHost: 127.0.0.1\r\nUser-Agent: facebookexternalua\r\n"
            "Content-Type: application/json\r\n"
            f"X-Hub-Signature-256: {sign(body, APP_SECRET)}\r\n"
            f"Content-Length: {len(body)}\r\n\r\n"
        )
        requests.append(_Request(head.encode() + body, size))
    return requests


class _Connection(asyncio.Protocol):
    """One keep-alive HTTP/1.1 connection, one request in flight (as Meta's senders do).

    A hand-rolled client: aiohttp's client costs several times more CPU per request, and the
    generator shares the machine with the server it measures."""

    def __init__(self) -> None:
        self.transport: asyncio.Transport | None = None
        self.buffer = bytearray()
        self.waiter: asyncio.Future[int] | None = None
        self.closed = False

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.Transport)
        self.transport = transport

    def connection_lost(self, exc: Exception | None) -> None:
        self.closed = True
        if self.waiter is not None and not self.waiter.done():
            self.waiter.set_exception(ConnectionError("connection lost"))

    def data_received(self, data: bytes) -> None:
        self.buffer += data
        end = self.buffer.find(b"\r\n\r\n")
        if end < 0 or self.waiter is None:
            return
        head = bytes(self.buffer[:end]).lower()
        start = head.find(b"content-length:")
        length = int(head[start + 15 :].split(b"\r\n", 1)[0]) if start >= 0 else 0
        if len(self.buffer) < end + 4 + length:
            return
        status = int(head[9:12])
        del self.buffer[: end + 4 + length]
        waiter, self.waiter = self.waiter, None
        if not waiter.done():
            waiter.set_result(status)

    async def send(self, raw: bytes) -> int:
        assert self.transport is not None
        self.waiter = asyncio.get_running_loop().create_future()
        self.transport.write(raw)
        return await self.waiter


@attrs.define
class _Outcome:
    latencies: list[float] = attrs.field(factory=list)  # seconds from scheduled time to answer
    errors: int = 0
    messages: int = 0
    first: float = 0.0
    last: float = 0.0


async def _load(
    port: int,
    requests: Iterable[_Request],
    rate: int,
    warmup: int,
    on_measure: Callable[[], None] = lambda: None,
) -> _Outcome:
    """Send `requests` at `rate` messages/s by the clock; the first `warmup` are not counted."""
    loop = asyncio.get_running_loop()
    idle: asyncio.Queue[_Connection] = asyncio.Queue()
    for _ in range(CONNECTIONS):
        _, conn = await loop.create_connection(_Connection, "127.0.0.1", port)
        idle.put_nowait(conn)
    outcome = _Outcome()
    pending: set[asyncio.Task[None]] = set()

    async def one(index: int, request: _Request, due: float) -> None:
        conn = await idle.get()
        try:
            status = await asyncio.wait_for(conn.send(request.raw), 10.0)
        except (TimeoutError, ConnectionError):
            status = 0
        done = time.perf_counter()
        if not conn.closed and status:
            idle.put_nowait(conn)
        else:
            _, fresh = await loop.create_connection(_Connection, "127.0.0.1", port)
            idle.put_nowait(fresh)
        if index < warmup:
            return
        outcome.last = done
        outcome.latencies.append(done - due)
        outcome.messages += request.messages
        if status != 200:
            outcome.errors += 1

    start = time.perf_counter() + 0.05
    due = start
    for index, request in enumerate(requests):
        delay = due - time.perf_counter()
        if delay > 0:
            await asyncio.sleep(delay)
        if index == warmup:
            outcome.first = due
            on_measure()
        task = loop.create_task(one(index, request, due))
        pending.add(task)
        task.add_done_callback(pending.discard)
        due += request.messages / rate
    if pending:
        await asyncio.wait(pending)
    while not idle.empty():
        conn = idle.get_nowait()
        if conn.transport is not None:
            conn.transport.close()
    return outcome


def _percentile(values: Sequence[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def _summary(outcome: _Outcome) -> dict[str, float]:
    lat = outcome.latencies or [0.0]
    span = max(outcome.last - outcome.first, 1e-9)
    return {
        "achieved_msgs_per_s": outcome.messages / span,
        "posts": float(len(outcome.latencies)),
        "errors": float(outcome.errors),
        "p50_ms": _percentile(lat, 0.50) * 1000,
        "p90_ms": _percentile(lat, 0.90) * 1000,
        "p99_ms": _percentile(lat, 0.99) * 1000,
        "max_ms": max(lat) * 1000,
    }


def _one_run(kind: str, prefix: str, seconds: float, rate: int, seed: int) -> dict[str, float]:
    rng = random.Random(seed)
    warm = _deliveries(max(rate // 2, 1), rng)  # half a second to warm connections and caches
    measured = _deliveries(int(rate * seconds), rng)
    profile = os.environ.get("GATEWAY_BENCH_PROFILE") if kind != "baseline" else None
    with _server(kind, prefix, profile) as (port, pid, extra):
        cpu: list[float] = []
        commands = [asyncio.run(_redis_commands())] if kind != "baseline" else []
        outcome = asyncio.run(
            _load(
                port,
                [*warm, *measured],
                rate,
                warmup=len(warm),
                on_measure=lambda: cpu.append(_cpu_seconds(pid)),
            )
        )
        cpu.append(_cpu_seconds(pid))
        if commands:
            commands.append(asyncio.run(_redis_commands()))
    summary = {**_summary(outcome), **extra}
    if commands:
        # All of Redis's clients count (a shared Redis adds noise); warm-up included.
        sent = sum(request.messages for request in (*warm, *measured))
        summary["redis_commands_per_msg"] = (commands[1] - commands[0]) / max(sent, 1)
    # CPU time is what a noisy neighbour disturbs least: the cleanest before/after number.
    summary["server_cpu_ms_per_msg"] = (cpu[1] - cpu[0]) * 1000 / max(outcome.messages, 1)
    return summary


async def _redis_commands() -> int:
    import redis.asyncio as aioredis

    redis = aioredis.Redis.from_url(REDIS_URL)
    try:
        return int((await redis.info("stats"))["total_commands_processed"])
    finally:
        await redis.aclose()


def _cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process so far (Linux /proc)."""
    with open(f"/proc/{pid}/stat", "rb") as stat:
        fields = stat.read().rsplit(b")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


async def _cleanup(prefix: str) -> int:
    import redis.asyncio as aioredis

    redis = aioredis.Redis.from_url(REDIS_URL)
    removed = 0
    try:
        batch: list[bytes] = []
        async for key in redis.scan_iter(match=f"{prefix}*", count=1000):
            batch.append(key)
            if len(batch) >= 500:
                removed += await redis.unlink(*batch)
                batch = []
        if batch:
            removed += await redis.unlink(*batch)
    finally:
        await redis.aclose()
    return removed


def run(
    seconds: float = 5.0, rate: int = 1000, repeats: int = 3, record_only: bool = False
) -> dict[str, float]:
    """Alternate baseline and gateway runs `repeats` times; medians of each number."""
    prefix = f"bench:gw:{secrets.token_hex(4)}:"
    kinds = KINDS if record_only else KINDS[:2]
    runs: dict[str, list[dict[str, float]]] = {kind: [] for kind in kinds}
    try:
        for i in range(repeats):
            for kind in kinds:
                runs[kind].append(_one_run(kind, prefix, seconds, rate, seed=i))
    finally:
        asyncio.run(_cleanup(prefix))
    results: dict[str, float] = {"offered_msgs_per_s": float(rate)}
    for kind, summaries in runs.items():
        for name in summaries[0]:
            results[f"{kind}_{name}"] = statistics.median(s[name] for s in summaries)
    for kind in kinds[1:]:
        for name in ("p50_ms", "p99_ms"):
            # Per repeat, against the baseline run just before it on the same machine.
            ratios = [
                g[name] / b[name] if b[name] else float("inf")
                for g, b in zip(runs[kind], runs["baseline"], strict=True)
            ]
            results[f"{kind}_ratio_{name}"] = statistics.median(ratios)
        results[f"{kind}_worst_p99_ms"] = max(s["p99_ms"] for s in runs[kind])
    results["load_average_1m"] = os.getloadavg()[0]
    return results


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.gateway_bench", description=__doc__)
    parser.add_argument("--seconds", type=float, default=5.0)
    parser.add_argument("--rate", type=int, default=1000, help="offered messages per second")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument(
        "--record-only",
        action="store_true",
        help="also measure the gateway with no actors hosted (the ack path alone)",
    )
    parser.add_argument("--serve", choices=KINDS, help=argparse.SUPPRESS)
    parser.add_argument("--prefix", default="bench:gw:manual:", help=argparse.SUPPRESS)
    parser.add_argument("--profile", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.serve:
        _server_main(args.serve, args.prefix, args.profile)
        return
    print(f"load before: {os.getloadavg()[0]:.2f}", flush=True)
    results = run(args.seconds, args.rate, args.repeats, args.record_only)
    for key, value in results.items():
        print(f"  {key:<36} {value:>12,.2f}")


if __name__ == "__main__":
    main()
