"""Denominations, the fixed rate table and credex-core's amount formatting (docs/credex-core-api.md
§5.1, §9.5, §10.1)."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

DENOMINATIONS = ("CXX", "CAD", "USD", "XAU", "ZWG")

# CXX per one unit of each denomination. credex-core re-derives these at every DCO; the
# simulator keeps them fixed so that amounts in a credex's own denomination never drift and
# tests stay exact (§10.1 "simulator advice"). USD is about 1.35 CXX, ZWG about 25 per USD.
RATES: dict[str, Decimal] = {
    "CXX": Decimal(1),
    "CAD": Decimal(1),
    "USD": Decimal("1.35"),
    "XAU": Decimal(2500),
    "ZWG": Decimal("0.054"),
}

_PLACES = {"CXX": 3, "XAU": 4}
_QUANTUM = {places: Decimal(1).scaleb(-places) for places in (2, 3, 4)}
ZERO = Decimal(0)


def convert(amount: Decimal, source: str, target: str) -> Decimal:
    """Value of `amount` `source` in `target`, through CXX; exact when both are the same."""
    if source == target:
        return amount
    return amount * RATES[source] / RATES[target]


def places(denomination: str) -> int:
    return _PLACES.get(denomination, 2)


def format_number(amount: Decimal, denomination: str) -> str:
    """Intl.NumberFormat("en-US") with fixed fraction digits: "1,234.50", "-0.25", "3.000"."""
    digits = places(denomination)
    # Rounding is half away from zero, which Decimal calls ROUND_HALF_UP.
    rounded = amount.quantize(_QUANTUM[digits], rounding=ROUND_HALF_UP)
    return f"{rounded:,.{digits}f}"


def format_amount(amount: Decimal, denomination: str) -> str:
    """The usual response form, number then code: "1,234.50 USD"."""
    return f"{format_number(amount, denomination)} {denomination}"


def format_fixed2(amount: Decimal) -> str:
    """JavaScript's toFixed(2), used in the tier-limit message: no grouping."""
    return f"{amount.quantize(_QUANTUM[2], rounding=ROUND_HALF_UP):.2f}"


def json_number(amount: Decimal) -> int | float:
    """A JSON number as JavaScript would print it: 10, 7.5 (remainingAvailableUSD)."""
    rounded = amount.quantize(_QUANTUM[2], rounding=ROUND_HALF_UP)
    if rounded == rounded.to_integral_value():
        return int(rounded)
    return float(rounded)


def from_json(value: float) -> Decimal:
    """A validated JSON number as the Decimal it reads as: 0.1 is exactly one tenth."""
    return Decimal(repr(value)) if isinstance(value, float) else Decimal(value)
