"""G5 and G3 over the whole stack: a confirmation tapped twice, tapped twice at once, or its
webhook redelivered by Meta with the same wamid, creates one credex and says so."""

from __future__ import annotations

import anyio

from gateway.credex import CredexClient
from simulator.demo import Demo
from tests.e2e.conftest import RUDO, TENDAI, incoming, outgoing
from tests.e2e.phone import Phone, said


async def test_second_tap_and_redelivered_tap_on_one_confirmation_create_a_single_credex(
    demo: Demo, credex: CredexClient
) -> None:
    tendai = Phone(demo.whatsapp, TENDAI)
    before = await incoming(credex, RUDO)
    await tendai.say("0.5 => Rudo")
    (result,) = await tendai.tap("Sign & send")  # one message: the screen follows in it
    assert "*Offer sent*" in said([result])
    first_tap = tendai.last_wamid
    (again,) = await tendai.tap("Sign & send")
    assert "already used, so nothing new was sent" in said([again])
    assert await demo.whatsapp.redeliver(first_tap) == 200
    # The redelivery must cause nothing; had it replied, that reply would arrive before the
    # dashboard this message asks for (one conversation is processed in order).
    (dashboard,) = await tendai.say("menu")
    assert "249.50 USD" in said([dashboard]) and "3 outgoing" in said([dashboard])
    assert len(await incoming(credex, RUDO)) == len(before) + 1
    assert tendai.rejected == []


async def test_two_taps_arriving_together_send_once_and_answer_the_other_already_sent(
    demo: Demo, credex: CredexClient
) -> None:
    tendai = Phone(demo.whatsapp, TENDAI)
    before = await outgoing(credex, TENDAI)
    await tendai.say("1=>rudo")
    button = tendai.button_id("Sign & send")
    async with anyio.create_task_group() as taps:
        for _ in range(2):
            taps.start_soon(demo.whatsapp.tap_button, TENDAI, button, "✍️ Sign & send")
    text = said(await tendai.replies(2))  # the result with the dashboard folded in, and the other
    assert text.count("*Offer sent*") == 1
    assert text.count("already used, so nothing new was sent") == 1
    assert len(await outgoing(credex, TENDAI)) == len(before) + 1
    assert tendai.rejected == []


async def test_redelivered_menu_pick_is_dropped_so_it_cannot_reopen_a_form_the_user_left(
    demo: Demo,
) -> None:
    # Reprocessing would produce a reply with the same id, which the sender already sent and
    # skips; so the only trace a reprocessed pick leaves is the form it silently reopens.
    tendai = Phone(demo.whatsapp, TENDAI)
    await tendai.say("hi")
    (ask_amount,) = await tendai.pick("Offer secured")
    assert "How much?" in said([ask_amount])
    pick = tendai.last_wamid
    (cancelled,) = await tendai.say("x")  # one message: the screen follows in it
    assert "Cancelled" in said([cancelled])
    assert await demo.whatsapp.redeliver(pick) == 200
    answer = said(await tendai.say("5"))
    assert "Who is it for?" not in answer  # "5" was not taken as the amount of a reopened form
    assert "didn't understand" in answer
    assert tendai.rejected == []
