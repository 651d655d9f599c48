"""The get-paid words: `receive [amount]`, a pay link's `pay [amount] to @handle` (read back
exactly as the screens write it, for any amount and handle), and `statement [period]`."""

from __future__ import annotations

from decimal import Decimal
from urllib.parse import parse_qs, urlsplit

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from actors.intents import from_text
from actors.intents.base import Typed
from actors.intents.receive import GetPaid, PayLink
from actors.intents.statement import AskStatement
from actors.screens.receive import pay_link, pay_text, places, plain_amount
from parser import DENOMINATIONS
from parser.payments import Pay, Receive, StatementPeriod, parse_pay, parse_receive

PROPERTY = settings(max_examples=300, derandomize=True, deadline=None)
handles = st.from_regex(r"[a-z0-9_]{3,30}", fullmatch=True)
denominations = st.sampled_from(sorted(DENOMINATIONS))


@st.composite
def receivable(draw: st.DrawFn) -> tuple[Decimal, str]:
    """An amount `receive` accepts for a link: up to 1e9, the denomination's decimals."""
    denom = draw(denominations)
    exp = places(denom)
    return Decimal(draw(st.integers(1, 10 ** (9 + exp)))).scaleb(-exp), denom


@PROPERTY
@given(handles, receivable())
def test_a_pay_links_text_reads_back_as_the_same_offer(
    handle: str, money: tuple[Decimal, str]
) -> None:
    amount, denom = money
    link = pay_link("+1 555 000 1234", pay_text(handle, amount, denom))
    assert link.startswith("https://wa.me/15550001234?text=")
    (text,) = parse_qs(urlsplit(link).query)["text"]
    assert plain_amount(amount, denom) in text
    assert parse_pay(text) == Pay(handle, amount, denom)
    assert from_text(text) == PayLink(Pay(handle, amount, denom))


@PROPERTY
@given(handles)
def test_a_link_without_an_amount_reads_back_as_just_the_handle(handle: str) -> None:
    assert parse_pay(pay_text(handle, None, None)) == Pay(handle)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("receive", Receive()),
        ("  Receive 5 ", Receive(Decimal(5))),
        ("receive 5 usd", Receive(Decimal(5), "USD")),
        ("get paid", Receive()),
        ("receive USD 2.50", Receive(Decimal("2.50"), "USD")),
    ],
)
def test_receive_words(text: str, expected: Receive) -> None:
    assert parse_receive(text) == expected
    assert from_text(text) == GetPaid(expected)


@pytest.mark.parametrize("text", ["receive five", "receive 5 dollars please"])
def test_receive_with_a_bad_amount_carries_the_reason(text: str) -> None:
    words = parse_receive(text)
    assert words is not None and words.problem and words.amount is None


@pytest.mark.parametrize(
    "text", ["pay now", "pay", "pay bob", "receiver", "payment to @bob", "i will pay 5 to @bob"]
)
def test_other_text_is_not_a_payment_word(text: str) -> None:
    assert parse_pay(text) is None and parse_receive(text) is None
    assert isinstance(from_text(text), Typed)


def test_statement_words_become_the_intent() -> None:
    assert from_text("statement") == AskStatement(StatementPeriod())
    assert from_text("Statement 2026-11") == AskStatement(StatementPeriod(11, 2026))
