"""A member offers credex over the whole stack: by menu, by quick command, unsecured, in bulk,
and the refusals (daily limit, unknown handle) explained in plain words."""

from __future__ import annotations

import datetime as dt

import pytest

from gateway.credex import CredexClient
from simulator.demo import Demo
from tests.e2e.conftest import FARAI, RUDO, TENDAI, incoming, outgoing
from tests.e2e.phone import Phone, buttons, said


def day(value: dt.date) -> str:
    """How the bot writes a date: `12 Dec 2026`."""
    return f"{value.day} {value:%b %Y}"


def sim_today() -> dt.date:
    """The simulator's current day: today's UTC date, as in production credex-core."""
    return dt.datetime.now(dt.UTC).date()


async def test_secured_offer_by_menu_is_confirmed_signed_and_reaches_the_recipient(
    demo: Demo, credex: CredexClient
) -> None:
    tendai = Phone(demo.whatsapp, TENDAI)
    (dashboard,) = await tendai.say("hi")
    assert "Tendai" in said([dashboard]) and "250.00 USD" in said([dashboard])
    (ask_amount,) = await tendai.pick("Offer secured")
    assert "How much?" in said([ask_amount])
    (ask_handle,) = await tendai.say("3")
    assert "handle" in said([ask_handle])
    (confirm,) = await tendai.say("rudo")
    text = said([confirm])
    assert "*Amount:* 3.00 USD" in text and "*Type:* Secured" in text
    assert "*From:* Tendai Moyo Personal (tendai)" in text
    assert "*To:* Rudo Chikwanha Personal (rudo)" in text
    assert list(buttons(confirm)) == ["✍️ Sign & send", "Cancel"]
    before = await incoming(credex, RUDO)
    (after,) = await tendai.tap("Sign & send")
    result = after  # the note and the screen arrive as one message
    assert "*Offer sent*: 3.00 USD secured to *Rudo Chikwanha Personal*" in said([result])
    assert "247.00 USD" in said([after]) and "3 outgoing" in said([after])
    assert len(await incoming(credex, RUDO)) == len(before) + 1
    assert tendai.rejected == []


@pytest.mark.parametrize("command", ["0.5 => Rudo", "0.5=>rudo", "USD 0.5=>@rudo", "$0.5 => rudo"])
async def test_quick_command_spelling_gets_the_confirmation_and_sends_half_a_dollar_to_rudo(
    demo: Demo, credex: CredexClient, command: str
) -> None:
    tendai = Phone(demo.whatsapp, TENDAI)
    (confirm,) = await tendai.say(command)
    text = said([confirm])
    assert "*Amount:* 0.50 USD" in text and "*Type:* Secured" in text
    assert "*To:* Rudo Chikwanha Personal (rudo)" in text
    before = await outgoing(credex, TENDAI)
    (dashboard,) = await tendai.tap("Sign & send")
    result = dashboard  # the note and the screen arrive as one message
    assert "*Offer sent*: 0.50 USD secured to *Rudo Chikwanha Personal*" in said([result])
    assert "249.50 USD" in said([dashboard])
    assert len(await outgoing(credex, TENDAI)) == len(before) + 1
    assert tendai.rejected == []


async def test_unsecured_quick_offers_use_the_typed_date_or_default_to_four_weeks(
    demo: Demo, credex: CredexClient
) -> None:
    tendai = Phone(demo.whatsapp, TENDAI)
    due = sim_today() + dt.timedelta(days=14)
    (confirm,) = await tendai.say(f"3->rudo={due.isoformat()}")
    assert f"*Type:* Unsecured, due {day(due)}" in said([confirm])
    (result,) = await tendai.tap("Sign & send")  # one message: the screen follows in it
    assert f"3.00 USD unsecured, due {day(due)} to *Rudo Chikwanha Personal*" in said([result])

    default_due = sim_today() + dt.timedelta(days=28)
    (confirm,) = await tendai.say("3->rudo")
    assert f"*Type:* Unsecured, due {day(default_due)}" in said([confirm])
    (dashboard,) = await tendai.tap("Sign & send")
    result = dashboard  # the note and the screen arrive as one message
    assert f"unsecured, due {day(default_due)}" in said([result])
    assert "250.00 USD" in said([dashboard])  # unsecured offers take nothing from the balance

    view = await credex.member_view(RUDO)
    from_tendai = [
        o.due_date
        for a in view.accounts
        for o in a.pending_in
        if not o.secured and o.amount.amount == 3
    ]
    assert sorted(from_tendai) == [due, default_due]  # type: ignore[type-var]
    assert tendai.rejected == []


