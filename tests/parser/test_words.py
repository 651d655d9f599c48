"""Navigation and yes/no words: any case, any spacing, emoji with any skin tone."""

from __future__ import annotations

import pytest

from parser import Navigation, parse_navigation, parse_yes_no

NAVIGATION = [
    ("menu", Navigation.MENU),
    ("  MENU ", Navigation.MENU),
    ("Home", Navigation.MENU),
    ("x", Navigation.CANCEL),
    ("X", Navigation.CANCEL),
    ("c", Navigation.CANCEL),
    ("Cancel", Navigation.CANCEL),
    ("back", Navigation.BACK),
    ("BACK", Navigation.BACK),
    *[
        (word, Navigation.GREETING)
        for word in (
            "hi",
            "hello",
            "hey",
            "hie",
            "hy",
            "mhoro",
            "makadii",
            "sawubona",
            "salibonani",
            "jambo",
            "habari",
        )
    ],
    ("Hi!", Navigation.GREETING),
    ("HELLO", Navigation.GREETING),
    ("thanks", Navigation.THANKS),
    ("thank you", Navigation.THANKS),
    ("Thank  You!", Navigation.THANKS),
    ("thankyou", Navigation.THANKS),
    ("ok", Navigation.THANKS),
    ("OK", Navigation.THANKS),
    ("👍", Navigation.THANKS),
    ("👍🏿", Navigation.THANKS),
    ("👍🏻", Navigation.THANKS),
    ("🙏", Navigation.THANKS),
    ("🙏🏾", Navigation.THANKS),
    ("❤", Navigation.THANKS),
    ("❤️", Navigation.THANKS),
    ("🙏🙏", Navigation.THANKS),
    ("thanks 🙏", Navigation.THANKS),
    ("help", Navigation.HELP),
    ("Help", Navigation.HELP),
    ("?", Navigation.HELP),
    (" ? ", Navigation.HELP),
]


@pytest.mark.parametrize(("text", "expected"), NAVIGATION)
def test_navigation_word_is_recognised(text: str, expected: Navigation) -> None:
    assert parse_navigation(text) is expected


@pytest.mark.parametrize(
    "text",
    ["", "   ", "hi there", "menus", "xx", "5=>bob", "!", "👎", "hi 👍", "❤️‍🔥", "cancel offer"],
)
def test_other_text_is_not_a_navigation_word(text: str) -> None:
    assert parse_navigation(text) is None


@pytest.mark.parametrize(
    "text", ["yes", "Y", " YES ", "yeah", "ok", "Okay", "hongu", "yebo", "👍", "👍🏽", "✅"]
)
def test_yes_words_say_yes(text: str) -> None:
    assert parse_yes_no(text) is True


@pytest.mark.parametrize("text", ["no", "N", " NO ", "nope", "kwete", "aiwa", "👎", "❌"])
def test_no_words_say_no(text: str) -> None:
    assert parse_yes_no(text) is False


@pytest.mark.parametrize("text", ["", "maybe", "yes no", "5", "menu", "yess"])
def test_other_text_is_neither_yes_nor_no(text: str) -> None:
    assert parse_yes_no(text) is None
