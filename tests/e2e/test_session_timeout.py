"""The session timeout over the whole stack, shortened to two seconds: an abandoned form is
discarded and the user is told so; an old confirmation button no longer sends anything."""

from __future__ import annotations

from collections.abc import AsyncIterator

import anyio
import pytest
import redis.asyncio as aioredis

from gateway.credex import CredexClient
from gateway.demo import Demo, running_demo
from tests.e2e.conftest import TENDAI, outgoing
from tests.e2e.phone import Phone, rows, said
from tests.redis_server import cluster_mode

TIMEOUT = 2


@pytest.fixture
async def demo(
    redis_url: str, key_prefix: str, redis_client: aioredis.Redis
) -> AsyncIterator[Demo]:
    async with running_demo(
        "127.0.0.1",
        0,
        redis_url,
        key_prefix=key_prefix,
        session_timeout_seconds=TIMEOUT,
        redis_cluster=cluster_mode(),
    ) as running:
        yield running


async def quiet_for_longer_than_the_timeout() -> None:
    # The one wait no reply can stand in for: the user saying nothing for a while.
    await anyio.sleep(TIMEOUT + 0.5)


async def test_text_after_a_timeout_mid_form_gets_the_dashboard_saying_the_draft_was_dropped(
    demo: Demo, credex: CredexClient
) -> None:
    tendai = Phone(demo.whatsapp, TENDAI)
    await tendai.say("hi")
    await tendai.pick("Offer secured")
    (ask_handle,) = await tendai.say("5")
    assert "Who is it for?" in said([ask_handle])
    before = await outgoing(credex, TENDAI)
    await quiet_for_longer_than_the_timeout()
    note, dashboard = await tendai.say("rudo", expect=2)
    assert "session timed out" in said([note])
    assert "offer you had not confirmed was discarded; nothing was sent" in said([note])
    assert "*💳 Tendai Moyo Personal*" in said([dashboard]) and "💸 Offer secured" in rows(
        dashboard
    )
    (fresh,) = await tendai.say("menu")  # the form is gone: "rudo" was not taken as its answer
    assert "timed out" not in said([fresh]) and "Tendai" in said([fresh])
    assert await outgoing(credex, TENDAI) == before
    assert tendai.rejected == []


async def test_confirm_tapped_after_the_timeout_says_the_offer_is_gone_and_sends_nothing(
    demo: Demo, credex: CredexClient
) -> None:
    tendai = Phone(demo.whatsapp, TENDAI)
    (confirm,) = await tendai.say("2=>rudo")
    assert "*Amount:* 2.00 USD" in said([confirm])
    before = await outgoing(credex, TENDAI)
    await quiet_for_longer_than_the_timeout()
    (gone,) = await tendai.tap("Sign & send")
    assert "confirmation is no longer open, so nothing was sent" in said([gone])
    assert "send it again" in said([gone])
    assert await outgoing(credex, TENDAI) == before
    assert tendai.rejected == []
