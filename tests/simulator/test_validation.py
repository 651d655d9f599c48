"""The validateRequest layer (docs/credex-core-api.md §2.3): sanitizers, exact messages, first
failure, field stripping."""

import math

import pytest

from simulator.credex import schemas
from simulator.credex.model import Refusal
from simulator.credex.validation import (
    sanitize_account_handle,
    sanitize_name,
    sanitize_phone,
    sanitize_uuid,
    to_boolean,
    to_number,
    validate,
)


def test_phone_sanitizer_keeps_digits_only() -> None:
    assert sanitize_phone("+263 77-123") == "26377123"


def test_name_sanitizer_drops_digits_apostrophes_and_accents() -> None:
    assert sanitize_name("Member1") == "Member"
    assert sanitize_name("O'Neil") == "ONeil"
    assert sanitize_name(" Zoë ") == "Zo"


def test_account_handle_sanitizer_removes_periods_but_keeps_case() -> None:
    assert sanitize_account_handle("credexfoundation.dco") == "credexfoundationdco"
    assert sanitize_account_handle("Tendai") == "Tendai"


def test_uuid_sanitizer_keeps_hex_and_dashes() -> None:
    assert sanitize_uuid(" abc-XYZ-12 ") == "abc--12"
    assert sanitize_uuid(12) == ""


def test_number_coercion_follows_javascript() -> None:
    assert to_number("10") == 10
    assert to_number("") == 0
    assert math.isnan(to_number("abc"))
    assert to_boolean("false") is True
    assert to_boolean(0) is False


def test_schema_keeps_only_its_own_keys_sanitized() -> None:
    clean = validate({"phone": "+263 771 000 001", "memberID": "x", "extra": 1}, schemas.LOGIN)
    assert clean == {"phone": "263771000001"}


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({}, "Required field missing: phone"),
        ({"phone": 263}, "Sanitization error for phone"),
        ({"phone": "0771"}, "Invalid phone number: must be a valid international phone number"),
    ],
)
def test_login_failures_carry_credex_core_messages(body: dict[str, object], message: str) -> None:
    assert validate(body, schemas.LOGIN) == Refusal(400, message)


def test_only_the_first_failing_field_is_reported() -> None:
    body = {"firstname": "Al", "lastname": "B", "phone": "x", "defaultDenom": "EUR"}
    assert validate(body, schemas.ONBOARD) == Refusal(
        400, "Invalid name: must be between 3 and 50 characters long. Received length: 2"
    )


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("Denomination", "eur", "Invalid denomination: EUR is not a recognized denomination"),
        ("InitialAmount", -1, "Invalid amount: must be a positive finite number"),
        ("InitialAmount", "abc", "Invalid amount: must be a positive finite number"),
        ("credexType", "LOAN", "Invalid credex type: LOAN is not a recognized credex type"),
        ("issuerAccountID", "not-a-uuid", "Invalid UUID format"),
    ],
)
def test_create_credex_field_messages(field: str, value: object, message: str) -> None:
    body: dict[str, object] = {
        "issuerAccountID": "00000000-0000-4000-8000-000000000001",
        "receiverAccountID": "00000000-0000-4000-8000-000000000002",
        "Denomination": "USD",
        "InitialAmount": 1,
    }
    body[field] = value
    assert validate(body, schemas.CREATE_CREDEX) == Refusal(400, message)


def test_numeric_string_amount_passes_through_number_coercion() -> None:
    body = {
        "issuerAccountID": "00000000-0000-4000-8000-000000000001",
        "receiverAccountID": "00000000-0000-4000-8000-000000000002",
        "Denomination": "usd",
        "InitialAmount": "12.5",
        "securedCredex": "false",
    }
    clean = validate(body, schemas.CREATE_CREDEX)
    assert isinstance(clean, dict)
    assert (clean["InitialAmount"], clean["Denomination"], clean["securedCredex"]) == (
        12.5,
        "USD",
        True,
    )


def test_member_handle_must_be_lower_case() -> None:
    assert validate({"memberHandle": "Tendai"}, schemas.MEMBER_BY_HANDLE) == Refusal(
        400,
        "Invalid member handle: must be 3-30 characters long and contain only lowercase "
        "letters, numbers, and underscores",
    )


def test_ledger_rows_must_be_positive_but_start_row_may_be_zero() -> None:
    account = "00000000-0000-4000-8000-000000000001"
    assert validate({"accountID": account, "numRows": 0}, schemas.LEDGER) == Refusal(
        400, "Invalid value: must be a positive integer"
    )
    assert validate({"accountID": account, "startRow": 0}, schemas.LEDGER) == {
        "accountID": account,
        "startRow": 0,
    }
