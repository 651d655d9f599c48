"""The session timeout over the whole stack: an abandoned form is discarded and the user is told
so; an old confirmation button no longer sends anything. The conversation's clock is moved past
the timeout instead of waiting it out."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
import redis.asyncio as aioredis

from gateway.credex import CredexClient
from simulator.demo import Demo
from tests.e2e.clock import ShiftedClock, clocked_demo
from tests.e2e.conftest import TENDAI, outgoing
from tests.e2e.phone import Phone, rows, said

TIMEOUT = 300
CLOCK = ShiftedClock()


@pytest.fixture
async def demo(
    redis_url: str, key_prefix: str, redis_client: aioredis.Redis
) -> AsyncIterator[Demo]:
    async with clocked_demo(redis_url, key_prefix, CLOCK, TIMEOUT) as running:
        yield running


async def quiet_for_longer_than_the_timeout() -> None:
    # The user says nothing for a while: the conversation's clock moves past the timeout.
    CLOCK.advance(TIMEOUT + 1)


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
    (dashboard,) = await tendai.say("rudo")
    note = dashboard  # the note and the screen arrive as one message
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


async def test_ledger_typed_after_a_timeout_shows_the_ledger_with_the_one_line_note(
    demo: Demo,
) -> None:
    tendai = Phone(demo.whatsapp, TENDAI)
    await tendai.say("3=>rudo")
    await quiet_for_longer_than_the_timeout()
    (ledger,) = await tendai.say("ledger")  # carried out, in one message
    text = said([ledger])
    assert text.startswith("⌛ Your session timed out")
    assert "Your unconfirmed offer of 3.00 USD to Rudo Chikwanha Personal was discarded" in text
    assert "📒" in text and "Secured balances" not in text
    assert tendai.rejected == []
