"""credex-core slow or briefly down, over the whole stack (real HTTP, real Redis): every message
is answered within CREDEX_ANSWER_SECONDS, and a create credex-core applies after the bot gave up
waiting is neither reported "not sent" nor sent twice (G5, G7)."""

from __future__ import annotations

import asyncio

import pytest
import redis.asyncio as aioredis

from bench.faults_proxy import Fault
from tests.e2e.conftest import TENDAI, outgoing
from tests.e2e.credex_proxy import UNAVAILABLE
from tests.e2e.phone import Phone, said
from tests.e2e.stack import proxied_stack

ANSWER = 8.0  # CREDEX_ANSWER_SECONDS' default: every reply below must come within it (+ send)


@pytest.mark.parametrize("applied_after", [11.0, 15.0])
async def test_a_create_applied_after_the_bot_gave_up_is_reported_sent_once_it_has_settled(
    redis_url: str, key_prefix: str, redis_client: aioredis.Redis, applied_after: float
) -> None:
    settle = applied_after + 3  # CREDEX_WRITE_SETTLE_SECONDS: longer than the create can live
    async with proxied_stack(redis_url, key_prefix, credex_write_settle_seconds=settle) as rig:
        tendai = Phone(rig.demo.whatsapp, TENDAI)
        await tendai.say("hi")
        (confirm,) = await tendai.say("1.25=>rudo")
        assert "*Amount:* 1.25 USD" in said([confirm])
        before = await outgoing(rig.probe, TENDAI)

        async def slow_create(operation: str) -> None:
            if operation == "createCredex":
                await asyncio.sleep(applied_after)  # then credex-core really creates it

        rig.proxy.before = slow_create
        tendai.last_wamid = await rig.demo.whatsapp.tap_button(
            TENDAI, tendai.button_id("Sign & send"), "✍️ Sign & send", name=tendai.name
        )
        (unsure,) = await tendai.replies(1, within=ANSWER + 2)
        assert "can't tell yet" in said([unsure]) and "1.25 USD" in said([unsure])
        assert "not* sent" not in said([unsure])

        (refused,) = await tendai.say("1.25=>rudo")  # the member tries again meanwhile
        assert "won't send anything new" in said([refused])

        # The bot's own check: the truth folded into the dashboard, one message.
        told = said(await tendai.replies(1, within=settle + 10))
        assert "I checked with credex-core" in told
        assert "1.25 USD to *Rudo Chikwanha Personal* was sent" in told
        assert "not* sent" not in told
        created = [c for c in await outgoing(rig.probe, TENDAI) if c not in before]
        assert len(created) == 1
        assert rig.proxy.count("createCredex") == 1
        assert tendai.rejected == []


async def test_menu_is_answered_within_the_bound_while_the_dashboard_read_hangs(
    redis_url: str, key_prefix: str, redis_client: aioredis.Redis
) -> None:
    async with proxied_stack(redis_url, key_prefix) as rig:
        tendai = Phone(rig.demo.whatsapp, TENDAI)
        await tendai.say("hi")
        hanging = asyncio.Event()

        async def hang(operation: str) -> None:
            if operation == "getMemberDashboardByPhone" and not hanging.is_set():
                hanging.set()
                await asyncio.sleep(12)  # longer than the answer bound

        rig.proxy.before = hang
        tendai.last_wamid = await rig.demo.whatsapp.send_text(TENDAI, "menu", name=tendai.name)
        (answer,) = await tendai.replies(1, within=ANSWER + 2)
        assert hanging.is_set()
        assert "temporarily unavailable" in said([answer])
        rig.proxy.before = None
        (dashboard,) = await tendai.say("menu")  # the next message is not stuck behind it
        assert "USD" in said([dashboard])


async def test_a_read_refused_with_503_for_a_moment_is_retried_and_answered(
    redis_url: str, key_prefix: str, redis_client: aioredis.Redis
) -> None:
    async with proxied_stack(redis_url, key_prefix) as rig:
        tendai = Phone(rig.demo.whatsapp, TENDAI)
        await tendai.say("hi")
        loop = asyncio.get_running_loop()
        healthy_at = loop.time() + 1.5

        def down_for_a_moment(operation: str) -> Fault | None:
            return UNAVAILABLE if loop.time() < healthy_at else None

        rig.proxy.plan = down_for_a_moment
        (dashboard,) = await tendai.say("menu")
        assert rig.proxy.refused, "credex-core never answered 503"
        assert "temporarily unavailable" not in said([dashboard])
        assert "250.00 USD" in said([dashboard])  # the real dashboard, Tendai's seeded balance
