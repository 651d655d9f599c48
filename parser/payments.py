"""Words for getting paid and keeping records: `receive [amount]`, a pay link's prefilled
`pay [amount] to @<handle>`, and `statement [month | YYYY-MM | month YYYY]`.

Each function returns None when the text is not for it, so other text flows on unchanged.
"""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Final

import attrs

from parser.amount import read_amount
from parser.errors import InputError
from parser.handle import read_handle

MONTHS: Final = [
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
]

_RECEIVE: Final = re.compile(r"\s*(?:receive|get paid)\b(.*)", re.IGNORECASE | re.DOTALL)
# "pay 5.00 USD to @shop_1" or "pay @shop_1": the text a pay link fills in for the customer.
# The "@" keeps ordinary words ("pay now" on a confirmation) from reading as a pay request.
_PAY: Final = re.compile(r"\s*pay\s+(?:(.+?)\s+to\s+)?@([A-Za-z0-9_]{3,30})\s*", re.IGNORECASE)
_STATEMENT: Final = re.compile(r"\s*statement\b(.*)", re.IGNORECASE | re.DOTALL)
_YEAR_MONTH: Final = re.compile(r"(\d{4})-(\d{1,2})")


@attrs.frozen
class Receive:
    """`receive` (no amount), `receive 5`, `receive 5 USD`; `problem` when the amount is bad."""

    amount: Decimal | None = None
    denomination: str | None = None
    problem: str | None = None


@attrs.frozen
class Pay:
    handle: str
    amount: Decimal | None = None
    denomination: str | None = None


@attrs.frozen
class StatementPeriod:
    """`month` 1-12 (None: the last 30 days), `year` when named; `problem` when unreadable."""

    month: int | None = None
    year: int | None = None
    problem: bool = False


def parse_receive(text: str) -> Receive | None:
    m = _RECEIVE.fullmatch(text)
    if m is None:
        return None
    rest = m[1].strip()
    if not rest:
        return Receive()
    try:
        value = read_amount(rest)
    except InputError as error:
        return Receive(problem=error.message)
    return Receive(value.amount, value.denomination)


def parse_pay(text: str) -> Pay | None:
    m = _PAY.fullmatch(text)
    if m is None:
        return None
    handle = read_handle(m[2])
    if m[1] is None:
        return Pay(handle)
    try:
        value = read_amount(m[1])
    except InputError:
        return None  # not a pay link's text after all: let the form or menu read it
    return Pay(handle, value.amount, value.denomination)


def parse_statement(text: str) -> StatementPeriod | None:
    m = _STATEMENT.fullmatch(text)
    if m is None:
        return None
    words = m[1].strip().lower().replace(",", " ").split()
    if not words:
        return StatementPeriod()
    if len(words) == 1 and (ym := _YEAR_MONTH.fullmatch(words[0])):
        year, month = int(ym[1]), int(ym[2])
        return StatementPeriod(month, year) if 1 <= month <= 12 else StatementPeriod(problem=True)
    named = _month(words[0])
    if named is None or len(words) > 2:
        return StatementPeriod(problem=True)
    if len(words) == 2:
        if not re.fullmatch(r"\d{4}", words[1]):
            return StatementPeriod(problem=True)
        return StatementPeriod(named, int(words[1]))
    return StatementPeriod(named)


def _month(word: str) -> int | None:
    """A month's name, or its first three letters or more ("nov", "sept")."""
    if len(word) < 3:
        return None
    for number, name in enumerate(MONTHS, 1):
        if name.startswith(word):
            return number
    return None
