"""Quick commands: `0.5=>bob` (secured), `0.5->bob` (unsecured), `0.5->bob=2026-12-01` (due date).

One command per line, at most ten in a message (a bulk offer). Text without an arrow is not a
command at all, so "hi" flows on as ordinary text. Arrows are read as people type them: `= >`
and `- >` with spaces, and a one-glyph arrow (`→`, `⇒`, `➡️`, what phone keyboards and
autocorrect produce) counts as `=>`: a single glyph cannot say which of the two was meant, and
a secured offer is the one that creates no debt (the confirmation names the kind either way).
Emoji after a command (`5=>rudo 🙏`) are politeness, not part of the handle.
"""

from __future__ import annotations

import datetime
import re
import unicodedata
from decimal import Decimal
from typing import Final

import attrs
import parsy

from parser.amount import read_amount
from parser.dates import EXAMPLE_DATE, read_date
from parser.errors import InputError, QuickCommandError
from parser.handle import read_handle

MAX_COMMANDS: Final = 10
_ARROW: Final = r"=[ \t]*>|-[ \t]*>|[→⇒➡]\ufe0f?"
_ANY_ARROW: Final = re.compile(_ARROW)
_EMOJI: Final = frozenset({"So", "Sk", "Mn", "Cf", "Cs"})  # symbols, modifiers, ZWJ, selectors


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
    parsy.regex(rf"(?:(?!{_ARROW}).)*", flags=re.DOTALL),
    parsy.regex(_ARROW),
    parsy.regex(rf"(?:(?!{_ARROW})[^=])*", flags=re.DOTALL),
    parsy.regex(r".*", flags=re.DOTALL),
)


def _split(line: str) -> tuple[_Piece, bool, _Piece, _Piece]:
    """The amount, whether the arrow is secured (`=>`), the handle and the rest of a line."""
    amount, arrow, handle, rest = _command_line.parse_partial(line)[0]
    handle_start = len(amount) + len(arrow)
    return (
        _Piece(amount, 0),
        not arrow.startswith("-"),
        _Piece(handle, handle_start),
        _Piece(rest, handle_start + len(handle)),
    )


def _without_trailing_emoji(line: str) -> str:
    """`5=>rudo 🙏🏾` is `5=>rudo`: symbols, skin tones and joiners at the end are dropped."""
    end = len(line)
    while end and (line[end - 1].isspace() or unicodedata.category(line[end - 1]) in _EMOJI):
        end -= 1
    return line[:end]


def parse_quick_commands(
    text: str, today: datetime.date | None = None, home_phone: str | None = None
) -> list[QuickOffer] | None:
    """The offers a message types as quick commands, or None when it is not a command.

    `today` lets a due date leave out its year (`5->bob=20 Dec`); `home_phone`, the sender's
    number, lets a recipient be a local number (`5=>0771234567`). Raises QuickCommandError,
    with the column and line, when a command is malformed.
    """
    if not _ANY_ARROW.search(text):
        return None
    lines = [
        (number, _without_trailing_emoji(line))
        for number, line in enumerate(text.splitlines(), 1)
        if line.strip()
    ]
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
            offers.append(_read_command(line, today, home_phone))
        except InputError as error:
            message = f"line {number}: {error.message}" if len(lines) > 1 else error.message
            raise QuickCommandError(message, error.column, number) from None
    return offers


def _read_command(
    line: str, today: datetime.date | None, home_phone: str | None = None
) -> QuickOffer:
    if not _ANY_ARROW.search(line):
        start = len(line) - len(line.lstrip())
        raise InputError("Put one offer on each line, like 5=>bob", start + 1)
    amount_piece, secured, handle_piece, rest = _split(line)
    arrow = "=>" if secured else "->"
    if _ANY_ARROW.match(rest.text):  # "1->a->b": two commands run together
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
        handle_piece.text, handle_piece.start, lambda h: f"{typed_amount}{arrow}{h}", home_phone
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
        due_date = read_date(
            date_text, date_start, lambda d: f"{typed_amount}->{handle}={d}", today
        )
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
