"""How amounts, dates and over-long titles are written, the same on every screen."""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal
from typing import Final

from actors.ports.credex import Money

# credex-core's display precision per denomination (docs/credex-core-api.md §9.5).
_PLACES: Final = {"CXX": 3, "XAU": 4}

BUTTON_TITLE: Final = 20
ROW_TITLE: Final = 24
ROW_DESCRIPTION: Final = 72
BODY: Final = 1024


def places(denomination: str) -> int:
    """Decimal places credex-core shows for `denomination` (§9.5)."""
    return _PLACES.get(denomination, 2)


def amount(value: Decimal, denomination: str) -> str:
    digits = places(denomination)
    rounded = value.quantize(Decimal(1).scaleb(-digits), rounding=ROUND_HALF_UP)
    return f"{rounded:,.{digits}f} {denomination}"


def money(value: Money) -> str:
    return amount(value.amount, value.denomination)


def unsigned(value: Money) -> str:
    """Outgoing offers arrive negative (§9.4); lists show how much, the words say which way."""
    return amount(abs(value.amount), value.denomination)


def day(value: dt.date) -> str:
    return f"{value.day} {value:%b %Y}"


def clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def sentence_case(text: str) -> str:
    """Upper-case the first letter only (str.capitalize() would turn "26 Dec" into "26 dec")."""
    return text[:1].upper() + text[1:]
