"""The fault suite's rig: the whole bot, for real, on 127.0.0.1 only.

- its own redis-server on a free port (so a case may kill and restart it),
- the credex-core simulator (demo seed) behind a `FaultProxy`,
- the WhatsApp simulator's Graph API behind another `FaultProxy`,
- one or two `python -m bench.faults_bot` processes sharing one port (SO_REUSEPORT),
- a Meta-like deliverer: signed webhooks, redelivered while the answer is not 200.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import os
import secrets
import shutil
import signal
import sys
import tempfile
import time
from collections.abc import AsyncIterator
from pathlib import Path

import aiohttp
from aiohttp import web

from bench.faults_proxy import FaultProxy, serve
from gateway.whatsapp.limits import violations
from simulator.credex.app import SimConfig, create_app
from simulator.demo import DEMO_PHONE_NUMBER_ID
from simulator.redis_server import free_port, redis_server_binary
from simulator.whatsapp.app import WhatsAppSimulator
from simulator.whatsapp.webhook_builder import encode, sign

REPO = Path(__file__).resolve().parents[1]
REDELIVER_FOR = 600.0  # Meta retries for days; the suite bounds it
START_SECONDS = 30.0


class RedisServer:
    """A redis-server this suite owns: it can be killed and started again on the same port."""

    def __init__(self) -> None:
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self._dir = tempfile.mkdtemp(prefix="vimbiso-faults-redis-")
        self._proc: asyncio.subprocess.Process | None = None

    async def start(self) -> None:
        self._proc = await asyncio.create_subprocess_exec(
            redis_server_binary(), "--port", str(self.port), "--bind", "127.0.0.1",
            "--save", "", "--appendonly", "yes", "--appendfsync", "always", "--dir", self._dir,
            stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.DEVNULL,
        )  # fmt: skip
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            with contextlib.suppress(OSError):
                _, writer = await asyncio.open_connection("127.0.0.1", self.port)
                writer.close()
                return
            await asyncio.sleep(0.05)
        raise RuntimeError("redis-server did not start within 10 s")

    async def kill(self) -> None:
        if self._proc is not None:
            self._proc.kill()
            await self._proc.wait()
            self._proc = None

    async def close(self) -> None:
        await self.kill()
        shutil.rmtree(self._dir, ignore_errors=True)


class Bots:
    """Serving processes with one environment, so a restarted one is the same bot."""

    def __init__(self, env: dict[str, str], log_dir: Path) -> None:
        self.env = env
        self.log_dir = log_dir
        self.running: list[asyncio.subprocess.Process] = []
        self.started = 0
        self.killed = 0

    async def start(self) -> asyncio.subprocess.Process:
        self.started += 1
        log = (self.log_dir / f"bot{self.started}.log").open("wb")
        process = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "bench.faults_bot", cwd=REPO, env=self.env,
            stdout=asyncio.subprocess.PIPE, stderr=log,
        )  # fmt: skip
        # Counted as running at once: a start cancelled or failed while it waits for "ready"
        # is still stopped by stop_all, never left behind as an orphan.
        self.running.append(process)
        assert process.stdout is not None
        async with asyncio.timeout(START_SECONDS):
            line = await process.stdout.readline()
        if line.strip() != b"ready":
            raise RuntimeError(f"bot did not start; see {self.log_dir}/bot{self.started}.log")
        return process

    async def kill(self, process: asyncio.subprocess.Process) -> None:
        process.send_signal(signal.SIGKILL)
        await process.wait()
        self.running.remove(process)
        self.killed += 1

    async def stop_all(self) -> None:
        await stop_processes(self.running)
        self.running.clear()


async def stop_processes(processes: list[asyncio.subprocess.Process], grace: float = 15) -> None:
    """SIGTERM every process still running, then wait; SIGKILL one that outlives `grace`."""
    for process in processes:
        if process.returncode is None:
            process.send_signal(signal.SIGTERM)
    for process in processes:
        try:
            async with asyncio.timeout(grace):
                await process.wait()
        except TimeoutError:
            process.kill()
            await process.wait()


class Rig:
    def __init__(self, whatsapp: WhatsAppSimulator, credex: FaultProxy, graph: FaultProxy,
                 redis: RedisServer, bots: Bots, webhook_url: str, credex_url: str,
                 secret: str) -> None:  # fmt: skip
        self.whatsapp = whatsapp
        self.credex = credex
        self.graph = graph
        self.redis = redis
        self.bots = bots
        self.webhook_url = webhook_url
        self.credex_url = credex_url  # the simulator itself, for probes
        self.secret = secret
        self._http: aiohttp.ClientSession | None = None

    def http(self) -> aiohttp.ClientSession:
        if self._http is None:
            self._http = aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=10))
        return self._http

    async def post(self, body: bytes, signature: str | None = None) -> tuple[int | None, float]:
        """One webhook POST as Meta sends it: (status or None, seconds to the answer)."""
        headers = {"Content-Type": "application/json", "User-Agent": "facebookexternalua"}
        headers["X-Hub-Signature-256"] = signature or sign(body, self.secret)
        started = time.perf_counter()
        try:
            async with self.http().post(self.webhook_url, data=body, headers=headers) as resp:
                await resp.read()
                return resp.status, time.perf_counter() - started
        except (aiohttp.ClientError, TimeoutError):
            return None, time.perf_counter() - started

    async def deliver(self, body: bytes, stats: dict[str, int], acks: list[float]) -> bool:
        """Post until acknowledged (200), like Meta, with backoff; False if never acked.
        Appends each post's answer time to `acks`."""
        delay = 0.2
        deadline = time.monotonic() + REDELIVER_FOR
        while time.monotonic() < deadline:
            status, took = await self.post(body)
            acks.append(took)
            stats["posts"] = stats.get("posts", 0) + 1
            if status == 200:
                return True
            stats[f"answered_{status}"] = stats.get(f"answered_{status}", 0) + 1
            await asyncio.sleep(delay)
            delay = min(delay * 2, 5.0)
        return False

    async def close(self) -> None:
        if self._http is not None:
            await self._http.close()


