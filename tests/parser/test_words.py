"""Navigation and yes/no words: any case, any spacing, emoji with any skin tone."""

from __future__ import annotations

import pytest

from parser import Navigation, parse_navigation, parse_row_number, parse_yes_no, reaction_feeling

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
    # Words people type (issue 9): politeness around a word does not change it.
    ("ok thanks", Navigation.THANKS),
    ("okay", Navigation.THANKS),
    ("Okay!", Navigation.THANKS),
    ("thank you so much", Navigation.THANKS),
    ("Thank you very much 🙏", Navigation.THANKS),
    ("thanks a lot", Navigation.THANKS),
    ("thanks again", Navigation.THANKS),
    ("tatenda", Navigation.THANKS),
    ("balance", Navigation.MENU),
    ("Balances?", Navigation.MENU),
    ("menu please", Navigation.MENU),
    ("Menu, please", Navigation.MENU),
    ("menu pls", Navigation.MENU),
    ("good morning", Navigation.GREETING),
    ("Good Morning!", Navigation.GREETING),
    ("good evening", Navigation.GREETING),
    ("mangwanani", Navigation.GREETING),
    ("Mangwanani!", Navigation.GREETING),
    ("ndeipi", Navigation.GREETING),
    ("masikati", Navigation.GREETING),
    ("next", Navigation.NEXT),
    ("More", Navigation.NEXT),
    ("next please", Navigation.NEXT),
    ("prev", Navigation.PREVIOUS),
    ("Previous", Navigation.PREVIOUS),
]


@pytest.mark.parametrize(("text", "expected"), NAVIGATION)
def test_navigation_word_is_recognised(text: str, expected: Navigation) -> None:
    assert parse_navigation(text) is expected


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   ",
        "hi there",
        "menus",
        "xx",
        "5=>bob",
        "!",
        "👎",
        "hi 👍",
        "❤️‍🔥",
        "cancel offer",
        "please",
        "so much",
        "good",
        "menu bob",
        "next week",
    ],
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


@pytest.mark.parametrize(
    ("emoji", "feeling"),
    [
        ("👍", "glad"),
        ("👍🏿", "glad"),
        ("🙏🏾", "glad"),
        ("❤️", "glad"),
        ("😂", "other"),
        ("😮", "other"),
        ("😡", "upset"),
        ("😠", "upset"),
        ("🤬", "upset"),
        ("👎🏽", "upset"),
        ("😢", "upset"),
        ("🤦🏾‍♂️", "upset"),
    ],
)
def test_reaction_feeling_tells_angry_faces_from_thanks(emoji: str, feeling: str) -> None:
    assert reaction_feeling(emoji) == feeling


@pytest.mark.parametrize(
    ("text", "row"),
    [("1", 1), ("#1", 1), (" 9 ", 9), ("# 12", 12), ("3.", 3), ("4)", 4), ("no 2", 2), ("No.5", 5)],
)
def test_row_number_picks_the_row_shown_with_it(text: str, row: int) -> None:
    assert parse_row_number(text) == row


@pytest.mark.parametrize("text", ["", "one", "1.5", "5=>bob", "1000", "#", "3 4", "-1", "USD 5"])
def test_other_text_picks_no_row(text: str) -> None:
    assert parse_row_number(text) is None


@pytest.mark.parametrize("text", ["okay", "Okay!", "k"])
def test_okay_is_left_to_answer_an_open_question(text: str) -> None:
    assert parse_navigation(text, answering=True) is None
