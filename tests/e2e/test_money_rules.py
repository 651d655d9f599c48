"""Money never moves by surprise, over the whole stack (signed webhooks in, the WhatsApp
simulator as Meta, the credex-core simulator over HTTP, real Redis): a confirmation left is
closed, Accept-all accepts what it listed, impossible offers never reach "Sign & send", and a
typical turn costs one message."""

from __future__ import annotations

from gateway.credex import CredexClient
from simulator.demo import Demo
from tests.e2e.conftest import FARAI, RUDO, TENDAI, incoming, outgoing
from tests.e2e.phone import Phone, buttons, rows, said


async def test_back_then_yes_creates_nothing(demo: Demo, credex: CredexClient) -> None:
    tendai = Phone(demo.whatsapp, TENDAI)
    await tendai.say("hi")
    before = await outgoing(credex, TENDAI)
    (confirm,) = await tendai.say("3=>rudo")
    assert "✍️ Sign & send" in buttons(confirm)
    (back,) = await tendai.say("back")
    assert said([back]).startswith("🗑️ Your 3.00 USD offer to Rudo Chikwanha Personal was not sent.")
    (after_yes,) = await tendai.say("yes")
    assert "Offer sent" not in said([after_yes])
    assert await outgoing(credex, TENDAI) == before
    assert tendai.rejected == []


async def test_the_old_sign_and_send_after_back_and_ledger_sends_nothing(
    demo: Demo, credex: CredexClient
) -> None:
    tendai = Phone(demo.whatsapp, TENDAI)
    await tendai.say("hi")
    before = await outgoing(credex, TENDAI)
    await tendai.say("4=>rudo")
    old = tendai.button_id("Sign & send")
    await tendai.say("back")
    (ledger,) = await tendai.say("ledger")
    assert "📒" in said([ledger])
    (late,) = await tendai.tap_id(old, "✍️ Sign & send")
    assert "no longer open, so nothing was sent" in said([late])
    assert await outgoing(credex, TENDAI) == before


async def test_a_stale_accept_all_accepts_only_what_it_listed(
    demo: Demo, credex: CredexClient
) -> None:
    rudo, farai = Phone(demo.whatsapp, RUDO), Phone(demo.whatsapp, FARAI)
    await rudo.say("hi")
    (listed,) = await rudo.pick("Incoming offers (2)")
    assert "✅ Accept all" in rows(listed)
    listed_ids = set(await incoming(credex, RUDO))
    await farai.say("1=>rudo")  # a third offer arrives after the list was shown
    await farai.tap("Sign & send")
    (late,) = set(await incoming(credex, RUDO)) - listed_ids
    (summary,) = await rudo.pick("Accept all")  # with the dashboard folded in: it fits
    text = said([summary])
    assert "✅ *Accepted* (2)" in text
    assert "1 new offer arrived since — it is still waiting for you: 1.00 USD from Farai" in text
    assert await incoming(credex, RUDO) == [late]
    assert rudo.rejected == [] and farai.rejected == []


async def test_too_precise_and_over_the_balance_never_reach_sign_and_send(
    demo: Demo, credex: CredexClient
) -> None:
    tendai = Phone(demo.whatsapp, TENDAI)
    await tendai.say("hi")
    before = await outgoing(credex, TENDAI)
    (tiny,) = await tendai.say("0.001=>rudo")
    assert "smallest amount is *0.01 USD*" in said([tiny]) and not buttons(tiny)
    (over,) = await tendai.say("300=>rudo")  # 250 held
    assert "✍️ Sign & send" not in buttons(over)
    assert "You can send up to *250.00 USD* secured right now" in said([over])
    (confirm,) = await tendai.tap("Send 250.00 USD")
    assert "*Amount:* 250.00 USD" in said([confirm]) and "✍️ Sign & send" in buttons(confirm)
    assert await outgoing(credex, TENDAI) == before
    assert tendai.rejected == []


async def test_credex_cores_floating_point_edge_offers_the_largest_amount_it_accepts(
    demo: Demo, credex: CredexClient
) -> None:
    """Farai holds 5 USD; Tendai sends 2 more from the same trust: 7.00 shown, but credex-core
    computes 6.999999999999999 securable in CXX doubles (docs/credex-core-api.md §10.1) and
    refuses 7.00."""
    tendai, farai = Phone(demo.whatsapp, TENDAI), Phone(demo.whatsapp, FARAI)
    await tendai.say("2=>farai")
    await tendai.tap("Sign & send")
    await farai.say("hi")
    await farai.pick("Incoming offers")
    await farai.pick("2.00 USD")
    (dashboard,) = await farai.tap("Accept")
    assert "• 7.00 USD" in said([dashboard])
    await farai.say("7=>rudo")
    (refused,) = await farai.tap("Sign & send")
    text = said([refused])
    assert "not sent" in text and "the most it accepts right now is *6.99 USD*" in text
    (confirm,) = await farai.tap("Send 6.99 USD")
    assert "*Amount:* 6.99 USD" in said([confirm])
    (sent,) = await farai.tap("Sign & send")
    assert "*Offer sent*: 6.99 USD secured" in said([sent])
    assert farai.rejected == []


async def test_a_typical_turn_sends_one_message(demo: Demo) -> None:
    tendai = Phone(demo.whatsapp, TENDAI)
    for act in ("hi", "5=>rudo", "x", "what is this", "menu", "ledger", "5=>rudo", "back"):
        (reply,) = await tendai.say(act)
        assert reply["type"] in ("text", "interactive")
    await tendai.say("1=>rudo")
    (sent,) = await tendai.tap("Sign & send")
    assert "Offer sent" in said([sent]) and "Secured balances" in said([sent])
    assert len(demo.whatsapp.sent_to(TENDAI)) == tendai.read  # nothing extra arrived
