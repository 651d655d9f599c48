"""credex-core's request validation layer (`validateRequest`, docs/credex-core-api.md §2.3):
sanitizers, validators and
the schema walk that keeps only the schema's keys and reports the first failing field.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Mapping
from typing import Any

import attrs

from simulator.credex.model import Refusal
from simulator.credex.money import DENOMINATIONS

Sanitizer = Callable[[Any], Any]
Validator = Callable[[Any], str | None]  # the failure message, or None when valid

_UUID = re.compile(
    r"^[0-9a-f]{8}-[0-9a-f]{4}-[1-5][0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$", re.IGNORECASE
)
_HANDLE = re.compile(r"^[a-z0-9_]{3,30}$")
_PHONE = re.compile(r"^\+?[1-9]\d{1,14}$")
_NUMERIC = re.compile(r"[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?")
CREDEX_TYPES = ("PURCHASE", "GIFT", "DCO_GIVE", "DCO_RECEIVE")
ACCOUNT_TYPES = ("PERSONAL_CONSUMPTION", "BUSINESS")


class SanitizationError(ValueError):
    """A sanitizer could not handle the value (JavaScript would have thrown)."""


# ----- sanitizers -----


def sanitize_string(value: Any) -> str:
    if value is None:
        return ""
    if not isinstance(value, str):
        raise SanitizationError(value)
    # The `xss` filter escapes angle brackets; that is all a simulator needs of it.
    return value.strip().replace("<", "&lt;").replace(">", "&gt;")


def sanitize_uuid(value: Any) -> str:
    return re.sub(r"[^0-9a-fA-F-]", "", value) if isinstance(value, str) else ""


def sanitize_phone(value: Any) -> str:
    return re.sub(r"\D", "", sanitize_string(value))


def sanitize_name(value: Any) -> str:
    return re.sub(r"[^A-Za-z \-]", "", sanitize_string(value))


def sanitize_denomination(value: Any) -> str:
    return sanitize_string(value).upper()


def sanitize_account_handle(value: Any) -> str:
    return re.sub(r"[^A-Za-z0-9_]", "", sanitize_string(value))


def sanitize_account_name(value: Any) -> str:
    return re.sub(r"[^A-Za-z0-9 \-]", "", sanitize_string(value))


def sanitize_account_type(value: Any) -> str:
    return value.strip().upper() if isinstance(value, str) else ""


def to_number(value: Any) -> float | int:
    """JavaScript's Number(x) for the values JSON can carry."""
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, int | float):
        return value
    if value is None:
        return 0
    if isinstance(value, str):
        text = value.strip()
        if not text:
            return 0
        return float(text) if _NUMERIC.fullmatch(text) else math.nan
    return math.nan


def to_boolean(value: Any) -> bool:
    """JavaScript's Boolean(x): "false" is true."""
    if isinstance(value, float) and math.isnan(value):
        return False
    return value not in (False, 0, "", None)


def identity(value: Any) -> Any:
    return value


# ----- validators -----


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def valid_uuid(value: Any) -> str | None:
    return None if isinstance(value, str) and _UUID.match(value) else "Invalid UUID format"


def valid_member_handle(value: Any) -> str | None:
    if isinstance(value, str) and _HANDLE.match(value):
        return None
    return (
        "Invalid member handle: must be 3-30 characters long and contain only lowercase "
        "letters, numbers, and underscores"
    )


def valid_account_handle(value: Any) -> str | None:
    if isinstance(value, str) and _HANDLE.match(value):
        return None
    return (
        "Invalid account handle: must be 3-30 characters long and contain only lowercase "
        "letters, numbers, and underscores"
    )


def valid_name(value: Any) -> str | None:
    if 3 <= len(value) <= 50:
        return None
    return f"Invalid name: must be between 3 and 50 characters long. Received length: {len(value)}"


def valid_account_name(value: Any) -> str | None:
    if 3 <= len(value) <= 50:
        return None
    return (
        "Invalid account name: must be between 3 and 50 characters long. "
        f"Received length: {len(value)}"
    )


def valid_phone(value: Any) -> str | None:
    if isinstance(value, str) and _PHONE.match(value):
        return None
    return "Invalid phone number: must be a valid international phone number"


def valid_amount(value: Any) -> str | None:
    if _is_number(value) and math.isfinite(value) and value > 0:
        return None
    return "Invalid amount: must be a positive finite number"


def valid_positive_number(value: Any) -> str | None:
    if _is_number(value) and not math.isnan(value) and value > 0:
        return None
    return "Must be a positive number"


def valid_positive_integer(value: Any) -> str | None:
    if _is_number(value) and float(value).is_integer() and value > 0:
        return None
    return "Invalid value: must be a positive integer"


def valid_start_row(value: Any) -> str | None:
    """[INTENDED] (§11 quirk 6): the first row is 0, as the controller reads it."""
    if _is_number(value) and float(value).is_integer() and value >= 0:
        return None
    return "Invalid value: must be a positive integer"


def valid_denomination(value: Any) -> str | None:
    if value in DENOMINATIONS:
        return None
    return f"Invalid denomination: {value} is not a recognized denomination"


def valid_credex_type(value: Any) -> str | None:
    if value in CREDEX_TYPES:
        return None
    return f"Invalid credex type: {value} is not a recognized credex type"


def valid_boolean(value: Any) -> str | None:
    return None if isinstance(value, bool) else "Invalid value: must be a boolean (true or false)"


def valid_tier(value: Any) -> str | None:
    if _is_number(value) and float(value).is_integer() and value >= 1:
        return None
    return "Invalid tier: must be a positive integer"


def valid_account_type(value: Any) -> str | None:
    if value in ACCOUNT_TYPES:
        return None
    return "Invalid account type. Must be one of: PERSONAL_CONSUMPTION, BUSINESS"


def valid_direction(value: Any) -> str | None:
    return None if value in ("OFFERS", "REQUESTS") else "Invalid OFFERSorREQUESTS value"


def valid_date_text(value: Any) -> str | None:
    return None if isinstance(value, str) else "Invalid date format"


# ----- the schema walk -----


@attrs.frozen
class Field:
    sanitize: Sanitizer
    validate: Validator
    required: bool = False


Schema = Mapping[str, Field]


def validate(body: Any, schema: Schema) -> dict[str, Any] | Refusal:
    """The sanitized body holding only schema keys that were present; or the first failure."""
    source: Mapping[str, Any] = body if isinstance(body, dict) else {}
    clean: dict[str, Any] = {}
    for key, field in schema.items():
        if key not in source:
            if field.required:
                return Refusal(400, f"Required field missing: {key}")
            continue
        try:
            value = field.sanitize(source[key])
        except SanitizationError:
            return Refusal(400, f"Sanitization error for {key}")
        message = field.validate(value)
        if message is not None:
            return Refusal(400, message)
        clean[key] = value
    return clean
