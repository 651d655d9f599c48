"""Amount formatting as credex-core's denomFormatter does it (docs/credex-core-api.md §9.5)."""

from decimal import Decimal

import pytest

from simulator.credex.money import convert, format_amount, format_fixed2, format_number, json_number


@pytest.mark.parametrize(
    ("amount", "denom", "expected"),
    [
        ("1234.5", "USD", "1,234.50 USD"),
        ("3", "CXX", "3.000 CXX"),
        ("0.12345", "XAU", "0.1235 XAU"),
        ("-0.25", "USD", "-0.25 USD"),
        ("-1234567.891", "CAD", "-1,234,567.89 CAD"),
        ("2.345", "ZWG", "2.35 ZWG"),
        ("-2.345", "USD", "-2.35 USD"),
        ("0.0005", "CXX", "0.001 CXX"),
    ],
)
def test_amounts_use_en_us_grouping_fixed_places_and_half_away_from_zero(
    amount: str, denom: str, expected: str
) -> None:
    assert format_amount(Decimal(amount), denom) == expected


def test_negated_zero_prints_as_minus_zero_like_javascript() -> None:
    assert format_amount(Decimal("-0"), "USD") == "-0.00 USD"


def test_create_credex_number_has_no_denomination_suffix() -> None:
    assert format_number(Decimal(10), "USD") == "10.00"


def test_tier_message_amount_is_to_fixed_2_without_grouping() -> None:
    assert format_fixed2(Decimal("1234.567")) == "1234.57"
    assert format_fixed2(Decimal("-2.5")) == "-2.50"


def test_remaining_usd_is_a_plain_json_number() -> None:
    assert json_number(Decimal(10)) == 10
    assert isinstance(json_number(Decimal(10)), int)
    assert json_number(Decimal("7.5")) == 7.5


def test_conversion_is_exact_within_a_denomination_and_goes_through_cxx_across() -> None:
    assert convert(Decimal("7"), "USD", "USD") == Decimal("7")
    assert convert(Decimal("1.35"), "CAD", "USD") == Decimal(1)
