"""G5 across a real crash: the bot process is SIGKILLed after credex-core created the credex but
before the bot heard the answer. A second process on the same Redis re-processes the recorded
confirm tap, asks credex-core what happened, tells the user the truth and creates nothing more."""

from __future__ import annotations

import asyncio
import base64
import os
import secrets
import signal
import sys
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
import redis.asyncio as aioredis
from aiohttp import web

from gateway.credex import CredexClient
from gateway.whatsapp.limits import violations
from simulator.demo import DEMO_PHONE_NUMBER_ID
from simulator.redis_server import free_port
from simulator.whatsapp.app import WhatsAppSimulator
from tests.e2e.conftest import TENDAI, outgoing
from tests.e2e.credex_proxy import CredexProxy, proxied_simulator, serve
from tests.e2e.phone import Phone, said

REPO = Path(__file__).resolve().parents[2]


class BotProcesses:
    """Starts `python -m tests.e2e.bot_process` with one fixed environment (same port, Redis,
    key prefix and secrets), so a successor is the same bot as the process it replaces."""

    def __init__(self, env: dict[str, str], log_dir: Path) -> None:
        self.env = env
        self.log_dir = log_dir
        self.started: list[asyncio.subprocess.Process] = []

    async def start(self) -> asyncio.subprocess.Process:
        log = (self.log_dir / f"bot{len(self.started) + 1}.log").open("wb")
        process = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "tests.e2e.bot_process",
            cwd=REPO, env=self.env, stdout=asyncio.subprocess.PIPE, stderr=log,
        )  # fmt: skip
        self.started.append(process)
        assert process.stdout is not None
        async with asyncio.timeout(20):
            line = await process.stdout.readline()
        assert line.strip() == b"ready", (self.log_dir / "bot.log", line)
        return process

    async def stop_all(self) -> None:
        for process in self.started:
            if process.returncode is None:
                process.send_signal(signal.SIGTERM)
                try:
                    async with asyncio.timeout(15):
                        await process.wait()
                except TimeoutError:
                    process.kill()
                    await process.wait()


@pytest.fixture
async def crash_rig(
    redis_url: str, key_prefix: str, redis_client: aioredis.Redis, tmp_path: Path
) -> AsyncIterator[tuple[BotProcesses, WhatsAppSimulator, CredexProxy, CredexClient]]:
    bot_port = free_port()
    secret = secrets.token_urlsafe(24)
    access_token = secrets.token_urlsafe(24)
    whatsapp = WhatsAppSimulator(
        webhook_url=f"http://127.0.0.1:{bot_port}/webhook",
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
            "PORT": str(bot_port),
            "STATE_ENCRYPTION_KEY": base64.urlsafe_b64encode(os.urandom(32)).decode(),
            "NOTIFY_CLIENT_ID": "credex-core",
            "NOTIFY_CLIENT_SECRET": secrets.token_urlsafe(24),
            "NOTIFY_JWT_SECRET": secrets.token_urlsafe(32),
            "E2E_KEY_PREFIX": key_prefix,
            # How long a create may still run after the crash: short, so the test is quick.
            "CREDEX_WRITE_SETTLE_SECONDS": "5",
        }
        bots = BotProcesses(env, tmp_path)
        probe = CredexClient(sim_url, max_retries=0)
        try:
            yield bots, whatsapp, proxy, probe
        finally:
            await bots.stop_all()
            await probe.close()


async def test_process_killed_after_credex_core_created_the_offer_tells_the_truth_once(
    crash_rig: tuple[BotProcesses, WhatsAppSimulator, CredexProxy, CredexClient],
) -> None:
    bots, whatsapp, proxy, credex = crash_rig
    first = await bots.start()
    tendai = Phone(whatsapp, TENDAI)
    await tendai.say("hi")
    (confirm,) = await tendai.say("1.25=>rudo")
    assert "*Amount:* 1.25 USD" in said([confirm])
    before = await outgoing(credex, TENDAI)

    async def die_before_hearing_the_answer(operation: str, status: int) -> None:
        if operation == "createCredex" and proxy.after is not None:
            proxy.after = None  # only the first process dies
            first.send_signal(signal.SIGKILL)
            await first.wait()

    proxy.after = die_before_hearing_the_answer
    wamid, status = await whatsapp.deliver_button(
        TENDAI, tendai.button_id("Sign & send"), "✍️ Sign & send", name=tendai.name
    )
    async with asyncio.timeout(10):
        await first.wait()
    assert first.returncode == -signal.SIGKILL
    assert proxy.count("createCredex") == 1
    created = [c for c in await outgoing(credex, TENDAI) if c not in before]
    assert len(created) == 1  # credex-core did create it: the crash hid the answer only

    await bots.start()
    if status != 200:
        # The kill came before the webhook's 200 left: Meta retries the same delivery.
        assert await whatsapp.redeliver(wamid) == 200
    # First "still finding out" (the create may still be running), then, once it has
    # certainly settled, the bot's own check: the truth folded into the dashboard.
    told = said(await tendai.replies(2, within=25))
    assert "still finding out" in told
    assert "I checked with credex-core" in told
    assert "1.25 USD to *Rudo Chikwanha Personal* was sent" in told
    assert "not* sent" not in told

    (late,) = await tendai.tap("Sign & send")
    assert "already used, so nothing new was sent" in said([late])
    assert proxy.count("createCredex") == 1
    assert [c for c in await outgoing(credex, TENDAI) if c not in before] == created
    assert tendai.rejected == []
