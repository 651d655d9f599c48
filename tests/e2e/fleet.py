"""Real bot processes (`python -m tests.e2e.bot_process`, the service `vimbiso serve` runs) for
end-to-end tests: `bot_stack` serves Meta (the WhatsApp simulator) and credex-core (the
simulator behind a proxy) and gives the processes' environment; `start_bot` runs one. A `Fleet`
runs several on different ports against one Redis (or Redis Cluster), as machines behind a load
balancer: the test decides which process each webhook goes to, and the WhatsApp simulator
plays Meta for all of them (one Graph API, so replies are seen in the order they were sent)."""

from __future__ import annotations

import asyncio
import base64
import os
import re
import secrets
import signal
import sys
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import attrs
from aiohttp import web

from bench.faults_rig import stop_processes
from gateway.whatsapp.limits import violations
from simulator.demo import DEMO_PHONE_NUMBER_ID
from simulator.redis_server import free_port
from simulator.whatsapp.app import WhatsAppSimulator
from tests.e2e.credex_proxy import CredexProxy, proxied_simulator, serve
from tests.e2e.phone import body

REPO = Path(__file__).resolve().parents[2]
AMOUNT = re.compile(r"\*Amount:\* ([0-9.]+) USD")


@attrs.frozen
class BotStack:
    whatsapp: WhatsAppSimulator
    proxy: CredexProxy  # the bot's credex-core
    sim_url: str  # the credex-core simulator itself (its /v1), for the test's own probes
    env: dict[str, str]  # the bot processes' environment


@asynccontextmanager
async def bot_stack(
    redis_url: str, key_prefix: str, webhook_url: str, **extra: str
) -> AsyncIterator[BotStack]:
    """Meta and credex-core for bot processes on `redis_url`; `extra` adds to their settings."""
    secret = secrets.token_urlsafe(24)
    access_token = secrets.token_urlsafe(24)
    whatsapp = WhatsAppSimulator(
        webhook_url=webhook_url,
        app_secret=secret,
        phone_number_id=DEMO_PHONE_NUMBER_ID,
        access_token=access_token,
        validate=violations,
    )
    graph = web.Application()
    whatsapp.add_routes(graph)
    async with proxied_simulator() as (sim_url, proxy), serve(graph) as graph_url:
        whatsapp.set_base_url(graph_url)
        env = {
            "PATH": os.environ.get("PATH", ""),
            "PYTHONPATH": str(REPO),
            "WHATSAPP_APP_SECRET": secret,
            "WHATSAPP_VERIFY_TOKEN": secrets.token_urlsafe(16),
            "WHATSAPP_ACCESS_TOKEN": access_token,
            "WHATSAPP_PHONE_NUMBER_ID": DEMO_PHONE_NUMBER_ID,
            "WHATSAPP_API_URL": whatsapp.graph_api_url,
            "CREDEX_API_URL": proxy.url,
            "REDIS_URL": redis_url,
            "REDIS_CLUSTER": os.environ.get("REDIS_CLUSTER", "false"),
            "HOST": "127.0.0.1",
            "STATE_ENCRYPTION_KEY": base64.urlsafe_b64encode(os.urandom(32)).decode(),
            "NOTIFY_CLIENT_ID": "credex-core",
            "NOTIFY_CLIENT_SECRET": secrets.token_urlsafe(24),
            "NOTIFY_JWT_SECRET": secrets.token_urlsafe(32),
            "E2E_KEY_PREFIX": key_prefix,
            **extra,
        }
        try:
            yield BotStack(whatsapp, proxy, sim_url, env)
        finally:
            await whatsapp.close()


async def start_bot(env: dict[str, str], log_path: Path) -> asyncio.subprocess.Process:
    """One bot process; returns once it says `ready` (its stderr goes to `log_path`)."""
    log = log_path.open("wb")
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "tests.e2e.bot_process",
        cwd=REPO, env=env, stdout=asyncio.subprocess.PIPE, stderr=log,
    )  # fmt: skip
    assert process.stdout is not None
    async with asyncio.timeout(30):
        line = await process.stdout.readline()
    assert line.strip() == b"ready", _tail(log_path)
    return process


def _tail(log_path: Path) -> str:
    return log_path.read_text()[-3000:]  # only when a process failed to start


class Fleet:
    """Bot processes sharing one environment (Redis, key prefix, secrets), each on its port."""

    def __init__(self, env: dict[str, str], whatsapp: WhatsAppSimulator, log_dir: Path) -> None:
        self.env = env
        self.whatsapp = whatsapp
        self.log_dir = log_dir
        self.ports: list[int] = []
        self.processes: list[asyncio.subprocess.Process] = []

    async def start(self, **extra: str) -> int:
        """Start one more process; its index."""
        index = len(self.processes)
        port = free_port()
        env = {**self.env, **extra, "PORT": str(port)}
        process = await start_bot(env, self.log_dir / f"bot{index}.log")
        self.ports.append(port)
        self.processes.append(process)
        return index

    def kill(self, index: int) -> None:
        self.processes[index].send_signal(signal.SIGKILL)

    async def deliver(self, index: int, phone: str, text: str, *, retry_for: float = 0) -> str:
        """Post a text message's webhook to process `index`; like Meta, redeliver it until it
        is acknowledged (for up to `retry_for` seconds). Returns the wamid once acknowledged."""
        self.whatsapp.webhook_url = f"http://127.0.0.1:{self.ports[index]}/webhook"
        wamid, status = await self.whatsapp.deliver_text(phone, text, name="Fleet Tester")
        deadline = time.monotonic() + retry_for
        while status != 200 and time.monotonic() < deadline:
            await asyncio.sleep(0.2)
            self.whatsapp.webhook_url = f"http://127.0.0.1:{self.ports[index]}/webhook"
            status = await self.whatsapp.redeliver(wamid)
        assert status == 200, f"{wamid} never acknowledged (last status {status})"
        return wamid

    async def stop(self) -> None:
        await stop_processes(self.processes, grace=20)


def amounts(replies: list[dict[str, Any]]) -> list[str]:
    """The offer amounts the replies confirm, in the order they were sent."""
    return [m.group(1) for m in (AMOUNT.search(body(r)) for r in replies) if m]


@asynccontextmanager
async def fleet_rig(redis_url: str, key_prefix: str, tmp_path: Path) -> AsyncIterator[Fleet]:
    async with bot_stack(redis_url, key_prefix, "http://127.0.0.1:1/webhook") as stack:
        fleet = Fleet(stack.env, stack.whatsapp, tmp_path)
        try:
            yield fleet
        finally:
            await fleet.stop()
