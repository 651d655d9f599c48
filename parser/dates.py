"""The date grammar: `YYYY-MM-DD`, and only dates that exist on the calendar."""

from __future__ import annotations

import datetime
from typing import Final

import parsy

from parser.errors import InputError
from parser.examples import Shape, as_is

EXAMPLE_DATE: Final = "2026-12-20"

_iso_date: Final[parsy.Parser] = parsy.regex(
    r"([0-9]{4})-([0-9]{2})-([0-9]{2})\Z", group=(1, 2, 3)
).map(lambda parts: tuple(map(int, parts)))
# The same form piece by piece: slower, but its failure says which character is wrong.
_iso_date_steps: Final[parsy.Parser] = (
    parsy.regex(r"[0-9]{4}-") >> parsy.regex(r"[0-9]{2}-") >> parsy.regex(r"[0-9]{2}") << parsy.eof
)


def read_date(text: str, offset: int = 0, shape: Shape = as_is) -> datetime.date:
    """Read `text` as a YYYY-MM-DD date, or raise InputError.

    Columns count from `offset`, where `text` starts in the line the user typed; `shape`
    turns an example date into an example of the whole thing to send.
    """
    lead = len(text) - len(text.lstrip())
    body = text.strip()
    column = offset + lead + 1
    if not body:
        raise InputError(f"Add the date as YYYY-MM-DD, like {shape(EXAMPLE_DATE)}", column)
    parsed = _iso_date(body, 0)
    if not parsed.status:
        wrong_at = _iso_date_steps(body, 0).furthest
        raise InputError(
            f"Write the date as YYYY-MM-DD, like {shape(EXAMPLE_DATE)}", column + wrong_at
        )
    year, month, day = parsed.value
    try:
        return datetime.date(year, month, day)
    except ValueError:
        raise InputError(
            f"{body} is not a real date. Write it as YYYY-MM-DD, like {shape(EXAMPLE_DATE)}", column
        ) from None


def parse_date(text: str) -> datetime.date:
    """The date step of a form: `2026-12-20`; raises InputError for other forms or unreal dates."""
    return read_date(text)
