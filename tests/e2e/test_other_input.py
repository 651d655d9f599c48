"""Anything the bot cannot read still gets an answer (G7): what it understands, and the menu."""

from __future__ import annotations

import pytest

from simulator.demo import Demo
from tests.e2e.conftest import TENDAI
from tests.e2e.phone import Phone, buttons, rows, said


@pytest.mark.parametrize(
    ("kind", "named"),
    [("image", "a picture"), ("sticker", "a sticker"), ("voice", "a voice note")],
)
async def test_media_gets_a_friendly_reply_naming_it_and_what_works_with_the_menu(
    demo: Demo, kind: str, named: str
) -> None:
    tendai = Phone(demo.whatsapp, TENDAI)
    (menu,) = await tendai.send_kind(kind)
    explained = menu  # the note and the screen arrive as one message
    text = said([explained])
    assert f"I can't read {named} yet" in text
    assert "quick offers like `5=>bob`" in text and "*menu*" in text
    assert "💸 Offer secured" in rows(menu) and "Tendai" in said([menu])
    assert tendai.rejected == []


async def test_unknown_text_gets_a_short_hint_with_a_menu_button(demo: Demo) -> None:
    tendai = Phone(demo.whatsapp, TENDAI)
    (hint,) = await tendai.say("what is the weather like")
    assert "didn't understand" in said([hint]) and "`5=>bob`" in said([hint])
    assert "🏡 Menu" in buttons(hint) and "Secured balances" not in said([hint])
    (menu,) = await tendai.tap("Menu")
    assert "💸 Offer secured" in rows(menu)
    assert tendai.rejected == []