async def test_bulk_with_one_line_over_the_secured_balance_never_reaches_send_all(
    demo: Demo, credex: CredexClient
) -> None:
    tendai = Phone(demo.whatsapp, TENDAI)
    before = await outgoing(credex, TENDAI)
    (refused,) = await tendai.say("1=>rudo\n9999=>rudo\n2->farai")
    text = said([refused])
    assert "Send all" not in text and "nothing was sent" in text
    assert "You can secure *250.00 USD*, less than 10,000.00 USD" in text
    assert await outgoing(credex, TENDAI) == before
    assert tendai.rejected == []


async def test_open_tier_over_its_daily_limit_is_told_what_it_can_send_before_signing(
    demo: Demo, credex: CredexClient
) -> None:
    farai = Phone(demo.whatsapp, FARAI)
    await farai.say("4=>rudo")
    (dashboard,) = await farai.tap("Sign & send")
    assert "Left to offer today:* 6.00 USD" in said([dashboard])
    before = await outgoing(credex, FARAI)
    (refused,) = await farai.say("7=>rudo")
    text = said([refused])
    assert "Sign & send" not in text
    assert "Your tier 1 daily limit leaves *6.00 USD* today" in text
    assert "renews at midnight UTC (02:00 in Harare)" in text
    assert "You can send up to *1.00 USD* secured right now" in text  # 1 of 5 USD still held
    assert await outgoing(credex, FARAI) == before
    assert farai.rejected == []


async def test_unknown_handle_asks_to_check_the_spelling_and_sends_nothing(
    demo: Demo, credex: CredexClient
) -> None:
    tendai = Phone(demo.whatsapp, TENDAI)
    before = await outgoing(credex, TENDAI)
    await tendai.say("hi")
    await tendai.pick("Offer secured")
    await tendai.say("5")
    (asked,) = await tendai.say("nobody_here")
    assert "couldn't find an account with the handle *nobody_here*" in said([asked])
    assert "Check the spelling" in said([asked])
    (quick,) = await tendai.say("5=>nobody_here")
    assert "*nobody_here*: no account with that handle, check the spelling" in said([quick])
    assert "nothing was sent" in said([quick])
    assert await outgoing(credex, TENDAI) == before
    assert tendai.rejected == []


async def test_unsecured_offer_by_menu_refuses_a_date_out_of_the_window_then_takes_a_button(
    demo: Demo, credex: CredexClient
) -> None:
    tendai = Phone(demo.whatsapp, TENDAI)
    earliest, latest = sim_today() + dt.timedelta(days=7), sim_today() + dt.timedelta(days=34)
    await tendai.say("hi")
    await tendai.pick("Offer unsecured")
    await tendai.say("4")
    (ask_due,) = await tendai.say("rudo")
    assert f"between *{day(earliest)}* and *{day(latest)}*" in said([ask_due])
    assert list(buttons(ask_due)) == ["In 1 week", "In 2 weeks", "In 4 weeks"]
    too_late = latest + dt.timedelta(days=1)
    (refused,) = await tendai.say(too_late.isoformat())
    assert f"must be between *{day(earliest)}* and *{day(latest)}*" in said([refused])
    (back,) = await tendai.say("back")
    assert "Who is it for?" in said([back]) and "Last time: rudo" in said([back])
    await tendai.say("rudo")
    (confirm,) = await tendai.tap("In 2 weeks")
    due = sim_today() + dt.timedelta(days=14)
    assert f"*Type:* Unsecured, due {day(due)}" in said([confirm])
    assert "*Amount:* 4.00 USD" in said([confirm])
    before = await incoming(credex, RUDO)
    (result,) = await tendai.tap("Sign & send")  # one message: the screen follows in it
    assert f"4.00 USD unsecured, due {day(due)} to *Rudo Chikwanha Personal*" in said([result])
    assert len(await incoming(credex, RUDO)) == len(before) + 1
    assert tendai.rejected == []
