"""The handle grammar: credex-core's `^[a-z0-9_]{3,30}$` after trimming, lower-casing, one `@`.

A member's handle is their phone number's digits (docs/credex-core-api.md §8.1), so a phone
number typed the way people write them (`+263 77 123 4567`, `263-77-123-4567`, `00263...`) is
that handle; a local number (`077 123 4567`) is read in the sender's country when their own
number is given, its trunk 0 replaced by their country code.
"""

from __future__ import annotations

import re
from typing import Final

from parser.errors import InputError
from parser.examples import Shape, as_is

_HANDLE: Final = re.compile(r"[a-z0-9_]{3,30}")  # docs/credex-core-api.md §2.3
_HANDLE_CHAR: Final = re.compile(r"[a-z0-9_]")
# A leading +, then digits with the spaces, dashes, dots and brackets people group them with.
_PHONE: Final = re.compile(r"\+?\(?[0-9][0-9 ().-]*[0-9]")
_PHONE_DIGITS: Final = range(7, 16)  # E.164 numbers have at most 15 digits


def _phone(body: str, home_phone: str | None) -> str | None:
    """The international digits of a phone number as typed, or None when it is not one."""
    digits = "".join(c for c in body if c.isdigit())
    if not _PHONE.fullmatch(body) or len(digits) not in _PHONE_DIGITS:
        return None
    if digits.startswith("00"):  # the international call prefix
        return digits[2:]
    if digits.startswith("0") and not body.startswith("+") and home_phone:
        national = digits[1:]
        country = len(home_phone) - len(national)  # the same national length as the sender's
        if 1 <= country <= 3:
            return home_phone[:country] + national
    return digits


def read_handle(
    text: str, offset: int = 0, shape: Shape = as_is, home_phone: str | None = None
) -> str:
    """Normalise `text` to a credex handle, or raise InputError.

    Columns count from `offset`, where `text` starts in the line the user typed; `shape`
    turns an example handle into an example of the whole thing to send. `home_phone` is the
    sender's own number, for local numbers.
    """
    lead = len(text) - len(text.lstrip())
    body = text.strip()
    if body.startswith("@"):
        body, lead = body[1:], lead + 1
    handle = body.lower()
    phone = _phone(body, home_phone)
    if phone is not None and (phone != body or not _HANDLE.fullmatch(handle)):
        return phone
    if _HANDLE.fullmatch(handle):
        return handle
    column = offset + lead + 1
    if not body:
        raise InputError(f"Add the recipient's handle, like {shape('bob')}", column)
    for index, char in enumerate(body):
        # Checked per character because lower() may turn one character into two ("İ").
        if not _HANDLE_CHAR.fullmatch(char.lower()):
            shown = "spaces" if char.isspace() else f"“{char}”"
            raise InputError(
                f"A handle can't have {shown}: use 3–30 letters, digits or underscores, "
                f"like {shape('bob_91')}",
                column + index,
            )
    raise InputError(
        f"A handle is 3–30 letters, digits or underscores, like {shape('bob_91')}", column
    )


def parse_handle(text: str, home_phone: str | None = None) -> str:
    """The handle step of a form: `Bob`, `@bob`, ` bob_91 ` all give `bob`; raises InputError.

    `home_phone`: the sender's number, so `0771234567` is read in their country."""
    return read_handle(text, home_phone=home_phone)
