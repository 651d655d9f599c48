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
    result, after = await tendai.tap("Sign & send", expect=2)
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
    result, dashboard = await tendai.tap("Sign & send", expect=2)
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
    result, _ = await tendai.tap("Sign & send", expect=2)
    assert f"3.00 USD unsecured, due {day(due)} to *Rudo Chikwanha Personal*" in said([result])

    default_due = sim_today() + dt.timedelta(days=28)
    (confirm,) = await tendai.say("3->rudo")
    assert f"*Type:* Unsecured, due {day(default_due)}" in said([confirm])
    result, dashboard = await tendai.tap("Sign & send", expect=2)
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


async def test_bulk_of_three_with_one_over_the_secured_balance_reports_each_line_and_sends_two(
    demo: Demo, credex: CredexClient
) -> None:
    tendai = Phone(demo.whatsapp, TENDAI)
    (confirm,) = await tendai.say("1=>rudo\n9999=>rudo\n2->farai")
    text = said([confirm])
    assert "*Please confirm 3 offers*" in text
    assert "1. 1.00 USD secured to *Rudo Chikwanha Personal*" in text
    assert "2. 9,999.00 USD secured to *Rudo Chikwanha Personal*" in text
    assert "3. 2.00 USD unsecured" in text and "*Farai Ncube Personal*" in text
    before = await outgoing(credex, TENDAI)
    (results, _) = await tendai.tap("Send all 3", expect=2)
    lines = said([results]).splitlines()
    assert lines[1] == "1. ✅ 1.00 USD to *Rudo Chikwanha Personal*: sent"
    assert lines[2].startswith("2. ❌ 9,999.00 USD to *Rudo Chikwanha Personal*: not sent.")
    assert "You can secure at most *249.00 USD*" in lines[2]
    assert lines[3] == "3. ✅ 2.00 USD to *Farai Ncube Personal*: sent"
    assert len(lines) == 4
    assert len(await outgoing(credex, TENDAI)) == len(before) + 2
    assert tendai.rejected == []


async def test_open_tier_over_its_daily_limit_is_told_what_is_left_today_and_when_it_renews(
    demo: Demo, credex: CredexClient
) -> None:
    farai = Phone(demo.whatsapp, FARAI)
    await farai.say("4=>rudo")
    await farai.tap("Sign & send", expect=2)
    before = await outgoing(credex, FARAI)
    await farai.say("7=>rudo")
    refused = said(await farai.tap("Sign & send", expect=2))
    assert "you can offer *6.00 USD* more today" in refused
    assert "renew at midnight UTC" in refused
    assert "Left to offer today:* 6.00 USD" in refused  # the dashboard agrees
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
    result, _ = await tendai.tap("Sign & send", expect=2)
    assert f"4.00 USD unsecured, due {day(due)} to *Rudo Chikwanha Personal*" in said([result])
    assert len(await incoming(credex, RUDO)) == len(before) + 1
    assert tendai.rejected == []
