"""The amount grammar: `5`, `0.5`, `.5`, `1,000.50`, with an optional denomination before or after.

Decimal only, never float: `1e9`, `inf` and `0,5` are not amounts here (the reference bot
accepted the first two through `float()`, docs/reference-bot.md §2.3).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from decimal import Decimal
from typing import Final, Protocol

import attrs
import parsy

from parser.errors import InputError
from parser.examples import Shape, as_is

DENOMINATIONS: Final = frozenset({"CXX", "CAD", "USD", "XAU", "ZWG"})
MAX_AMOUNT: Final = Decimal(1_000_000_000)
# Finer precision per denomination (2, CXX 3, XAU 4) is the offer flow's check, not ours.
MAX_DECIMALS: Final = 4


@attrs.frozen
class AmountInput:
    """An amount as typed: its value and, when the user named one, its denomination."""

    amount: Decimal
    denomination: str | None


@attrs.frozen
class _Token:
    kind: str  # "letters", "dollar", "number" or "other"
    text: str
    start: int

    @property
    def end(self) -> int:
        return self.start + len(self.text)


class _Fail(Protocol):
    """Builds the error for a token, pointing `at` characters into it."""

    def __call__(self, message: str, token: _Token | None = ..., at: int = ...) -> InputError: ...


_TOKEN: Final = re.compile(
    r"\s*(?:(?P<letters>[A-Za-z]+)|(?P<dollar>\$)|(?P<number>[0-9.,]+)|(?P<other>\S))"
)


def _read_token(stream: str, index: int) -> parsy.Result:
    """One token of an amount: letters, `$`, a run of digits, dots and commas, or anything else."""
    match = _TOKEN.match(stream, index)
    if match is None:
        return parsy.Result.failure(index, "a token")
    kind = match.lastgroup or "other"
    return parsy.Result.success(match.end(), _Token(kind, match[kind], match.start(kind)))


# A lenient lexer: it accepts any text (what is left is white space), so every mistake is
# diagnosed below with a message of our own instead of parsy's "expected one of ...".
_tokens: Final[parsy.Parser] = parsy.Parser(_read_token).many()

# Thousands groups: "1,000" and "12,345,678", never "0,500" (that is a decimal comma).
_GROUPED: Final = re.compile(r"[1-9][0-9]{0,2}(?:,[0-9]{3})+")


def read_amount(text: str, offset: int = 0, shape: Shape = as_is) -> AmountInput:
    """Read `text` as an amount with an optional denomination, or raise InputError.

    `offset` is where `text` starts in the line the user typed, so columns point into that
    line; `shape` turns an example amount into an example of the whole thing to send.
    """
    tokens: list[_Token] = _tokens.parse_partial(text)[0]

    def fail(message: str, token: _Token | None = None, at: int = 0) -> InputError:
        start = token.start + at if token is not None else len(text) - len(text.lstrip())
        return InputError(message, offset + start + 1)

    number, currency = _arrange(tokens, fail, shape)
    denomination = None
    if currency is not None:
        denomination = _denomination(currency)
        if denomination is None:
            raise fail(
                f"I don't know the currency {currency.text.upper()}. "
                f"Use CXX, CAD, USD, XAU or ZWG, like {shape('USD 5')}",
                currency,
            )
    return AmountInput(_number(number, fail, shape), denomination)


def _arrange(tokens: list[_Token], fail: _Fail, shape: Shape) -> tuple[_Token, _Token | None]:
    """The number and the currency, when the tokens are one number with one currency or none."""
    for token in tokens:
        if token.kind == "other" and token.text == "-":
            raise fail(f"The amount must be more than zero, like {shape('5')}", token)
        if token.kind == "other":
            message = f"“{token.text}” can't be in an amount. Send a number, like {shape('5')}"
            raise fail(message, token)
    numbers = [t for t in tokens if t.kind == "number"]
    currencies = [t for t in tokens if t.kind != "number"]
    if not numbers:
        if any(_denomination(t) is not None for t in currencies):
            raise fail(f"Add how much, like {shape('USD 5')}", currencies[0])
        if currencies:
            raise fail(f"The amount must be a number, like {shape('5')}", currencies[0])
        raise fail(f"Type the amount, like {shape('5')}")
    if len(numbers) > 1:
        first, second = numbers[0], numbers[1]
        between = tokens[tokens.index(first) + 1]
        if between is second:
            raise fail(f"Write the amount without spaces, like {shape('1,000')}", second)
        if first.end == between.start and between.end == second.start:  # "1e9"
            raise fail(f"Write the amount in plain digits, like {shape('1000')}", between)
        raise fail(f"Use one amount, like {shape('USD 5')}", second)
    if len(currencies) > 1:
        raise fail(f"Use one currency, like {shape('USD 5')}", currencies[1])
    return numbers[0], currencies[0] if currencies else None


def _denomination(token: _Token) -> str | None:
    if token.kind == "dollar":
        return "USD"
    code = token.text.upper()
    return code if code in DENOMINATIONS else None


def _number(token: _Token, fail: Callable[[str, _Token, int], InputError], shape: Shape) -> Decimal:
    text = token.text
    if not any(c.isdigit() for c in text):
        raise fail(f"The amount must be a number, like {shape('5')}", token, 0)
    whole, dot, fraction = text.partition(".")
    if "." in fraction:
        at = len(whole) + 1 + fraction.index(".")
        raise fail(f"Use one dot for decimals, like {shape('1,000.50')}", token, at)
    if "," in fraction:
        at = len(whole) + 1 + fraction.index(",")
        raise fail(
            f"Use a dot for decimals and commas only for thousands, like {shape('1,000.50')}",
            token,
            at,
        )
    if "," in whole and not _GROUPED.fullmatch(whole):
        at = whole.index(",")
        if whole.count(",") == 1 and not dot:
            raise fail(f"Use a dot for decimals, like {shape('0.5')}", token, at)
        raise fail(
            f"Commas separate thousands in groups of three, like {shape('1,000,000')}", token, at
        )
    if dot and not fraction:
        raise fail(f"Put digits after the dot, like {shape('5.50')}", token, len(text) - 1)
    if len(fraction) > MAX_DECIMALS:
        at = len(whole) + 1 + MAX_DECIMALS
        raise fail(f"Use at most {MAX_DECIMALS} decimals, like {shape('0.1234')}", token, at)
    value = Decimal(text.replace(",", ""))
    if value == 0:
        raise fail(f"The amount must be more than zero, like {shape('0.5')}", token, 0)
    if value > MAX_AMOUNT:
        raise fail(f"The most you can send is 1,000,000,000, like {shape('1,000,000')}", token, 0)
    return value


def parse_amount(text: str) -> AmountInput:
    """The amount step of a form: `5`, `USD 5`, `5.25 zwg`, `$5`; raises InputError."""
    return read_amount(text)