@contextlib.asynccontextmanager
async def running_rig(
    processes: int = 1, env_extra: dict[str, str] | None = None
) -> AsyncIterator[Rig]:
    redis = RedisServer()
    await redis.start()
    secret = secrets.token_urlsafe(24)
    token = secrets.token_urlsafe(24)
    port = free_port()
    webhook_url = f"http://127.0.0.1:{port}/webhook"
    whatsapp = WhatsAppSimulator(
        webhook_url=webhook_url, app_secret=secret, phone_number_id=DEMO_PHONE_NUMBER_ID,
        access_token=token, validate=violations,
    )  # fmt: skip
    graph_app = web.Application()
    whatsapp.add_routes(graph_app)
    log_dir = Path(tempfile.mkdtemp(prefix="vimbiso-faults-"))
    try:
        async with (
            serve(create_app(SimConfig(auth="enforced", seed="demo"))) as sim,
            serve(graph_app) as graph_url,
        ):
            whatsapp.set_base_url(graph_url)
            credex, graph = FaultProxy(sim), FaultProxy(graph_url)
            async with serve(credex.app()) as credex_proxy, serve(graph.app()) as graph_proxy:
                env = {
                    "PATH": os.environ.get("PATH", ""),
                    "PYTHONPATH": str(REPO),
                    "WHATSAPP_APP_SECRET": secret,
                    "WHATSAPP_VERIFY_TOKEN": secrets.token_urlsafe(16),
                    "WHATSAPP_ACCESS_TOKEN": token,
                    "WHATSAPP_PHONE_NUMBER_ID": DEMO_PHONE_NUMBER_ID,
                    "WHATSAPP_API_URL": f"{graph_proxy}/__wa__/v23.0",
                    "CREDEX_API_URL": f"{credex_proxy}/v1",
                    "REDIS_URL": redis.url,
                    "HOST": "127.0.0.1",
                    "PORT": str(port),
                    "STATE_ENCRYPTION_KEY": base64.urlsafe_b64encode(os.urandom(32)).decode(),
                    "NOTIFY_CLIENT_ID": "credex-core",
                    "NOTIFY_CLIENT_SECRET": secrets.token_urlsafe(24),
                    "NOTIFY_JWT_SECRET": secrets.token_urlsafe(32),
                    "FAULTS_KEY_PREFIX": "faults",
                    **(env_extra or {}),
                }
                bots = Bots(env, log_dir)
                rig = Rig(whatsapp, credex, graph, redis, bots, webhook_url, f"{sim}/v1", secret)
                try:
                    for _ in range(processes):
                        await bots.start()
                    yield rig
                finally:
                    await bots.stop_all()
                    await rig.close()
                    await credex.close()
                    await graph.close()
    finally:
        await whatsapp.close()
        await redis.close()
        shutil.rmtree(log_dir, ignore_errors=True)


def signed(body: dict[str, object], secret: str) -> tuple[bytes, str]:
    raw = encode(body)
    return raw, sign(raw, secret)
