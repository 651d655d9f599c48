"""Properties of the quick-command grammar over generated input (hypothesis)."""

from __future__ import annotations

import datetime
import re
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from parser import DENOMINATIONS, QuickCommandError, QuickOffer, parse_quick_commands

# Deterministic, so CI runs the same examples every time.
PROPERTY = settings(max_examples=300, derandomize=True, deadline=None)

SPACE = st.sampled_from(["", " ", "  ", "\t", "\u00a0"])


@st.composite
def amounts(draw: st.DrawFn) -> Decimal:
    places = draw(st.integers(0, 4))
    units = draw(st.integers(1, 1_000_000_000 * 10**places))
    return Decimal(units).scaleb(-places)


quick_offers = st.builds(
    lambda amount, denomination, handle, secured, due: QuickOffer(
        amount, denomination, handle, secured, None if secured else due
    ),
    amounts(),
    st.none() | st.sampled_from(sorted(DENOMINATIONS)),
    st.from_regex(r"[a-z0-9_]{3,30}", fullmatch=True),
    st.booleans(),
    st.none() | st.dates(),
)


def any_case(draw: st.DrawFn, text: str) -> str:
    flips = draw(st.lists(st.booleans(), min_size=len(text), max_size=len(text)))
    return "".join(c.upper() if flip else c for c, flip in zip(text, flips, strict=True))


@st.composite
def spellings(draw: st.DrawFn, offer: QuickOffer) -> str:
    """One of the many ways a user may type `offer`."""
    places = max(0, -int(offer.amount.as_tuple().exponent))
    shown = draw(st.integers(places, 4))  # trailing zeros do not change the amount: 0.5 = 0.500
    amount = offer.amount.quantize(Decimal(1).scaleb(-shown))
    number = draw(st.sampled_from([f"{amount:f}", f"{amount:,f}"]))
    if number.startswith("0.") and draw(st.booleans()):
        number = number[1:]  # ".5"
    if offer.denomination is not None:
        code = any_case(draw, offer.denomination)
        if offer.denomination == "USD" and draw(st.booleans()):
            code = "$"
        gap = draw(SPACE)
        number = f"{code}{gap}{number}" if draw(st.booleans()) else f"{number}{gap}{code}"
    handle = any_case(draw, offer.handle)
    if draw(st.booleans()):
        handle = "@" + handle
    # Arrows as people type them: with a space inside, or one glyph (read as secured).
    secured_arrows = ["=>", "= >", "=  >", "→", "⇒", "➡️"]
    arrow = draw(st.sampled_from(secured_arrows if offer.secured else ["->", "- >"]))
    parts = [draw(SPACE), number, draw(SPACE), arrow, draw(SPACE), handle, draw(SPACE)]
    if offer.due_date is not None:
        parts += ["=", draw(SPACE), offer.due_date.isoformat(), draw(SPACE)]
    parts.append(draw(st.sampled_from(["", " 🙏", "🙏🏾", " 👍 "])))  # thanks after a command
    return "".join(parts)


@st.composite
def bulk_messages(draw: st.DrawFn) -> tuple[list[QuickOffer], str]:
    offers = draw(st.lists(quick_offers, min_size=1, max_size=10))
    lines: list[str] = []
    for offer in offers:
        lines += draw(st.lists(st.sampled_from(["", "  "]), max_size=2))
        lines.append(draw(spellings(offer)))
    return offers, "\n".join(lines)


@PROPERTY
@given(quick_offers.flatmap(lambda offer: st.tuples(st.just(offer), spellings(offer))))
def test_any_spelling_of_an_offer_parses_back_to_it(case: tuple[QuickOffer, str]) -> None:
    offer, text = case
    assert parse_quick_commands(text) == [offer]


# Each example holds up to ten offers, so fewer examples cover as many commands.
@settings(max_examples=100, derandomize=True, deadline=None)
@given(bulk_messages())
def test_a_bulk_message_parses_back_to_its_offers_in_order(
    case: tuple[list[QuickOffer], str],
) -> None:
    offers, text = case
    assert parse_quick_commands(text) == offers


HANDLE = re.compile(r"[a-z0-9_]{3,30}")
# Text that looks like commands reaches deep into the grammar; arbitrary unicode covers the rest.
COMMANDISH = st.text(alphabet="0123456789.,=>-$ @_\n\tabUSDzwgé٥İK-=>", max_size=40)


def check_outcome(text: str) -> None:
    try:
        result = parse_quick_commands(text)
    except QuickCommandError as error:
        lines = text.splitlines()
        assert error.message
        assert 1 <= error.line <= len(lines)
        assert 1 <= error.column <= len(lines[error.line - 1]) + 1
        return
    if result is None:
        assert "=>" not in text and "->" not in text
        return
    assert 1 <= len(result) <= 10
    for offer in result:
        assert Decimal(0) < offer.amount <= Decimal(1_000_000_000)
        assert -offer.amount.as_tuple().exponent <= 4
        assert offer.denomination in DENOMINATIONS | {None}
        assert HANDLE.fullmatch(offer.handle)
        assert offer.due_date is None or (
            not offer.secured and isinstance(offer.due_date, datetime.date)
        )


@PROPERTY
@given(st.text())
def test_arbitrary_text_is_none_offers_or_a_quick_command_error(text: str) -> None:
    check_outcome(text)


@PROPERTY
@given(COMMANDISH)
def test_command_like_text_is_none_offers_or_a_quick_command_error(text: str) -> None:
    check_outcome(text)
