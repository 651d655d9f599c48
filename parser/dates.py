"""The date grammar: `2026-12-20`, `20/12/2026`, `20.12.26`, `20 Dec`, `20 December 2026`, `Dec 20`.

Day before month, as Zimbabweans write dates (never the American month-first order); only dates
that exist on the calendar. A date without a year is the next such day from `today`, because
the only dates the bot asks for are due dates a few weeks ahead.
"""

from __future__ import annotations

import datetime
from typing import Final

import parsy

from parser.errors import InputError
from parser.examples import Shape, as_is

EXAMPLE_DATE: Final = "2026-12-20"
_OTHER_FORMS: Final = "20/12/2026 or 20 Dec"

_MONTHS: Final = {
    name: number
    for number, names in enumerate(
        (
            ("jan", "january"),
            ("feb", "february"),
            ("mar", "march"),
            ("apr", "april"),
            ("may",),
            ("jun", "june"),
            ("jul", "july"),
            ("aug", "august"),
            ("sep", "sept", "september"),
            ("oct", "october"),
            ("nov", "november"),
            ("dec", "december"),
        ),
        1,
    )
    for name in names
}

_number = parsy.regex(r"[0-9]{1,2}").map(int)
_year = parsy.regex(r"[0-9]{4}|[0-9]{2}(?![0-9])").map(
    lambda y: int(y) + (2000 if len(y) == 2 else 0)
)
_month_name = (
    parsy.regex(r"[A-Za-z]+")
    .map(str.lower)
    .bind(lambda word: parsy.success(_MONTHS[word]) if word in _MONTHS else parsy.fail("a month"))
)
_space = parsy.regex(r"[\s,]+")
_iso: Final[parsy.Parser] = parsy.seq(
    parsy.regex(r"[0-9]{4}").map(int) << parsy.string("-"),
    parsy.regex(r"[0-9]{2}").map(int) << parsy.string("-"),
    parsy.regex(r"[0-9]{2}").map(int),
)
# 20/12/2026, 20-12-2026, 20.12.26: day, month, year.
_numeric: Final[parsy.Parser] = parsy.seq(
    _number << parsy.regex(r"[/.-]"), _number << parsy.regex(r"[/.-]"), _year
).map(lambda dmy: (dmy[2], dmy[1], dmy[0]))
_ordinal = parsy.regex(r"(?:st|nd|rd|th)?")
# 20 Dec, 20th December 2026, Dec 20, December 20 2026: the year may be left out.
_day_month: Final[parsy.Parser] = parsy.seq(
    _number << _ordinal << _space.optional(), _month_name, (_space >> _year).optional()
).map(lambda dmy: (dmy[2], dmy[1], dmy[0]))
_month_day: Final[parsy.Parser] = parsy.seq(
    _month_name << _space, _number << _ordinal, (_space >> _year).optional()
).map(lambda mdy: (mdy[2], mdy[0], mdy[1]))
_date: Final[parsy.Parser] = (_iso | _numeric | _day_month | _month_day) << parsy.regex(r"\s*\Z")
# The ISO form piece by piece: its failure says which character is wrong.
_iso_steps: Final[parsy.Parser] = (
    parsy.regex(r"[0-9]{4}-") >> parsy.regex(r"[0-9]{2}-") >> parsy.regex(r"[0-9]{2}") << parsy.eof
)


def read_date(
    text: str, offset: int = 0, shape: Shape = as_is, today: datetime.date | None = None
) -> datetime.date:
    """Read `text` as a date, or raise InputError.

    Columns count from `offset`, where `text` starts in the line the user typed; `shape`
    turns an example date into an example of the whole thing to send. Without `today`, a date
    must name its year.
    """
    lead = len(text) - len(text.lstrip())
    body = text.strip()
    column = offset + lead + 1
    if not body:
        raise InputError(f"Add the date, like {shape(EXAMPLE_DATE)}", column)
    parsed = _date(body, 0)
    if not parsed.status:
        wrong_at = _iso_steps(body, 0).furthest if body[:4].isdigit() else 0
        raise InputError(
            f"Write the date like {shape(EXAMPLE_DATE)}, {_OTHER_FORMS}", column + wrong_at
        )
    year, month, day = parsed.value
    if year is None:
        if today is None:
            raise InputError(f"Add the year, like {shape(EXAMPLE_DATE)}", column)
        return _next_day(day, month, today, body, column, shape)
    return _real(year, month, day, body, column, shape)


def _real(year: int, month: int, day: int, body: str, column: int, shape: Shape) -> datetime.date:
    try:
        return datetime.date(year, month, day)
    except ValueError:
        raise InputError(
            f"{body} is not a real date. Write it like {shape(EXAMPLE_DATE)}", column
        ) from None


def _next_day(
    day: int, month: int, today: datetime.date, body: str, column: int, shape: Shape
) -> datetime.date:
    """The first `day month` on or after today (29 Feb: the next leap year's)."""
    for year in range(today.year, today.year + 5):
        try:
            candidate = datetime.date(year, month, day)
        except ValueError:
            continue
        if candidate >= today:
            return candidate
    return _real(today.year, month, day, body, column, shape)  # raises: no such day


def parse_date(text: str, today: datetime.date | None = None) -> datetime.date:
    """The date step of a form: `2026-12-20`, `20/12/2026`, `20 Dec`; raises InputError for
    other forms or unreal dates."""
    return read_date(text, today=today)
