"""A phone credex-core has never seen becomes a member over the whole stack."""

from __future__ import annotations

from gateway.credex import CredexClient
from simulator.demo import Demo
from tests.e2e.phone import Phone, rows, said

NEWCOMER = "263779990001"


async def test_unknown_phone_onboards_through_the_welcome_and_lands_on_its_dashboard(
    demo: Demo, credex: CredexClient
) -> None:
    new = Phone(demo.whatsapp, NEWCOMER, name="Nyasha")
    (welcome,) = await new.say("hi")
    assert "Welcome to VimbisoPay" in said([welcome]) and "free" in said([welcome])
    (first,) = await new.tap("Become a member")
    assert "first name" in said([first])
    (last,) = await new.say("Nyasha")
    assert "Nyasha" in said([last]) and "last name" in said([last])
    (confirm,) = await new.say("Moyo")
    assert "registered as *Nyasha Moyo*" in said([confirm])
    assert "removed" not in said([confirm])  # nothing was cleaned, so nothing is explained
    (dashboard,) = await new.tap("Register")
    aboard = dashboard  # the note and the screen arrive as one message
    assert "Welcome to credex, Nyasha" in said([aboard])
    assert "*💳 Nyasha Moyo Personal*" in said([dashboard])
    assert "Left to offer today:* 10.00 USD" in said([dashboard])
    assert "💸 Offer secured" in rows(dashboard)
    assert (await credex.member_view(NEWCOMER)).member.first_name == "Nyasha"
    assert new.rejected == []


async def test_name_with_digits_and_emoji_is_shown_cleaned_and_the_cleaning_explained(
    demo: Demo, credex: CredexClient
) -> None:
    new = Phone(demo.whatsapp, NEWCOMER)
    await new.say("hello")
    await new.tap("Become a member")
    await new.say("Nyasha😀")
    (confirm,) = await new.say("Mu-tasa2")
    text = said([confirm])
    assert "registered as *Nyasha Mu-tasa*" in text
    assert "_Nyasha Mu-tasa Personal_" in text
    assert "letters (A–Z), spaces and hyphens" in text and "removed the other characters" in text
    (dashboard,) = await new.tap("Register")  # the note is folded into it
    assert "*💳 Nyasha Mu-tasa Personal*" in said([dashboard])
    view = await credex.member_view(NEWCOMER)
    assert (view.member.first_name, view.accounts[0].name) == ("Nyasha", "Nyasha Mu-tasa Personal")
    assert new.rejected == []
