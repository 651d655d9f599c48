"""G5 across a real crash. The bot process is SIGKILLed after credex-core created the credex but
before the bot heard the answer: a second process on the same Redis re-processes the recorded
confirm tap, asks credex-core what happened, tells the user the truth and creates nothing more.
Or it is SIGKILLed after it told the member it would check a slow create later: a second
process does that check when it is due, and tells the member, who did not write again."""

from __future__ import annotations

import asyncio
import signal
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
import redis.asyncio as aioredis

from bench.faults_rig import stop_processes
from gateway.credex import CredexClient
from simulator.redis_server import free_port
from simulator.whatsapp.app import WhatsAppSimulator
from tests.e2e.conftest import TENDAI, outgoing
from tests.e2e.credex_proxy import CredexProxy
from tests.e2e.fleet import bot_stack, start_bot
from tests.e2e.phone import Phone, said

ANSWER_SECONDS = 3.0  # CREDEX_ANSWER_SECONDS of these bots


class BotProcesses:
    """Bot processes with one fixed environment (same port, Redis, key prefix and secrets), so
    a successor is the same bot as the process it replaces."""

    def __init__(self, env: dict[str, str], log_dir: Path) -> None:
        self.env = env
        self.log_dir = log_dir
        self.started: list[asyncio.subprocess.Process] = []

    async def start(self) -> asyncio.subprocess.Process:
        process = await start_bot(self.env, self.log_dir / f"bot{len(self.started) + 1}.log")
        self.started.append(process)
        return process

    async def stop_all(self) -> None:
        await stop_processes(self.started)


@pytest.fixture
async def crash_rig(
    redis_url: str, key_prefix: str, redis_client: aioredis.Redis, tmp_path: Path
) -> AsyncIterator[tuple[BotProcesses, WhatsAppSimulator, CredexProxy, CredexClient]]:
    bot_port = free_port()
    webhook_url = f"http://127.0.0.1:{bot_port}/webhook"
    # How long a create may still run after the crash, and how long the bot waits for an
    # answer: short, so the tests are quick.
    settle = {
        "PORT": str(bot_port),
        "CREDEX_WRITE_SETTLE_SECONDS": "5",
        "CREDEX_ANSWER_SECONDS": str(ANSWER_SECONDS),
    }
    async with bot_stack(redis_url, key_prefix, webhook_url, **settle) as stack:
        bots = BotProcesses(stack.env, tmp_path)
        probe = CredexClient(stack.sim_url, max_retries=0)
        try:
            yield bots, stack.whatsapp, stack.proxy, probe
        finally:
            await bots.stop_all()
            await probe.close()


async def _offered(
    bots: BotProcesses, whatsapp: WhatsAppSimulator, credex: CredexClient
) -> tuple[asyncio.subprocess.Process, Phone, list[str]]:
    """The first process, Tendai at the confirmation of 1.25 USD to Rudo, and the outgoing
    offers before the tap."""
    first = await bots.start()
    tendai = Phone(whatsapp, TENDAI)
    await tendai.say("hi")
    (confirm,) = await tendai.say("1.25=>rudo")
    assert "*Amount:* 1.25 USD" in said([confirm])
    return first, tendai, await outgoing(credex, TENDAI)


async def test_process_killed_after_credex_core_created_the_offer_tells_the_truth_once(
    crash_rig: tuple[BotProcesses, WhatsAppSimulator, CredexProxy, CredexClient],
) -> None:
    bots, whatsapp, proxy, credex = crash_rig
    first, tendai, before = await _offered(bots, whatsapp, credex)

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


async def test_process_killed_while_a_send_is_unknown_the_successor_checks_and_tells_unasked(
    crash_rig: tuple[BotProcesses, WhatsAppSimulator, CredexProxy, CredexClient],
) -> None:
    bots, whatsapp, proxy, credex = crash_rig
    first, tendai, before = await _offered(bots, whatsapp, credex)

    applied = asyncio.Event()

    async def slow_create(operation: str) -> None:
        if operation == "createCredex":
            await asyncio.sleep(ANSWER_SECONDS + 1)  # the bot gives up first; then it is created

    async def created_now(operation: str, status: int) -> None:
        if operation == "createCredex":
            applied.set()

    proxy.before, proxy.after = slow_create, created_now
    (unsure,) = await tendai.tap("Sign & send")
    assert "can't tell yet" in said([unsure]), said([unsure])
    async with asyncio.timeout(10):
        await applied.wait()
    first.send_signal(signal.SIGKILL)  # the check it promised is not due yet
    await first.wait()
    created = [c for c in await outgoing(credex, TENDAI) if c not in before]
    assert len(created) == 1

    await bots.start()  # nobody writes: the successor finds the due check itself
    told = said(await tendai.replies(1, within=25))
    assert "I checked with credex-core" in told
    assert "1.25 USD to *Rudo Chikwanha Personal* was sent" in told
    assert proxy.count("createCredex") == 1
    assert [c for c in await outgoing(credex, TENDAI) if c not in before] == created
    await asyncio.sleep(2)
    assert len(whatsapp.sent_to(TENDAI)) == tendai.read  # told once, not once per process
    assert tendai.rejected == []
