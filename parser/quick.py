"""Quick commands: `0.5=>bob` (secured), `0.5->bob` (unsecured), `0.5->bob=2026-12-01` (due date).

One command per line, at most ten in a message (a bulk offer). Text without an arrow is not a
command at all, so "hi" flows on as ordinary text.
"""

from __future__ import annotations

import datetime
import re
from decimal import Decimal
from typing import Final

import attrs
import parsy

from parser.amount import read_amount
from parser.dates import EXAMPLE_DATE, read_date
from parser.errors import InputError, QuickCommandError
from parser.handle import read_handle

MAX_COMMANDS: Final = 10
_ARROWS: Final = ("=>", "->")


@attrs.frozen
class QuickOffer:
    """One credex offer typed as a quick command, before the flow asks for confirmation."""

    amount: Decimal
    denomination: str | None
    handle: str
    secured: bool
    due_date: datetime.date | None


@attrs.frozen
class _Piece:
    text: str
    start: int  # 0-based offset in the line


# A lenient lexer over one line that holds an arrow: it splits the line into amount, arrow,
# handle and the rest (a due date, or a mistake). It cannot fail, so every mistake gets a
# message of our own from the strict grammars of each piece.
_command_line: Final[parsy.Parser] = parsy.seq(
    parsy.regex(r"(?:(?!=>|->).)*", flags=re.DOTALL),
    parsy.regex(r"=>|->"),
    parsy.regex(r"(?:(?!=>|->)[^=])*", flags=re.DOTALL),
    parsy.regex(r".*", flags=re.DOTALL),
)


def _split(line: str) -> tuple[_Piece, bool, _Piece, _Piece]:
    """The amount, whether the arrow is secured (`=>`), the handle and the rest of a line."""
    amount, arrow, handle, rest = _command_line.parse_partial(line)[0]
    handle_start = len(amount) + len(arrow)
    return (
        _Piece(amount, 0),
        arrow == "=>",
        _Piece(handle, handle_start),
        _Piece(rest, handle_start + len(handle)),
    )


def parse_quick_commands(text: str) -> list[QuickOffer] | None:
    """The offers a message types as quick commands, or None when it is not a command.

    Raises QuickCommandError, with the column and line, when a command is malformed.
    """
    if not any(arrow in text for arrow in _ARROWS):
        return None
    lines = [(number, line) for number, line in enumerate(text.splitlines(), 1) if line.strip()]
    if len(lines) > MAX_COMMANDS:
        raise QuickCommandError(
            f"Send at most {MAX_COMMANDS} offers at a time, one per line "
            f"(you sent {len(lines)}). Split them over two messages",
            1,
            lines[MAX_COMMANDS][0],
        )
    offers = []
    for number, line in lines:
        try:
            offers.append(_read_command(line))
        except InputError as error:
            message = f"line {number}: {error.message}" if len(lines) > 1 else error.message
            raise QuickCommandError(message, error.column, number) from None
    return offers


def _read_command(line: str) -> QuickOffer:
    if not any(arrow in line for arrow in _ARROWS):
        start = len(line) - len(line.lstrip())
        raise InputError("Put one offer on each line, like 5=>bob", start + 1)
    amount_piece, secured, handle_piece, rest = _split(line)
    arrow = "=>" if secured else "->"
    if rest.text.startswith(_ARROWS):  # "1->a->b": two commands run together
        raise InputError(
            f"Use one arrow per offer and one offer per line, like 5{arrow}bob", rest.start + 1
        )
    amount = read_amount(
        amount_piece.text,
        amount_piece.start,
        lambda a: f"{a}{arrow}{_valid_or(handle_piece, 'bob')}",
    )
    typed_amount = amount_piece.text.strip()
    handle = read_handle(
        handle_piece.text, handle_piece.start, lambda h: f"{typed_amount}{arrow}{h}"
    )
    due_date = None
    if rest.text.startswith("="):
        date_text, date_start = rest.text[1:], rest.start + 1
        if secured:
            date_example = _real_date_or(date_text, EXAMPLE_DATE)
            raise InputError(
                "Due dates are only for unsecured offers: use -> instead of =>, "
                f"like {typed_amount}->{handle}={date_example}",
                rest.start + 1,
            )
        due_date = read_date(date_text, date_start, lambda d: f"{typed_amount}->{handle}={d}")
    return QuickOffer(amount.amount, amount.denomination, handle, secured, due_date)


def _valid_or(piece: _Piece, fallback: str) -> str:
    """The handle the user typed when it is valid, so examples show their own command."""
    try:
        return read_handle(piece.text)
    except InputError:
        return fallback


def _real_date_or(text: str, fallback: str) -> str:
    """The date the user typed when it is real, so examples show their own command."""
    try:
        return read_date(text).isoformat()
    except InputError:
        return fallback
