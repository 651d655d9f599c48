"""The ledger over the whole stack: Tendai opens his ledger from the menu, reads one credex's card,
goes back to the same page, and an old row still works after his session timed out (shortened
to two seconds); a member who is no party to that credex is told plainly and gets the menu."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
import redis.asyncio as aioredis

from gateway.credex import CredexClient
from simulator.demo import Demo
from tests.e2e.clock import ShiftedClock, clocked_demo
from tests.e2e.conftest import FARAI, TENDAI
from tests.e2e.phone import Phone, buttons, rows, said

TIMEOUT = 300
CLOCK = ShiftedClock()


@pytest.fixture
async def demo(
    redis_url: str, key_prefix: str, redis_client: aioredis.Redis
) -> AsyncIterator[Demo]:
    async with clocked_demo(redis_url, key_prefix, CLOCK, TIMEOUT) as running:
        yield running


async def test_a_ledger_row_shows_the_credex_card_and_still_works_after_the_timeout(
    demo: Demo, credex: CredexClient
) -> None:
    tendai = Phone(demo.whatsapp, TENDAI)
    await tendai.say("hi")
    (page,) = await tendai.pick("📒 Ledger")
    assert "📒 *Ledger* (page 1, newest first)" in said([page])
    assert "3. 🔻 *40.00 USD* to Rudo Chikwanha Personal" in said([page])
    (account,) = (await credex.member_view(TENDAI)).accounts
    history = (await credex.ledger(TENDAI, account.account_id, 0, 10)).entries  # oldest first
    assert list(rows(page).values()) == [
        *(f"ledger:credex:{e.credex_id}:page:1:end:4" for e in reversed(history)),
        "ledger:statement",
        "menu",
    ]

    (card,) = await tendai.pick("40.00 USD")
    text = said([card])
    assert "🧾 *Credex to Rudo Chikwanha Personal*" in text
    assert "*State:* Outstanding" in text and "*Outstanding:* 40.00 USD" in text
    assert "*Security:* secured by VimbisoPay: Trust" in text
    assert list(buttons(card)) == ["📒 Back to ledger", "🏡 Menu"]
    (again,) = await tendai.tap("Back to ledger")
    assert rows(again) == rows(page)

    unsecured_row = rows(again)["1. 🔺 20.00 USD"]
    CLOCK.advance(TIMEOUT + 1)  # the user says nothing for longer than the timeout
    (late,) = await tendai.pick_id(unsecured_row)
    assert "🧾 *Credex from Rudo Chikwanha Personal*" in said([late])
    assert "*Security:* unsecured\n*Due:*" in said([late])
    assert said([late]).startswith("⌛ Your session timed out")  # said in the same message

    farai = Phone(demo.whatsapp, FARAI)
    (menu,) = await farai.pick_id(unsecured_row)  # the note folded into the screen
    assert said([menu]).startswith("🔍 I couldn't find that credex in this account's ledger.\n\n")
    assert "📒 Ledger" in rows(menu)
    assert tendai.rejected == [] and farai.rejected == []
