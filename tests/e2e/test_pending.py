"""Pending offers over the whole stack: the recipient accepts and declines, the sender cancels,
and accept-all reports mixed results when the ledger changed under it."""

from __future__ import annotations

from collections.abc import AsyncIterator
from decimal import Decimal

import pytest
import redis.asyncio as aioredis

from gateway.credex import CredexClient
from simulator.demo import Demo, running_demo
from tests.e2e.conftest import RUDO, TENDAI, incoming, outgoing
from tests.e2e.credex_proxy import CredexProxy, proxied_simulator
from tests.e2e.phone import Phone, buttons, rows, said
from tests.redis_server import cluster_mode


async def test_recipient_accepts_one_declines_another_and_the_sender_cancels_an_offer(
    demo: Demo, credex: CredexClient
) -> None:
    rudo = Phone(demo.whatsapp, RUDO)
    (dashboard,) = await rudo.say("hi")
    assert "90.00 USD" in said([dashboard]) and "2 incoming" in said([dashboard])
    (listed,) = await rudo.pick("Incoming offers (2)")
    assert "25.00 USD* from Tendai Moyo Personal (secured)" in said([listed])
    (card,) = await rudo.pick("25.00 USD")
    assert list(buttons(card)) == ["✅ Accept", "❌ Decline", "🏡 Menu"]
    (dashboard,) = await rudo.tap("Accept")
    accepted = dashboard  # the note and the screen arrive as one message
    assert "You accepted *25.00 USD* from *Tendai Moyo Personal*" in said([accepted])
    assert "115.00 USD" in said([dashboard]) and "1 incoming" in said([dashboard])

    await rudo.pick("Incoming offers (1)")
    (card,) = await rudo.pick("12.00 USD")
    assert "Unsecured, due" in said([card])
    (dashboard,) = await rudo.tap("Decline")
    declined = dashboard  # the note and the screen arrive as one message
    assert "You declined *12.00 USD* from *Tendai Moyo Personal*" in said([declined])
    assert "incoming" not in said([dashboard])
    assert not any("Incoming offers" in title for title in rows(dashboard))
    assert await incoming(credex, RUDO) == []

    tendai = Phone(demo.whatsapp, TENDAI)
    (dashboard,) = await tendai.say("hi")
    assert "outgoing" not in said([dashboard])  # both seeded offers to Rudo are settled
    await tendai.say("1=>rudo")
    (dashboard,) = await tendai.tap("Sign & send")  # the note is folded into it
    assert "249.00 USD" in said([dashboard]) and "1 outgoing" in said([dashboard])
    (listed,) = await tendai.pick("Outgoing offers (1)")
    assert "1.00 USD* to Rudo Chikwanha Personal (secured)" in said([listed])
    (card,) = await tendai.pick("1.00 USD")
    (asked,) = await tendai.tap("Cancel offer")
    assert "Cancel your offer of *1.00 USD* to *Rudo Chikwanha Personal*?" in said([asked])
    assert len(await outgoing(credex, TENDAI)) == 1  # asking is not cancelling
    (dashboard,) = await tendai.tap("Yes, cancel it")
    cancelled = dashboard  # the note and the screen arrive as one message
    assert "You cancelled your offer of *1.00 USD* to *Rudo Chikwanha Personal*" in said(
        [cancelled]
    )
    assert "250.00 USD" in said([dashboard]) and "outgoing" not in said([dashboard])
    assert await outgoing(credex, TENDAI) == []
    assert rudo.rejected == [] and tendai.rejected == []


async def test_eleven_incoming_offers_are_listed_on_two_pages_within_whatsapps_ten_rows(
    demo: Demo,
) -> None:
    tendai, rudo = Phone(demo.whatsapp, TENDAI), Phone(demo.whatsapp, RUDO)
    await tendai.say("\n".join(f"{n}=>rudo" for n in range(1, 10)))
    (results,) = await tendai.tap("Send all 9")  # one message: the screen follows in it
    assert said([results]).count(": sent") == 9
    await rudo.say("hi")
    (first,) = await rudo.pick("Incoming offers (11)")
    assert "(page 1 of 2)" in said([first])
    assert len(rows(first)) <= 10 and "✅ Accept all" in rows(first) and "More…" in rows(first)
    assert len(rudo.row_ids("offer:in:")) == 6
    (second,) = await rudo.pick("More…")
    assert "(page 2 of 2)" in said([second])
    assert "9. *7.00 USD* from Tendai Moyo Personal (secured)" in said([second])
    assert len(rudo.row_ids("offer:in:")) == 5
    assert "⬅️ Previous" in rows(second) and "🏡 Menu" in rows(second)  # every later page
    (card,) = await rudo.pick("11. 9.00 USD")
    assert "*Amount:* 9.00 USD" in said([card])
    assert rudo.rejected == [] and tendai.rejected == []


@pytest.fixture
async def proxied(
    redis_url: str, key_prefix: str, redis_client: aioredis.Redis
) -> AsyncIterator[tuple[Demo, CredexProxy, CredexClient]]:
    """The stack with the bot reaching credex-core through a proxy the test can step into; the
    probe client talks to the simulator directly."""
    async with (
        proxied_simulator() as (sim_url, proxy),
        running_demo(
            "127.0.0.1",
            0,
            redis_url,
            key_prefix=key_prefix,
            credex_url=proxy.url,
            redis_cluster=cluster_mode(),
        ) as demo,
    ):
        probe = CredexClient(sim_url, max_retries=0)
        try:
            yield demo, proxy, probe
        finally:
            await probe.close()


async def test_accept_all_reports_accepted_already_accepted_and_failed_offers_by_amount(
    proxied: tuple[Demo, CredexProxy, CredexClient],
) -> None:
    demo, proxy, credex = proxied
    tendai, rudo = Phone(demo.whatsapp, TENDAI), Phone(demo.whatsapp, RUDO)
    await tendai.say("1=>rudo")
    await tendai.tap("Sign & send")
    await rudo.say("hi")
    (listed,) = await rudo.pick("Incoming offers (3)")
    assert "✅ Accept all" in rows(listed)

    view = await credex.member_view(RUDO)
    offer_of = {o.amount.amount: o.credex_id for a in view.accounts for o in a.pending_in}
    rudo_id = view.member.member_id
    tendai_id = (await credex.member_view(TENDAI)).member.member_id

    async def meanwhile(operation: str) -> None:
        # Between the bot's fresh look at the offers and its bulk call: Tendai cancels the
        # 1.00 offer and Rudo accepts the 25.00 one elsewhere (say, the credex web app).
        if operation == "acceptCredexBulk" and proxy.before is not None:
            proxy.before = None
            await credex.cancel(TENDAI, offer_of[Decimal("1.00")], tendai_id)
            await credex.accept(RUDO, offer_of[Decimal("25.00")], rudo_id)

    proxy.before = meanwhile
    (dashboard,) = await rudo.pick("Accept all")
    summary = dashboard  # the note and the screen arrive as one message
    text = said([summary])
    assert "✅ *Accepted* (1)\n• 12.00 USD from Tendai Moyo Personal" in text
    assert "☑️ *Already accepted* (1)\n• 25.00 USD from Tendai Moyo Personal" in text
    assert "❌ *Not accepted* (1)\n• 1.00 USD from Tendai Moyo Personal: _" in text
    assert proxy.count("acceptCredexBulk") == 1
    assert await incoming(credex, RUDO) == []
    assert "115.00 USD" in said([dashboard]) and "incoming" not in said([dashboard])
    assert rudo.rejected == [] and tendai.rejected == []
