"""The small grammars the form steps use: an amount, a handle, a date."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest

from parser import AmountInput, InputError, parse_amount, parse_date, parse_handle


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("5", AmountInput(Decimal("5"), None)),
        (" 0.5 ", AmountInput(Decimal("0.5"), None)),
        (".5", AmountInput(Decimal("0.5"), None)),
        ("1,000.50", AmountInput(Decimal("1000.50"), None)),
        ("USD 5", AmountInput(Decimal("5"), "USD")),
        ("5.25 zwg", AmountInput(Decimal("5.25"), "ZWG")),
        ("xau0.0001", AmountInput(Decimal("0.0001"), "XAU")),
        ("$20", AmountInput(Decimal("20"), "USD")),
        ("20 $", AmountInput(Decimal("20"), "USD")),
        ("Cxx 3", AmountInput(Decimal("3"), "CXX")),
        ("CAD1,000,000,000", AmountInput(Decimal("1000000000"), "CAD")),
    ],
)
def test_amount_step_reads_the_amount_and_its_denomination(
    text: str, expected: AmountInput
) -> None:
    assert parse_amount(text) == expected


@pytest.mark.parametrize(
    ("text", "message", "column"),
    [
        ("", "Type the amount, like 5", 1),
        ("0,5", "Use a dot for decimals, like 0.5", 2),
        ("five", "The amount must be a number, like 5", 1),
        ("inf", "The amount must be a number, like 5", 1),
        ("1e9", "Write the amount in plain digits, like 1000", 2),
        ("0", "The amount must be more than zero, like 0.5", 1),
        ("-1", "The amount must be more than zero, like 5", 1),
        ("2,000,000,000", "The most you can send is 1,000,000,000, like 1,000,000", 1),
        ("1.23456", "Use at most 4 decimals, like 0.1234", 7),
        ("BTC 1", "I don't know the currency BTC. Use CXX, CAD, USD, XAU or ZWG, like USD 5", 1),
        ("usd", "Add how much, like USD 5", 1),
        ("USD 5 USD", "Use one currency, like USD 5", 7),
        ("5 USD 5", "Use one amount, like USD 5", 7),
        ("1 000", "Write the amount without spaces, like 1,000", 3),
        ("5k", "I don't know the currency K. Use CXX, CAD, USD, XAU or ZWG, like USD 5", 2),
        ("5=>bob", "“=” can't be in an amount. Send a number, like 5", 2),
    ],
)
def test_amount_step_refuses_with_the_right_form(text: str, message: str, column: int) -> None:
    with pytest.raises(InputError) as caught:
        parse_amount(text)
    assert (caught.value.message, caught.value.column) == (message, column)


@pytest.mark.parametrize(
    ("text", "expected"),
    [("bob", "bob"), ("  Bob_91 ", "bob_91"), ("@ALICE", "alice"), ("a" * 30, "a" * 30)],
)
def test_handle_is_trimmed_lower_cased_and_loses_one_at_sign(text: str, expected: str) -> None:
    assert parse_handle(text) == expected


@pytest.mark.parametrize(
    ("text", "message", "column"),
    [
        ("", "Add the recipient's handle, like bob", 1),
        ("bo", "A handle is 3–30 letters, digits or underscores, like bob_91", 1),
        ("a" * 31, "A handle is 3–30 letters, digits or underscores, like bob_91", 1),
        (
            "bob-91",
            "A handle can't have “-”: use 3–30 letters, digits or underscores, like bob_91",
            4,
        ),
        (
            "@@bob",
            "A handle can't have “@”: use 3–30 letters, digits or underscores, like bob_91",
            2,
        ),
        (
            "İpek",
            "A handle can't have “İ”: use 3–30 letters, digits or underscores, like bob_91",
            1,
        ),
    ],
)
def test_handle_step_refuses_what_credex_core_would_refuse(
    text: str, message: str, column: int
) -> None:
    with pytest.raises(InputError) as caught:
        parse_handle(text)
    assert (caught.value.message, caught.value.column) == (message, column)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2026-12-20", datetime.date(2026, 12, 20)),
        (" 2028-02-29 ", datetime.date(2028, 2, 29)),
        ("2026-01-01", datetime.date(2026, 1, 1)),
    ],
)
def test_date_step_reads_iso_dates(text: str, expected: datetime.date) -> None:
    assert parse_date(text) == expected


TODAY = datetime.date(2026, 12, 1)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("20/12/2026", datetime.date(2026, 12, 20)),
        ("20-12-2026", datetime.date(2026, 12, 20)),
        ("20.12.26", datetime.date(2026, 12, 20)),
        ("5/1/2027", datetime.date(2027, 1, 5)),
        ("20 Dec", datetime.date(2026, 12, 20)),
        ("20dec", datetime.date(2026, 12, 20)),
        ("20th December", datetime.date(2026, 12, 20)),
        ("20 Dec 2026", datetime.date(2026, 12, 20)),
        ("Dec 20", datetime.date(2026, 12, 20)),
        ("December 20, 2026", datetime.date(2026, 12, 20)),
        ("1 Dec", datetime.date(2026, 12, 1)),  # today is still this year's
        ("30 Nov", datetime.date(2027, 11, 30)),  # already past: next year's
        ("5 jan", datetime.date(2027, 1, 5)),
        ("29 Feb", datetime.date(2028, 2, 29)),  # the next leap year's
    ],
)
def test_date_step_reads_the_day_first_and_dates_without_a_year(
    text: str, expected: datetime.date
) -> None:
    assert parse_date(text, TODAY) == expected


@pytest.mark.parametrize(
    ("text", "message", "column"),
    [
        ("", "Add the date, like 2026-12-20", 1),
        ("2026-12-2", "Write the date like 2026-12-20, 20/12/2026 or 20 Dec", 9),
        ("2026-12-200", "Write the date like 2026-12-20, 20/12/2026 or 20 Dec", 11),
        ("tomorrow", "Write the date like 2026-12-20, 20/12/2026 or 20 Dec", 1),
        ("12/20/2026", "12/20/2026 is not a real date. Write it like 2026-12-20", 1),
        ("20 Dec", "Add the year, like 2026-12-20", 1),
        ("2027-02-29", "2027-02-29 is not a real date. Write it like 2026-12-20", 1),
        ("2026-00-10", "2026-00-10 is not a real date. Write it like 2026-12-20", 1),
        ("2026-04-31", "2026-04-31 is not a real date. Write it like 2026-12-20", 1),
        ("31/04/2026", "31/04/2026 is not a real date. Write it like 2026-12-20", 1),
    ],
)
def test_date_step_refuses_other_forms_and_unreal_dates(
    text: str, message: str, column: int
) -> None:
    with pytest.raises(InputError) as caught:
        parse_date(text)
    assert (caught.value.message, caught.value.column) == (message, column)


@pytest.mark.parametrize(
    ("text", "home", "expected"),
    [
        ("0771234567", "263771000001", "263771234567"),  # local: the sender's country code
        ("077 123 4567", "263771000001", "263771234567"),
        ("0771234567", None, "0771234567"),  # no sender number: left as typed
        ("+263 77 123 4567", "263771000001", "263771234567"),
        ("00263771234567", None, "263771234567"),  # the international call prefix
        ("0412345678", "61400000001", "61412345678"),  # Australia: a 2-digit country code
        ("bob", "263771000001", "bob"),
        ("007", "263771000001", "007"),  # too short for a phone number: a handle
    ],
)
def test_a_phone_number_is_the_member_handle_it_names(
    text: str, home: str | None, expected: str
) -> None:
    assert parse_handle(text, home) == expected
