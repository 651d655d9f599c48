"""The handle grammar: credex-core's `^[a-z0-9_]{3,30}$` after trimming, lower-casing, one `@`.

A member's handle is their phone number's digits (docs/credex-core-api.md §8.1), so a phone
number typed the way people write them (`+263 77 123 4567`, `263-77-123-4567`) is that handle.
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


def read_handle(text: str, offset: int = 0, shape: Shape = as_is) -> str:
    """Normalise `text` to a credex handle, or raise InputError.

    Columns count from `offset`, where `text` starts in the line the user typed; `shape`
    turns an example handle into an example of the whole thing to send.
    """
    lead = len(text) - len(text.lstrip())
    body = text.strip()
    if body.startswith("@"):
        body, lead = body[1:], lead + 1
    handle = body.lower()
    if _HANDLE.fullmatch(handle):
        return handle
    digits = "".join(c for c in body if c.isdigit())
    if _PHONE.fullmatch(body) and len(digits) in _PHONE_DIGITS and digits.isascii():
        return digits
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


def parse_handle(text: str) -> str:
    """The handle step of a form: `Bob`, `@bob`, ` bob_91 ` all give `bob`; raises InputError."""
    return read_handle(text)
